/**
 * A corpus of real single-hunk edits for the edit-format bench, from two sources:
 *   - this repository's git history (`*.ts` files changed by a commit);
 *   - release-to-release diffs of a published npm package with its TypeScript sources in the tarball (ajv's `lib/`),
 *     fetched with `npm pack` into `.cache/bench/npm/`.
 * Every change is split into hunks (changes closer than 6 unchanged lines belong to one hunk, as in `git diff`); a
 * case is one hunk applied alone to the file before it, with the unchanged lines around it trimmed, so it is exactly
 * what an agent's single edit would do. Cases are sampled to the sizes of real agent edits (~25 % one line, ~33 %
 * 2–5 lines, the rest larger) and cached in `.cache/bench/edit-corpus.json` (delete it, or pass refresh, to rebuild).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffArrays } from 'diff';
import { splitLines } from '../../src/core/edits/lines';

export interface EditCase {
  id: string;
  source: 'tack' | 'npm';
  path: string;
  before: string;
  /** `before` with this hunk applied, bytes taken from the real later version. */
  after: string;
  /** Replaced lines of `before` (1-based, inclusive; end = start - 1 for an insertion before start). */
  start: number;
  end: number;
  /** The new lines, without line breaks. */
  lines: string[];
}

const CACHE_VERSION = 2;
const PER_SOURCE = 200;
const MAX_HUNK_LINES = 60;
const MAX_FILE_LINES = 4000;
const MERGE_DISTANCE = 6;
const NPM_PACKAGE = 'ajv';
/** ajv's minor releases: each step is one release-to-release diff of lib/. */
const NPM_VERSIONS = [
  '8.0.0', '8.1.0', '8.2.0', '8.3.0', '8.4.0', '8.5.0', '8.6.0', '8.7.0', '8.8.0', '8.9.0', '8.10.0',
  '8.11.0', '8.12.0', '8.13.0', '8.14.0', '8.15.0', '8.16.0', '8.17.1', '8.18.0', '8.20.0',
];

interface Hunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** Hunks between two versions, by a line diff; each spans from its first to its last changed line. */
function hunks(before: string[], after: string[]): Hunk[] {
  const blocks: Hunk[] = [];
  let o = 1;
  let n = 1;
  let open: Hunk | undefined;
  for (const c of diffArrays(before, after)) {
    const count = c.value.length;
    if (!c.added && !c.removed) {
      o += count;
      n += count;
      open = undefined;
      continue;
    }
    if (!open) blocks.push((open = { oldStart: o, oldEnd: o - 1, newStart: n, newEnd: n - 1 }));
    if (c.removed) open.oldEnd = (o += count) - 1;
    else open.newEnd = (n += count) - 1;
  }
  const out: Hunk[] = [];
  for (const b of blocks) {
    const last = out.at(-1);
    if (last && b.oldStart - last.oldEnd - 1 <= MERGE_DISTANCE) {
      last.oldEnd = b.oldEnd;
      last.newEnd = b.newEnd;
    } else out.push({ ...b });
  }
  return out;
}

/** One case per hunk of the change from `before` to `after`. */
function casesOf(source: EditCase['source'], id: string, file: string, before: string, after: string): EditCase[] {
  if (before === after || before.includes('\0')) return [];
  const b = splitLines(before);
  const a = splitLines(after);
  if (b.text.length === 0 || b.text.length > MAX_FILE_LINES) return [];
  const out: EditCase[] = [];
  for (const h of hunks(b.text, a.text)) {
    const oldLen = h.oldEnd - h.oldStart + 1;
    const newLen = h.newEnd - h.newStart + 1;
    if (oldLen > MAX_HUNK_LINES || newLen > MAX_HUNK_LINES || (oldLen === 0 && newLen === 0)) continue;
    const pieces: string[] = [];
    for (let i = 0; i < h.oldStart - 1; i++) pieces.push(b.text[i] + b.eol[i]);
    for (let i = h.newStart - 1; i < h.newEnd; i++) pieces.push(a.text[i] + a.eol[i]);
    for (let i = h.oldEnd; i < b.text.length; i++) pieces.push(b.text[i] + b.eol[i]);
    // A hunk that ends at the end of only one of the files would glue lines together when applied alone.
    const joined = pieces.join('');
    if (splitLines(joined).text.length !== b.text.length - oldLen + newLen) continue;
    out.push({
      id: `${id}:${h.oldStart}`,
      source,
      path: file,
      before,
      after: joined,
      start: h.oldStart,
      end: h.oldEnd,
      lines: a.text.slice(h.newStart - 1, h.newEnd),
    });
  }
  return out;
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

function fromGitHistory(root: string): EditCase[] {
  const out: EditCase[] = [];
  const commits = git(root, ['log', '--no-merges', '--format=%H', '--', '*.ts']).split('\n').filter(Boolean);
  for (const sha of commits) {
    const parents = git(root, ['rev-list', '--parents', '-n', '1', sha]).trim().split(' ').slice(1);
    if (parents.length !== 1) continue;
    const changed = git(root, ['diff-tree', '-r', '--no-commit-id', '--name-status', parents[0], sha])
      .split('\n')
      .map(l => l.split('\t'))
      .filter(([status, file]) => status === 'M' && file.endsWith('.ts'));
    for (const [, file] of changed) {
      const before = git(root, ['show', `${parents[0]}:${file}`]);
      const after = git(root, ['show', `${sha}:${file}`]);
      out.push(...casesOf('tack', `${sha.slice(0, 8)}:${file}`, file, before, after));
    }
  }
  return out;
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, base));
    else if (/\.(ts|js)$/.test(entry.name) && !/\.d\.ts$|\.min\.js$/.test(entry.name)) out.push(path.relative(base, full));
  }
  return out;
}

/** Unpacks `pkg@version` (npm pack) under `dir` once; returns the package folder. */
function unpacked(dir: string, pkg: string, version: string): string {
  const target = path.join(dir, `${pkg}-${version}`);
  if (fs.existsSync(path.join(target, 'package', 'package.json'))) return path.join(target, 'package');
  fs.mkdirSync(target, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', target, '--silent'], {
    encoding: 'utf8',
  }).trim().split('\n').pop()!;
  execFileSync('tar', ['-xzf', path.join(target, tarball), '-C', target]);
  return path.join(target, 'package');
}

function fromNpmReleases(cacheDir: string, log: (line: string) => void): EditCase[] {
  const out: EditCase[] = [];
  const dirs = NPM_VERSIONS.map(v => unpacked(path.join(cacheDir, 'npm'), NPM_PACKAGE, v));
  for (let i = 1; i < dirs.length; i++) {
    // Sources only: ajv ships its TypeScript in lib/ next to the compiled dist/.
    const files = walk(path.join(dirs[i - 1], 'lib')).filter(f => fs.existsSync(path.join(dirs[i], 'lib', f)));
    for (const f of files) {
      const before = fs.readFileSync(path.join(dirs[i - 1], 'lib', f), 'utf8');
      const after = fs.readFileSync(path.join(dirs[i], 'lib', f), 'utf8');
      out.push(...casesOf('npm', `${NPM_PACKAGE}@${NPM_VERSIONS[i - 1]}..${NPM_VERSIONS[i]}:lib/${f}`, `lib/${f}`, before, after));
    }
  }
  log(`corpus: ${NPM_PACKAGE} ${NPM_VERSIONS[0]}..${NPM_VERSIONS.at(-1)}: ${out.length} hunks`);
  return out;
}

/** Edit size as an agent sees it: the larger of the replaced and the new line counts. */
export function sizeOf(c: EditCase): number {
  return Math.max(c.end - c.start + 1, c.lines.length);
}

export function bucketOf(c: EditCase): 'one line' | '2-5 lines' | '6+ lines' {
  const s = sizeOf(c);
  return s <= 1 ? 'one line' : s <= 5 ? '2-5 lines' : '6+ lines';
}

/** Deterministic sample with ~25 % one-line, ~33 % 2–5-line and ~42 % larger edits, at most `n`. */
function sample(cases: EditCase[], n: number): EditCase[] {
  const key = (c: EditCase) => createHash('sha256').update(c.id).digest('hex');
  const sorted = [...cases].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const groups = { 'one line': [] as EditCase[], '2-5 lines': [] as EditCase[], '6+ lines': [] as EditCase[] };
  for (const c of sorted) groups[bucketOf(c)].push(c);
  const shares = { 'one line': 0.25, '2-5 lines': 0.33, '6+ lines': 0.42 } as const;
  // The scarcest group (relative to its share) sets the total, so the mix keeps its shape.
  const total = Math.min(n, ...Object.entries(shares).map(([k, s]) => Math.floor(groups[k as keyof typeof groups].length / s)));
  return Object.entries(shares).flatMap(([k, s]) => groups[k as keyof typeof groups].slice(0, Math.round(total * s)));
}

interface CacheFile {
  version: number;
  files: Record<string, string>;
  cases: Array<Omit<EditCase, 'before' | 'after'> & { before: string; after: string }>;
}

/** The cached corpus, built first when missing (or when `refresh`). */
export function loadEditCorpus(root: string, log: (line: string) => void, refresh = false): EditCase[] {
  const cacheDir = path.join(root, '.cache', 'bench');
  const file = path.join(cacheDir, 'edit-corpus.json');
  if (!refresh && fs.existsSync(file)) {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (cached.version === CACHE_VERSION) {
      return cached.cases.map(c => ({ ...c, before: cached.files[c.before], after: cached.files[c.after] }));
    }
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  let own: EditCase[] = [];
  try {
    own = fromGitHistory(root);
    log(`corpus: this repository's history: ${own.length} hunks`);
  } catch (e) {
    log(`corpus: this repository's git history unavailable (${(e as Error).message.split('\n')[0]})`);
  }
  let npm: EditCase[] = [];
  try {
    npm = fromNpmReleases(cacheDir, log);
  } catch (e) {
    log(`corpus: npm releases unavailable (${(e as Error).message.split('\n')[0]}); using this repository only`);
  }
  const cases = [...sample(own, PER_SOURCE), ...sample(npm, PER_SOURCE)];
  const files: Record<string, string> = {};
  const ref = (s: string) => {
    const h = createHash('sha256').update(s).digest('hex').slice(0, 16);
    files[h] = s;
    return h;
  };
  const stored: CacheFile = { version: CACHE_VERSION, files, cases: cases.map(c => ({ ...c, before: ref(c.before), after: ref(c.after) })) };
  fs.writeFileSync(file, JSON.stringify(stored));
  return cases;
}
