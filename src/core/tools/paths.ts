/**
 * Where a model-supplied path really points, and whether the file tools may go there (SECURITY.md 6, 16–18).
 *
 * checkPath canonicalises against the workspace root: relative paths resolve from the root; `file:` URLs become
 * paths; `~` and `~/…` become the home folder (outside, so refused unless allowed); `..` is applied the way the OS
 * does it, after the symbolic link before it (`link/..` is the link target's parent); every symbolic link on the way
 * is followed, also a dangling one (a link to a missing file outside would create that file outside when written);
 * paths that do not exist yet are judged by the real path of their deepest existing ancestor. Containment is checked
 * on path-segment boundaries (`/w/proj-evil` is not inside `/w/proj`; `..notes.md` is inside), case-insensitively
 * where the file system is. Network (UNC) and device paths, NUL bytes and empty paths are refused before the file
 * system is touched. Never throws: every failure is `{ ok: false, message }` naming the rule.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PathCheck { abs: string; rel: string /* '/'-separated, relative to the root */ }
export type PathResult = ({ ok: true } & PathCheck & { protectedReason?: string }) | { ok: false; message: string };

export interface CheckPathOptions {
  /** Says yes for an outside path the person allowed (an extra root). Called with the canonical absolute path. */
  allowOutside?: (abs: string) => boolean;
  /** Compare paths ignoring case. Default: true on macOS and Windows, whose usual file systems ignore case. */
  caseInsensitive?: boolean;
}

/** Symbolic links followed for one path before it counts as a loop (Linux's own limit is 40). */
const MAX_LINKS = 40;

class PathRefused extends Error {}

export async function checkPath(root: string, input: string, opts: CheckPathOptions = {}): Promise<PathResult> {
  const ignoreCase = opts.caseInsensitive ?? (process.platform === 'darwin' || process.platform === 'win32');
  try {
    const requested = toLocalPath(input);
    const rootReal = await canonical(path.resolve(root), { links: 0 });
    // Joined without normalising: `..` must apply after the links before it, as the OS applies it.
    const abs = await canonical(path.isAbsolute(requested) ? requested : rootReal + path.sep + requested, { links: 0 });
    const rel = relativeInside(rootReal, abs, ignoreCase);
    if (rel !== undefined) return withProtection(abs, rel);
    if (opts.allowOutside?.(abs)) return withProtection(abs, toSlashes(path.relative(rootReal, abs)));
    const via = path.resolve(rootReal, requested) === abs ? '' : ` (it resolves to ${abs})`;
    return { ok: false, message: `${JSON.stringify(input)} is outside the workspace ${rootReal}${via}: file tools only reach files inside the workspace or a folder you allowed.` };
  } catch (err) {
    if (err instanceof PathRefused) return { ok: false, message: err.message };
    const e = err as NodeJS.ErrnoException;
    return { ok: false, message: `${JSON.stringify(input)} could not be checked: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' ').trim() };
  }
}

function withProtection(abs: string, rel: string): PathResult {
  const reason = protectedReason(rel);
  return reason === undefined ? { ok: true, abs, rel } : { ok: true, abs, rel, protectedReason: reason };
}

/** Turns the model's text into a local path, or refuses forms that are never a workspace file. */
function toLocalPath(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') throw new PathRefused('The path is empty: name a file inside the workspace.');
  if (input.includes('\0')) throw new PathRefused('The path contains a NUL byte, which no file name can hold.');
  let p = input;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    if (!/^file:/i.test(p)) throw new PathRefused(`${JSON.stringify(input)} is a URL, not a file path.`);
    if (!/^file:\/\/(?:localhost)?\//i.test(p)) throw new PathRefused(`${JSON.stringify(input)} names a file on another machine (a network path), which file tools never reach.`);
    try {
      p = fileURLToPath(p.replace(/^file:\/\/localhost\//i, 'file:///'));
    } catch (err) {
      throw new PathRefused(`${JSON.stringify(input)} is not a valid file URL (${(err as Error).message}).`);
    }
    if (p.includes('\0')) throw new PathRefused('The path contains a NUL byte, which no file name can hold.');
  }
  if (/^[\\/]{2}/.test(p)) {
    throw new PathRefused(`${JSON.stringify(input)} is a network (UNC) or device path, which file tools never reach.`);
  }
  if (p === '~' || p.startsWith('~/') || (process.platform === 'win32' && p.startsWith('~\\'))) return os.homedir() + path.sep + p.slice(2);
  if (/^~[^/\\]/.test(p)) throw new PathRefused(`${JSON.stringify(input)} names another user's home folder, which file tools never reach.`);
  return p;
}

/**
 * The real path of an absolute path whose tail may not exist yet: each existing component is taken as it is on
 * disk (symbolic links followed, `..` applied to the real parent), the missing remainder is appended as written.
 */
async function canonical(p: string, state: { links: number }): Promise<string> {
  const { root } = path.parse(p);
  const parts = p.slice(root.length).split(path.sep === '\\' ? /[\\/]+/ : /\/+/);
  let cur = root;
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i];
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, seg);
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      // Missing from here on: the rest is appended as written, with its `..` applied lexically (nothing on disk
      // below a missing folder can be a link). Should `..` climb back into existing folders, walk that path again.
      const rest = parts.slice(i + 1);
      const joined = path.join(next, ...rest);
      return rest.includes('..') ? canonical(joined, state) : joined;
    }
    cur = isLink ? await followLink(next, state) : next;
  }
  return cur;
}

/** Where a symbolic link leads, also when its target does not exist (then: where it would be created). */
async function followLink(link: string, state: { links: number }): Promise<string> {
  if (++state.links > MAX_LINKS) throw new PathRefused(`${link} is part of a symbolic link loop.`);
  try {
    return await realpath(link);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new PathRefused(`${link} is part of a symbolic link loop.`);
    if (code !== 'ENOENT') throw err;
  }
  const target = await readlink(link);
  return canonical(path.resolve(path.dirname(link), target), state);
}

/** `abs` relative to `root` ('/'-separated, '.' for the root itself), or undefined when it is not inside. */
function relativeInside(root: string, abs: string, ignoreCase: boolean): string | undefined {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const rel = path.relative(fold(root), fold(abs));
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) return undefined;
  // Both are canonical absolute paths, so the segments after the root's are the relative path, in abs's own case.
  const depth = root.split(path.sep).filter(s => s !== '').length;
  return abs.split(path.sep).filter(s => s !== '').slice(depth).join('/');
}

function toSlashes(p: string): string {
  return p.split(path.sep).join('/');
}

/** Folders whose files configure tools that run code or approve actions, matched at any depth. */
const PROTECTED_FOLDERS: Record<string, string> = {
  '.git': "Git's own files (hooks and config can run code)",
  '.vscode': 'editor settings and tasks (can change approvals or run tasks)',
  '.tack': "Tack's configuration",
  '.cursor': "another coding agent's configuration",
  '.claude': "another coding agent's configuration",
  '.github': 'CI workflows and repository automation',
  '.husky': 'Git hooks',
};

/** File names (any depth) that configure tools or instruct agents. */
const PROTECTED_FILES: Record<string, string> = {
  '.mcp.json': 'MCP server definitions (they start programs)',
  'agents.md': 'instructions that coding agents follow',
  'claude.md': 'instructions that coding agents follow',
  'package.json': 'its scripts run on npm commands',
  '.npmrc': 'package manager configuration (can choose the shell scripts run in)',
  '.yarnrc': 'package manager configuration',
  '.yarnrc.yml': 'package manager configuration',
  '.gitattributes': 'Git configuration kept in the tree',
  '.gitmodules': 'Git configuration kept in the tree',
};

/**
 * Why writing `rel` ('/'-separated, canonical) must always ask, or undefined. Matching ignores case, and also the
 * spellings Windows file systems treat as the same name (trailing dots and spaces, `::$DATA` streams, `GIT~1`).
 */
export function protectedReason(rel: string): string | undefined {
  const written = rel.split(/[\\/]+/).filter(s => s !== '' && s !== '.');
  const segments = written.map(windowsName);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const folder = PROTECTED_FOLDERS[seg] ?? (/^git~\d+$/.test(seg) ? PROTECTED_FOLDERS['.git'] : undefined);
    if (folder) return `${written.slice(0, i + 1).join('/')} is protected: it holds ${folder}`;
  }
  const name = segments[segments.length - 1];
  if (name === undefined) return undefined;
  const shown = written[written.length - 1];
  const file = PROTECTED_FILES[name];
  if (file) return `${shown} is protected: ${file}`;
  if (name.startsWith('.env')) return `${shown} is protected: environment files hold secrets and settings that tools load`;
  return undefined;
}

function windowsName(segment: string): string {
  return segment.toLowerCase().replace(/:.*$/, '').replace(/[. ]+$/, '');
}
