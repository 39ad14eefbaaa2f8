/**
 * Subagent definitions: Markdown files with YAML front matter (`name`, `description`, `tools`, `model`, `profile`)
 * and the agent's instructions as the body. Found in the workspace's `.tack/agents/*.md`, `.claude/agents/*.md` and
 * `.github/agents/*.agent.md`, and the home's `~/.tack/agents`, `~/.claude/agents`; the built-in `explore` (read,
 * glob, grep) always comes first and keeps its name. A file whose front matter is invalid becomes a diagnostic and is
 * skipped (a malformed `tools` never widens to "all tools"); an untrusted folder's agents are listed, never used.
 * Never throws.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readBoundedFile } from '../files/bounded-read';
import { splitFrontMatter, type SkillDiagnostic } from '../skills/skills';
import { BUILTIN_TOOL_NAMES } from '../tools/registry';

export const WORKSPACE_AGENT_DIRS: ReadonlyArray<{ dir: string; suffix: string }> = [
  { dir: '.tack/agents', suffix: '.md' }, { dir: '.claude/agents', suffix: '.md' }, { dir: '.github/agents', suffix: '.agent.md' },
];
export const HOME_AGENT_DIRS: ReadonlyArray<{ dir: string; suffix: string }> = [
  { dir: '.tack/agents', suffix: '.md' }, { dir: '.claude/agents', suffix: '.md' },
];
export const AGENT_MAX_BYTES = 256 * 1024;
export const EXPLORE_AGENT = 'explore';
const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export interface AgentDef {
  /** Lowercase; how the `task` tool's `agent` names it. */
  name: string;
  description: string;
  /** Tool names it may use (Tack's names); undefined: all of its parent's. It can only narrow what the parent has. */
  tools?: string[];
  /** `provider/model`; undefined: the parent's model (or its `profile`'s). */
  model?: string;
  /** A profile whose tool policies further narrow the parent's, and whose model and maxSteps the child takes. */
  profile?: string;
  /** The instructions (the file's body); undefined for a built-in, whose text is prompts/agents/<name>.md. */
  body?: string;
  source: 'builtin' | 'workspace' | 'user';
  /** As shown to the person (workspace-relative for workspace files). */
  file?: string;
  /** False for a workspace agent of an untrusted folder: listed, not used. */
  usable: boolean;
}

export type AgentDiagnostic = SkillDiagnostic;

export interface AgentScan {
  agents: AgentDef[];
  diagnostics: AgentDiagnostic[];
}

export const EXPLORE: AgentDef = {
  name: EXPLORE_AGENT, description: 'read-only search (read, glob, grep)', tools: ['read', 'glob', 'grep'], source: 'builtin', usable: true,
};

/** Other tools' names for Tack's (agent files written for other tools); MCP tools `mcp__server__tool` → `server__tool`. */
const ALIASES: Readonly<Record<string, string>> = { multiedit: 'edit', todowrite: 'todo', ls: 'glob' };
const KNOWN = new Set<string>([...BUILTIN_TOOL_NAMES, 'skill', 'tool_search']);

function toolName(raw: string): string {
  const t = raw.trim();
  if (t.includes('__')) return t.replace(/^mcp__/, '');
  const low = t.toLowerCase();
  return ALIASES[low] ?? low;
}

type Parsed = Omit<AgentDef, 'source' | 'file' | 'usable'>;

/** Checks one agent file's text; the agent or the diagnostics that keep it out (and warnings that do not). */
export function parseAgentText(text: string, file: string, fileName: string): { agent?: Parsed; diagnostics: AgentDiagnostic[] } {
  const diagnostics: AgentDiagnostic[] = [];
  const d = (message: string, line = 1, column = 1) => ({ diagnostics: [...diagnostics, { severity: 'error' as const, file, line, column, message }] });
  const warn = (message: string) => diagnostics.push({ severity: 'warning', file, line: 1, column: 1, message });
  const fm = splitFrontMatter(text);
  if (!fm) return d('An agent file must start with YAML front matter between --- lines (name, description, tools, model); agent skipped.');
  let data: unknown;
  try {
    data = parseYaml(fm.yaml, { prettyErrors: true });
  } catch (err) {
    const pos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    return d(`Invalid YAML front matter: ${(err as Error).message.split('\n')[0]}; agent skipped.`, (pos?.line ?? 0) + 1, pos?.col ?? 1);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return d('The front matter must be a mapping (name, description, tools, model, profile); agent skipped.');
  const o = data as Record<string, unknown>;
  const nameRaw = o.name ?? fileName;
  if (typeof nameRaw !== 'string' || !NAME.test(nameRaw.toLowerCase())) return d(`"name" must be letters, digits, -, _ or . (at most 64)${typeof nameRaw === 'string' ? `, got "${nameRaw}"` : ''}; agent skipped.`, 2);
  const name = nameRaw.toLowerCase();
  if (typeof o.description !== 'string' || !o.description.trim()) return d('"description" is required (what the agent does, when to use it); agent skipped.', 2);
  if (o.description.length > 1024) return d('"description" is longer than 1024 characters; agent skipped.', 2);
  let tools: string[] | undefined;
  if (o.tools !== undefined && o.tools !== null) {
    const list = typeof o.tools === 'string' ? o.tools.split(',') : Array.isArray(o.tools) && o.tools.every(t => typeof t === 'string') ? o.tools as string[] : undefined;
    if (!list) return d('"tools" must be a list of tool names or one comma-separated string; agent skipped (it would otherwise get every tool).', 2);
    tools = [...new Set(list.map(toolName).filter(Boolean))];
    for (const t of tools) {
      if (t === 'task') warn('"task" in tools is ignored: a subagent cannot start subagents.');
      else if (!KNOWN.has(t) && !t.includes('__')) warn(`Tool "${t}" is not one of Tack's (${[...KNOWN].join(', ')}, or an MCP server__tool); it is ignored.`);
    }
  }
  let model: string | undefined;
  if (o.model !== undefined && o.model !== null) {
    if (typeof o.model !== 'string') return d('"model" must be a string such as "ollama/qwen3:8b"; agent skipped.', 2);
    if (o.model.includes('/')) model = o.model.trim();
    else if (o.model !== 'inherit') warn(`"model: ${o.model}" is not a Tack model reference (provider/model); the parent's model is used.`);
  }
  let profile: string | undefined;
  if (o.profile !== undefined && o.profile !== null) {
    if (typeof o.profile !== 'string' || !o.profile.trim()) return d('"profile" must be a profile name; agent skipped.', 2);
    profile = o.profile.trim();
  }
  const body = fm.body.trim();
  return {
    agent: { name, description: o.description.trim().replace(/\s+/g, ' '), ...(tools ? { tools } : {}), ...(model ? { model } : {}), ...(profile ? { profile } : {}), body },
    diagnostics,
  };
}

async function scanDir(base: string, suffix: string, source: 'workspace' | 'user', usable: boolean, shownAs: (abs: string) => string, out: AgentScan, seen: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(base, { withFileTypes: true })).filter(e => !e.isDirectory() && e.name.endsWith(suffix)).map(e => e.name).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') out.diagnostics.push({ severity: 'warning', file: shownAs(base), line: 1, column: 1, message: `Agents folder not read: ${(err as Error).message}` });
    return;
  }
  for (const n of names) {
    const file = path.join(base, n);
    const shown = shownAs(file);
    const r = await readBoundedFile(file, AGENT_MAX_BYTES);
    if ('missing' in r) continue;
    if ('error' in r) { out.diagnostics.push({ severity: 'error', file: shown, line: 1, column: 1, message: `Not read: ${r.error}; agent skipped.` }); continue; }
    const p = parseAgentText(r.text, shown, n.slice(0, -suffix.length).replace(/\.agent$/, ''));
    out.diagnostics.push(...p.diagnostics);
    if (!p.agent) continue;
    if (seen.has(p.agent.name)) {
      const why = p.agent.name === EXPLORE_AGENT ? 'the built-in explore agent keeps its name' : `an agent named "${p.agent.name}" was found earlier`;
      out.diagnostics.push({ severity: 'warning', file: shown, line: 1, column: 1, message: `${why}; this one is skipped.` });
      continue;
    }
    seen.add(p.agent.name);
    out.agents.push({ ...p.agent, source, file: shown, usable });
  }
}

export interface DiscoverAgentsInput {
  /** Workspace root; undefined: home agents only. */
  root?: string;
  home?: string;
  /** Untrusted folder: workspace agents are listed but not usable. */
  trusted: boolean;
}

/** `explore` first, then workspace folders (in WORKSPACE_AGENT_DIRS order), then home; the first agent of a name wins. */
export async function discoverAgents(i: DiscoverAgentsInput): Promise<AgentScan> {
  const out: AgentScan = { agents: [EXPLORE], diagnostics: [] };
  const seen = new Set([EXPLORE_AGENT]);
  if (i.root) {
    const rel = (abs: string) => path.relative(i.root!, abs).split(path.sep).join('/');
    for (const d of WORKSPACE_AGENT_DIRS) await scanDir(path.join(i.root, d.dir), d.suffix, 'workspace', i.trusted, rel, out, seen);
  }
  if (i.home) for (const d of HOME_AGENT_DIRS) await scanDir(path.join(i.home, d.dir), d.suffix, 'user', true, abs => abs, out, seen);
  return out;
}
