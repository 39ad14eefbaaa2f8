/**
 * Where a model-supplied path really points, and whether a tool may use it. Relative paths resolve from the
 * workspace root; `..`, symbolic links (realpath of the deepest existing ancestor, so a path not created yet is
 * judged by where it would land), `file://` URLs, `~`, UNC paths and NUL bytes are handled; containment is decided
 * on path-segment boundaries (`/w/proj-evil` is not inside `/w/proj`; `..notes.md` is).
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PathCheck { abs: string; rel: string }
export type PathResult = ({ ok: true } & PathCheck) | { ok: false; message: string };

async function canonical(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = await realpath(cur);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

export function isInside(root: string, target: string, caseInsensitive = false): string | undefined {
  const a = caseInsensitive ? root.toLowerCase() : root;
  const b = caseInsensitive ? target.toLowerCase() : target;
  const rel = path.relative(a, b);
  if (rel === '') return '';
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return path.relative(root, target).split(path.sep).join('/');
}

export async function checkPath(root: string, input: string, opts: { allowOutside?: (abs: string) => boolean; caseInsensitive?: boolean } = {}): Promise<PathResult> {
  const caseInsensitive = opts.caseInsensitive ?? (process.platform === 'win32' || process.platform === 'darwin');
  let p = input.trim();
  if (!p) return { ok: false, message: 'The path is empty.' };
  if (p.includes('\0')) return { ok: false, message: 'The path contains a NUL character.' };
  if (/^file:/i.test(p)) {
    try { p = fileURLToPath(p); } catch { return { ok: false, message: `${input} is not a usable file URL.` }; }
  }
  if (p.startsWith('\\\\') || p.startsWith('//')) return { ok: false, message: `${input} is a network (UNC) path; only paths inside the workspace are allowed.` };
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) return { ok: false, message: `${input} is in the home folder, outside the workspace; only paths inside the workspace are allowed.` };
  let rootReal: string;
  try { rootReal = await realpath(root); } catch (err) { return { ok: false, message: `The workspace root cannot be read: ${(err as Error).message}` }; }
  let abs: string;
  try { abs = await canonical(path.resolve(rootReal, p)); } catch (err) { return { ok: false, message: `${input} cannot be resolved: ${(err as Error).message}` }; }
  const rel = isInside(rootReal, abs, caseInsensitive);
  if (rel !== undefined) return { ok: true, abs, rel };
  if (opts.allowOutside?.(abs)) return { ok: true, abs, rel: abs };
  return { ok: false, message: `${input} resolves to ${abs}, outside the workspace (${rootReal}); tools only use paths inside the workspace.` };
}

const PROTECTED_DIRS: Readonly<Record<string, string>> = {
  '.git': 'git internals', '.vscode': 'editor settings', '.tack': "Tack's profiles", '.cursor': 'editor agent settings',
  '.claude': 'agent settings', '.github': 'CI workflows and agent instructions', '.husky': 'git hooks',
};
const PROTECTED_FILES: Readonly<Record<string, string>> = {
  '.mcp.json': 'MCP servers', 'agents.md': 'agent instructions', 'claude.md': 'agent instructions', 'package.json': 'package scripts',
};

/** Why a workspace-relative path is protected (writes always need a person), or undefined. Case-insensitive. */
export function protectedReason(rel: string): string | undefined {
  const parts = rel.split(/[\\/]+/).filter(Boolean).map(s => s.toLowerCase());
  if (!parts.length) return undefined;
  for (const part of parts.slice(0, -1)) if (Object.hasOwn(PROTECTED_DIRS, part)) return PROTECTED_DIRS[part];
  const name = parts[parts.length - 1];
  if (Object.hasOwn(PROTECTED_DIRS, name)) return PROTECTED_DIRS[name];
  if (Object.hasOwn(PROTECTED_FILES, name)) return PROTECTED_FILES[name];
  if (name.startsWith('.env')) return 'environment secrets';
  return undefined;
}
