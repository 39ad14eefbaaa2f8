/**
 * Agent Skills: a folder with `SKILL.md` (YAML front matter `name`, `description`, then instructions) and any files.
 * Found in the workspace's `.tack/skills`, `.agents/skills`, `.claude/skills`, `.github/skills` and the home's
 * `~/.tack/skills`, `~/.claude/skills`, `~/.agents/skills`; the profile's `skills` selects by name or glob (default
 * all). Only name and description reach the system prompt; the `skill` tool loads the body. A skill whose front
 * matter is invalid becomes a diagnostic and is skipped; an untrusted workspace's skills are listed, never loaded.
 * Never throws.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readBoundedFile } from '../files/bounded-read';

export const WORKSPACE_SKILL_DIRS = ['.tack/skills', '.agents/skills', '.claude/skills', '.github/skills'] as const;
export const HOME_SKILL_DIRS = ['.tack/skills', '.claude/skills', '.agents/skills'] as const;
export const SKILL_MAX_BYTES = 256 * 1024;
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface Skill {
  name: string;
  description: string;
  source: 'workspace' | 'user';
  /** Absolute folder of the skill. */
  dir: string;
  /** Absolute path of SKILL.md. */
  file: string;
  /** False for workspace skills of an untrusted folder: listed, not loaded. */
  loadable: boolean;
}

/** A problem with one SKILL.md, for Problems and `tack profiles` (line/column 1-based; 1/1 when unknown). */
export interface SkillDiagnostic {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface SkillScan {
  skills: Skill[];
  diagnostics: SkillDiagnostic[];
}

/** Splits `---\nyaml\n---\nbody`; undefined when there is no front matter block. */
export function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } | undefined {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  return { yaml: m[1], body: text.slice(m[0].length), bodyLine: m[0].split('\n').length };
}

/** Checks one SKILL.md text; the skill's fields or the diagnostics that keep it out. */
export function parseSkillText(text: string, file: string, folderName: string): { name: string; description: string } | { diagnostics: SkillDiagnostic[] } {
  const d = (message: string, line = 1, column = 1): { diagnostics: SkillDiagnostic[] } => ({ diagnostics: [{ severity: 'error', file, line, column, message }] });
  const fm = splitFrontMatter(text);
  if (!fm) return d('SKILL.md must start with YAML front matter between --- lines (name, description); skill skipped.');
  let data: unknown;
  try {
    data = parseYaml(fm.yaml, { prettyErrors: true });
  } catch (err) {
    const pos = (err as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    return d(`Invalid YAML front matter: ${(err as Error).message.split('\n')[0]}; skill skipped.`, (pos?.line ?? 0) + 1, pos?.col ?? 1);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return d('The front matter must be a mapping with name and description; skill skipped.');
  const o = data as Record<string, unknown>;
  if (typeof o.name !== 'string' || !NAME.test(o.name)) return d(`"name" must be lowercase letters, digits and hyphens (at most 64)${typeof o.name === 'string' ? `, got "${o.name}"` : ''}; skill skipped.`, 2);
  if (typeof o.description !== 'string' || !o.description.trim()) return d('"description" is required (what the skill does and when to use it); skill skipped.', 2);
  if (o.description.length > 1024) return d('"description" is longer than 1024 characters; skill skipped.', 2);
  // The format asks the folder to carry the skill's name; a mismatch is tolerated (the front matter's name is used).
  void folderName;
  return { name: o.name, description: o.description.trim().replace(/\s+/g, ' ') };
}

async function scanDir(base: string, source: Skill['source'], loadable: boolean, shownAs: (abs: string) => string, out: SkillScan, seen: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(base, { withFileTypes: true })).filter(e => e.isDirectory()).map(e => e.name).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') out.diagnostics.push({ severity: 'warning', file: shownAs(base), line: 1, column: 1, message: `Skills folder not read: ${(err as Error).message}` });
    return;
  }
  for (const n of names) {
    const dir = path.join(base, n);
    const file = path.join(dir, 'SKILL.md');
    const r = await readBoundedFile(file, SKILL_MAX_BYTES);
    if ('missing' in r) continue;
    if ('error' in r) { out.diagnostics.push({ severity: 'error', file: shownAs(file), line: 1, column: 1, message: `Not read: ${r.error}; skill skipped.` }); continue; }
    const p = parseSkillText(r.text, shownAs(file), n);
    if ('diagnostics' in p) { out.diagnostics.push(...p.diagnostics); continue; }
    if (seen.has(p.name)) {
      out.diagnostics.push({ severity: 'warning', file: shownAs(file), line: 1, column: 1, message: `A skill named "${p.name}" was found earlier; this one is skipped.` });
      continue;
    }
    seen.add(p.name);
    out.skills.push({ ...p, source, dir, file, loadable });
  }
}

export interface DiscoverInput {
  /** Workspace root; undefined: home skills only. */
  root?: string;
  home?: string;
  /** Untrusted folder: workspace skills are listed but not loadable. */
  trusted: boolean;
}

/** Workspace folders first (in WORKSPACE_SKILL_DIRS order), then home; the first skill of a name wins. */
export async function discoverSkills(i: DiscoverInput): Promise<SkillScan> {
  const out: SkillScan = { skills: [], diagnostics: [] };
  const seen = new Set<string>();
  if (i.root) {
    const rel = (abs: string) => path.relative(i.root!, abs).split(path.sep).join('/');
    for (const d of WORKSPACE_SKILL_DIRS) await scanDir(path.join(i.root, d), 'workspace', i.trusted, rel, out, seen);
  }
  if (i.home) for (const d of HOME_SKILL_DIRS) await scanDir(path.join(i.home, d), 'user', true, abs => abs, out, seen);
  return out;
}

function globToRegExp(g: string): RegExp {
  return new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** The profile's `skills` (names or globs; undefined: all; [] none). */
export function selectSkills(skills: readonly Skill[], wanted: readonly string[] | undefined): Skill[] {
  if (wanted === undefined) return [...skills];
  const res = wanted.map(globToRegExp);
  return skills.filter(s => res.some(r => r.test(s.name)));
}

/** The system prompt's skills section: one line per skill. Empty when there are none. */
export function skillsPromptSection(skills: readonly Skill[]): string {
  const usable = skills.filter(s => s.loadable);
  if (!usable.length) return '';
  return ['# Skills', 'Load a skill with the `skill` tool when a task matches its description:', ...usable.map(s => `- ${s.name}: ${s.description}`)].join('\n');
}
