/**
 * Where MCP servers come from, in the formats other tools already use: `.vscode/mcp.json` (`servers`, `inputs`,
 * `${env:X}` / `${workspaceFolder}` / `${input:id}`), `.mcp.json` and `.cursor/mcp.json` (`mcpServers`, `${VAR}` and
 * `${VAR:-default}`), and the user-level setting `tack.mcpServers` (the `.mcp.json` shape). Placeholders that need
 * a prompt (`${input:…}`) are reported as unresolved and the server is not startable — never guessed. Repository
 * files are read with the bounded reader. Never throws: every problem is a value with a sentence.
 */
import * as path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { readBoundedFile } from '../files/bounded-read';

export type McpSource = 'user' | 'workspace';

/** One server as it will run (placeholders expanded). */
export interface McpServerDef {
  name: string;
  source: McpSource;
  /** Where it was defined: a workspace-relative file or `tack.mcpServers`. */
  file: string;
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  /** Placeholders that need a person's input (`${input:token}`): the server is not started while any is left. */
  unresolved?: string[];
}

export interface McpConfigProblem {
  severity: 'error' | 'warning';
  file: string;
  message: string;
  server?: string;
}

export interface McpConfig {
  /** By name; the first definition wins when a name is defined twice (user, then the files in WORKSPACE_MCP_FILES order). */
  servers: Record<string, McpServerDef>;
  problems: McpConfigProblem[];
}

export const WORKSPACE_MCP_FILES: ReadonlyArray<{ path: string; dialect: 'vscode' | 'mcpServers' }> = [
  { path: '.vscode/mcp.json', dialect: 'vscode' },
  { path: '.mcp.json', dialect: 'mcpServers' },
  { path: '.cursor/mcp.json', dialect: 'mcpServers' },
];

/** An MCP config file is a few KB; a larger one is refused rather than read. */
export const MCP_FILE_MAX_BYTES = 256 * 1024;

export interface ExpandContext {
  workspaceFolder?: string;
  env: NodeJS.ProcessEnv;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Expands the placeholders of one string; names the inputs it could not resolve. */
function expand(s: string, dialect: 'vscode' | 'mcpServers', ctx: ExpandContext, unresolved: Set<string>): string {
  return s.replace(/\$\{([^}]+)\}/g, (whole, inner: string) => {
    if (inner === 'workspaceFolder' || inner === 'workspaceRoot') {
      if (ctx.workspaceFolder !== undefined) return ctx.workspaceFolder;
      unresolved.add(whole);
      return whole;
    }
    if (inner === 'userHome') return ctx.env.HOME ?? whole;
    if (inner.startsWith('env:')) return ctx.env[inner.slice(4)] ?? '';
    if (inner.startsWith('input:')) { unresolved.add(whole); return whole; }
    if (dialect === 'mcpServers') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/.exec(inner);
      if (m) return ctx.env[m[1]] ?? m[2] ?? '';
    }
    unresolved.add(whole);
    return whole;
  });
}

function stringRecord(v: unknown, what: string, problems: string[]): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) { problems.push(`${what} must be an object of strings`); return undefined; }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else if (x !== null) problems.push(`${what}.${k} must be a string`);
  }
  return out;
}

/** One entry of `servers` / `mcpServers` → a definition, or the reasons it is not one. */
export function parseServerEntry(name: string, raw: unknown, dialect: 'vscode' | 'mcpServers', source: McpSource, file: string, ctx: ExpandContext): { def?: McpServerDef; problems: string[] } {
  const problems: string[] = [];
  if (!isObj(raw)) return { problems: ['the definition must be an object'] };
  const unresolved = new Set<string>();
  const x = (s: string) => expand(s, dialect, ctx, unresolved);
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  const def: McpServerDef = { name, source, file, transport: 'stdio' };
  if (typeof raw.command === 'string' && raw.command.trim()) {
    if (type && type !== 'stdio') problems.push(`"type": "${type}" does not go with "command"`);
    def.command = x(raw.command);
    if (raw.args !== undefined) {
      if (!Array.isArray(raw.args) || !raw.args.every(a => typeof a === 'string' || typeof a === 'number')) problems.push('"args" must be a list of strings');
      else def.args = raw.args.map(a => x(String(a)));
    }
    const env = stringRecord(raw.env, 'env', problems);
    if (env) def.env = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, x(v)]));
    if (typeof raw.cwd === 'string') def.cwd = x(raw.cwd);
    if (raw.envFile !== undefined) problems.push('"envFile" is not supported; set "env" instead');
  } else if (typeof raw.url === 'string' && raw.url.trim()) {
    def.url = x(raw.url);
    def.transport = type === 'sse' ? 'sse' : 'http';
    if (type && !['http', 'sse', 'streamable-http', 'streamableHttp'].includes(type)) problems.push(`unknown "type": "${type}"`);
    const headers = stringRecord(raw.headers, 'headers', problems);
    if (headers) def.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, x(v)]));
    try {
      const u = new URL(def.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`the url must be http:// or https:// (got ${u.protocol})`);
    } catch {
      if (!unresolved.size) problems.push(`"${def.url}" is not a URL`);
    }
  } else {
    return { problems: ['it needs a "command" (stdio) or a "url" (HTTP)'] };
  }
  if (unresolved.size) def.unresolved = [...unresolved];
  return { def, problems };
}

/** Parses one config text. `file` is how problems name it. */
export function parseMcpText(text: string, dialect: 'vscode' | 'mcpServers', source: McpSource, file: string, ctx: ExpandContext): { servers: McpServerDef[]; problems: McpConfigProblem[] } {
  const errors: ParseError[] = [];
  const doc = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) return { servers: [], problems: [{ severity: 'error', file, message: `Not valid JSON (${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}); its servers are not used.` }] };
  return parseMcpValue(doc, dialect, source, file, ctx);
}

export function parseMcpValue(doc: unknown, dialect: 'vscode' | 'mcpServers', source: McpSource, file: string, ctx: ExpandContext): { servers: McpServerDef[]; problems: McpConfigProblem[] } {
  const problems: McpConfigProblem[] = [];
  const key = dialect === 'vscode' ? 'servers' : 'mcpServers';
  const map = isObj(doc) ? doc[key] : undefined;
  if (map === undefined) return { servers: [], problems: isObj(doc) ? [] : [{ severity: 'error', file, message: 'The file must hold one JSON object.' }] };
  if (!isObj(map)) return { servers: [], problems: [{ severity: 'error', file, message: `"${key}" must be an object of server definitions.` }] };
  const servers: McpServerDef[] = [];
  for (const [name, raw] of Object.entries(map)) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
      problems.push({ severity: 'error', file, server: name, message: `Server name "${name}" must use letters, digits, _ . - (at most 64); skipped.` });
      continue;
    }
    const r = parseServerEntry(name, raw, dialect, source, file, ctx);
    for (const p of r.problems) problems.push({ severity: r.def ? 'warning' : 'error', file, server: name, message: `Server "${name}": ${p}${r.def ? '' : '; skipped'}.` });
    if (r.def) {
      if (r.def.unresolved) problems.push({ severity: 'warning', file, server: name, message: `Server "${name}" needs ${r.def.unresolved.join(', ')}, which Tack does not prompt for; it is not started. Use \${env:NAME} instead.` });
      servers.push(r.def);
    }
  }
  return { servers, problems };
}

export interface LoadMcpInput {
  /** The workspace root (absolute); undefined: user-level servers only. */
  root?: string;
  /** The `tack.mcpServers` setting's value (the `.mcp.json` shape, `{ name: def }`), user level only. */
  userServers?: unknown;
  env: NodeJS.ProcessEnv;
}

/** Reads every source and merges by name. A name defined twice is reported; the first definition is kept. */
export async function loadMcpConfig(i: LoadMcpInput): Promise<McpConfig> {
  const ctx: ExpandContext = { workspaceFolder: i.root, env: i.env };
  const out: McpConfig = { servers: {}, problems: [] };
  const add = (r: { servers: McpServerDef[]; problems: McpConfigProblem[] }) => {
    out.problems.push(...r.problems);
    for (const s of r.servers) {
      const prev = Object.hasOwn(out.servers, s.name) ? out.servers[s.name] : undefined;
      if (prev) out.problems.push({ severity: 'warning', file: s.file, server: s.name, message: `Server "${s.name}" is defined twice (${prev.file} and ${s.file}); the one in ${prev.file} is used.` });
      else out.servers[s.name] = s;
    }
  };
  if (i.userServers !== undefined && i.userServers !== null) {
    add(parseMcpValue({ mcpServers: i.userServers }, 'mcpServers', 'user', 'tack.mcpServers', { env: i.env }));
  }
  if (i.root) {
    for (const f of WORKSPACE_MCP_FILES) {
      const r = await readBoundedFile(path.join(i.root, f.path), MCP_FILE_MAX_BYTES);
      if ('missing' in r) continue;
      if ('error' in r) { out.problems.push({ severity: 'error', file: f.path, message: `Not read: ${r.error}.` }); continue; }
      add(parseMcpText(r.text, f.dialect, 'workspace', f.path, ctx));
    }
  }
  return out;
}

export interface McpSelection {
  /** Servers to start for this profile (each workspace one still needs its approval). */
  run: McpServerDef[];
  /** Defined but not started (workspace servers a profile does not name). */
  offered: McpServerDef[];
  /** Names the profile lists that no source defines. */
  missing: string[];
}

/**
 * The profile's `mcpServers` names which run; when absent, the user-level servers run and workspace servers are
 * offered but not started. A restricted (untrusted) profile runs none.
 */
export function selectServers(config: McpConfig, profile: { mcpServers?: string[]; restricted?: boolean }): McpSelection {
  const all = Object.values(config.servers);
  if (profile.restricted) return { run: [], offered: all, missing: [] };
  if (profile.mcpServers === undefined) return { run: all.filter(s => s.source === 'user'), offered: all.filter(s => s.source === 'workspace'), missing: [] };
  const wanted = new Set(profile.mcpServers);
  return {
    run: all.filter(s => wanted.has(s.name)),
    offered: all.filter(s => !wanted.has(s.name)),
    missing: profile.mcpServers.filter(n => !Object.hasOwn(config.servers, n)),
  };
}
