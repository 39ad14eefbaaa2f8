/**
 * Profiles in the CLI: loading the three layers (built-ins, `tack.profiles` from the config file,
 * `<cwd>/.tack/profiles.jsonc`), the `tack profiles` command, and the diagnostics it prints; `tack run --profile` uses core's prepareProfileTurn.
 * Formatting and file access only; the rules live in core.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import {
  formatDiagnostic, isInside, profileSettingsFromObject, PROFILES_MAX_BYTES, ProfileStore, WORKSPACE_PROFILES_PATH,
  type ProfileDiagnostic, type ProfileState, type ResolvedProfile, type TackSettings,
} from '../core/index';
import { readBoundedFile } from '../core/files/bounded-read';
import { CONFIG_MAX_BYTES, configPath } from './config';
import { jsonLine, type Writer } from './output';
import { cliMcpConfig, cliSkills, mcpSummary } from './mcp';
import { selectSkills } from '../core/index';

/** A profiles file is a few KB; the cap keeps a hostile one from costing more than a moment to check. */

/** The file's text; undefined when missing; `{ unread }` when it exists but was refused (not a regular file, too large). */
async function readIfExists(file: string, max: number): Promise<string | undefined | { unread: string }> {
  const r = await readBoundedFile(file, max);
  if ('missing' in r) return undefined;
  if ('error' in r) return { unread: r.error };
  return r.text;
}

/** How a path is shown in diagnostics: relative to where the command runs when inside it, else absolute. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return isInside(rel) ? rel : file;
}

/** A file that was refused becomes an error diagnostic of its layer; the other layers stay in use. */
function withUnread(state: ProfileState, file: string, source: ProfileDiagnostic['source'], why: string): ProfileState {
  const d: ProfileDiagnostic = { severity: 'error', message: `Not read: ${why}.`, file, line: 1, column: 1, offset: 0, length: 0, source };
  const notice = `${file} was not read; using the ${source === 'workspace' ? 'built-in and user' : 'built-in'} profiles.`;
  return { ...state, valid: false, diagnostics: [d, ...state.diagnostics], notice: state.notice ? `${state.notice} ${notice}` : notice };
}

async function builtinPromptNames(promptsDir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(promptsDir)).filter(f => f.endsWith('.md')).map(f => f.slice(0, -3)).sort();
  } catch {
    return undefined; // prompts/ not found (an unusual layout): prompt names are then not checked
  }
}

export interface CliProfiles {
  state: ProfileState;
  /** The raw settings object's issue-4 part (`tack.ollama.*`). */
  ollama: ReturnType<typeof profileSettingsFromObject>['ollama'];
}

/**
 * Reads the layers for `cwd`. Never throws: a file that exists but cannot or must not be read (permissions, a FIFO,
 * a device, too large) becomes an error diagnostic of its layer, and the layers below stay in use.
 */
export async function loadCliProfiles(cwd: string, env: NodeJS.ProcessEnv, settings: TackSettings, trusted: boolean, promptsDir: string): Promise<CliProfiles> {
  const store = new ProfileStore({
    userProviderIds: Object.keys(settings.providers),
    trusted,
    builtinPrompts: await builtinPromptNames(promptsDir),
  }, shown(path.join(cwd, WORKSPACE_PROFILES_PATH)));
  const cfgFile = configPath(env);
  const cfgText = await readIfExists(cfgFile, CONFIG_MAX_BYTES);
  let ollama = profileSettingsFromObject({}).ollama;
  if (typeof cfgText === 'string') {
    store.updateUser({ text: cfgText, file: shown(cfgFile) });
    try { ollama = profileSettingsFromObject(JSON.parse(cfgText.replace(/^\uFEFF/, ''))).ollama; } catch { /* loadSettings reports invalid JSON */ }
  }
  const wsFile = path.join(cwd, WORKSPACE_PROFILES_PATH);
  const wsText = await readIfExists(wsFile, PROFILES_MAX_BYTES);
  let state = store.update(typeof wsText === 'string' ? wsText : undefined);
  if (typeof cfgText === 'object') state = withUnread(state, shown(cfgFile), 'user', cfgText.unread);
  if (typeof wsText === 'object') state = withUnread(state, shown(wsFile), 'workspace', wsText.unread);
  return { state, ollama };
}

/** Prints diagnostics as `file:line:col: severity: message`, then the untrusted-provider hint where it applies. */
export function printDiagnostics(state: ProfileState, w: Writer, trusted: boolean): void {
  for (const d of state.diagnostics) w.err(`${formatDiagnostic(d)}\n`);
  if (!trusted && state.diagnostics.some(d => d.source === 'workspace' && /ignored until you trust/.test(d.message))) {
    w.err('tack: pass --trust (or set TACK_TRUST=1) to use the providers this folder defines.\n');
  }
  if (state.notice) w.err(`tack: ${state.notice}\n`);
}

function summary(p: ResolvedProfile): string {
  const parts: string[] = [];
  if (p.model) parts.push(`model ${p.model}`);
  if (p.numCtx) parts.push(`num_ctx ${p.numCtx}`);
  if (p.restricted) parts.push('restricted (untrusted folder)');
  else {
    const denied = Object.entries(p.tools).filter(([, v]) => v === 'deny').map(([k]) => k);
    if (denied.length) parts.push(`denied: ${denied.join(', ')}`);
  }
  if (p.allowedProviders) parts.push(`providers: ${p.allowedProviders.join(', ')}`);
  if (p.budget?.sessionUsd !== undefined) parts.push(`budget $${p.budget.sessionUsd}`);
  return parts.join(' · ');
}

/** `tack profiles`: exit 1 with the diagnostics when a profile file has errors, else the resolved list. */
export async function profilesCommand(opts: { json: boolean; cwd?: string; trust: boolean }, w: Writer, env: NodeJS.ProcessEnv, settings: TackSettings, promptsDir: string): Promise<number> {
  const cwd = path.resolve(opts.cwd ?? '.');
  const { state } = await loadCliProfiles(cwd, env, settings, opts.trust, promptsDir);
  printDiagnostics(state, w, opts.trust);
  if (!state.valid) return 1;
  const r = state.resolved;
  if (!opts.trust && !opts.json) {
    w.err('tack: untrusted folder: workspace providers are ignored and edit, write and bash are denied; pass --trust (or TACK_TRUST=1) to lift this.\n');
  }
  // MCP servers and skills as each profile would get them (workspace servers: their trust pin's state).
  const mcpConfig = await cliMcpConfig(cwd, env);
  for (const p of mcpConfig.problems) w.err(`${p.file}: ${p.severity}: ${p.message}\n`);
  const scan = await cliSkills(cwd, env, opts.trust);
  for (const d of scan.diagnostics) w.err(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
  if (!opts.trust) {
    // The folder's selections count for MCP and skills as for tools (servers still need --trust-mcp to start).
    const trusted = await loadCliProfiles(cwd, env, settings, true, promptsDir);
    for (const name of r.names) {
      const t = trusted.state.resolved.profiles[name];
      if (t) r.profiles[name] = { ...r.profiles[name], mcpServers: t.mcpServers, skills: t.skills, mcp: t.mcp };
    }
  }
  for (const name of r.names) {
    const p = r.profiles[name];
    const mcpServers = await mcpSummary(mcpConfig, { ...p, restricted: false }, cwd, env);
    const skills = selectSkills(scan.skills, p.skills).map(s => ({ name: s.name, description: s.description, source: s.source, loaded: s.loadable }));
    if (opts.json) {
      w.out(jsonLine({ ...p, default: name === r.defaultProfile, resolvedMcpServers: mcpServers, resolvedSkills: skills }));
    } else {
      const from = p.chain.length > 1 ? `${p.source}, extends ${p.chain.slice(1).join(' → ')}` : p.source;
      w.out(`${name === r.defaultProfile ? '*' : ' '} ${name}  (${from})${p.description ? `  ${p.description}` : ''}\n`);
      const s = summary(p);
      if (s) w.out(`    ${s}\n`);
      for (const m of mcpServers) w.out(`    mcp ${m.name} (${m.source}, ${m.transport}): ${m.selected ? 'runs' : 'offered'}, ${m.trust}\n`);
      if (skills.length) w.out(`    skills: ${skills.map(k => k.name + (k.loaded ? '' : ' (not loaded)')).join(', ')}\n`);
    }
  }
  return 0;
}
