/**
 * Edit-format bench (a report, not a pass/fail test): over a corpus of real single-hunk edits (edit-corpus.ts) it
 * measures, for hashline, search-replace and whole-file edits,
 *   - output tokens of a correct call (o200k, the JSON arguments), median and p90 by edit size;
 *   - the read side: tokens of a hashline read (and of other row formats) over the raw file;
 *   - the share of calls applied exactly (result bytes == expected bytes) when the call carries a mistake models
 *     make: a stale read after an earlier edit of the same file, tab/space drift in text copied from the file, a CRLF
 *     file, the target text duplicated elsewhere, rows copied with their `n:` prefixes.
 * Beside the numbers it prints the published figures of other tools' formats for comparison.
 */
import * as path from 'node:path';
import { countTokens } from 'gpt-tokenizer';
import { FileSnapshots } from '../../src/core/edits/snapshots';
import { planSearchReplace } from '../../src/core/edits/search-replace';
import { planWhole } from '../../src/core/edits/whole';
import { renderPlainRead } from '../../src/core/edits/plain-read';
import { splitLines } from '../../src/core/edits/lines';
import { bucketOf, loadEditCorpus, type EditCase } from './edit-corpus';

type Format = 'hashline' | 'search-replace' | 'whole';
const FORMATS: Format[] = ['hashline', 'search-replace', 'whole'];
/** The file content a format produced, null when it refused the call, undefined when the mistake does not apply. */
type Outcome = string | null | undefined;

const tokens = (s: string) => countTokens(s, { disallowedSpecial: new Set() });
const json = (args: object) => tokens(JSON.stringify(args));

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

const toCrlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** Leading tabs become 4 spaces, leading spaces become a tab per 2: the indentation a model re-types wrongly. */
function drift(line: string): string {
  const indent = /^[ \t]*/.exec(line)![0];
  if (indent === '') return line;
  const swapped = indent.includes('\t') ? indent.replace(/\t/g, '    ') : '\t'.repeat(indent.length >> 1) + ' '.repeat(indent.length & 1);
  return swapped + line.slice(indent.length);
}

/** The lines a case works on, as the model sees them (no line breaks). */
const viewOf = (content: string) => splitLines(content).text;

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0 && n < 2; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

interface SrCall {
  old: string;
  new: string;
  /** Lines lo..hi of the file are in `old`. */
  lo: number;
  hi: number;
  newLines: string[];
}

/**
 * The search-replace call a careful model makes: the replaced lines (a neighbour as anchor for an insertion or a
 * deletion), widened a line at a time until `old` is unique in the file.
 */
function srCall(c: EditCase, file: string[]): SrCall | undefined {
  let lo = c.start;
  let hi = c.end;
  if (hi < lo || c.lines.length === 0) {
    if (lo > 1) lo--;
    else if (hi < file.length) hi++;
  }
  const lf = file.join('\n');
  for (let step = 0; ; step++) {
    const oldLines = file.slice(lo - 1, hi);
    const newLines = [...file.slice(lo - 1, c.start - 1), ...c.lines, ...file.slice(c.end, hi)];
    const old = oldLines.join('\n');
    if (old !== '' && occurrences(lf, old) === 1) return { old, new: newLines.join('\n'), lo, hi, newLines };
    if (lo === 1 && hi === file.length) return undefined;
    if ((step % 2 === 0 && lo > 1) || hi === file.length) lo--;
    else hi++;
  }
}

interface Row {
  name: string;
  /** The expected bytes and what each format made of the call; undefined when the case does not fit the mistake. */
  run: (c: EditCase) => { expected: string; got: Record<Format, Outcome> } | undefined;
}

function hashlineApply(pathName: string, content: string, edits: Array<{ start: number; end: number; lines: string[] }>): string | null {
  const s = new FileSnapshots();
  const header = s.renderRead(pathName, content);
  const tag = /#([0-9a-f]+)\]/.exec(header)![1];
  const plan = s.planHashline(pathName, content, { path: pathName, tag, edits });
  return plan.ok ? plan.content : null;
}

function srApply(content: string, call: { old: string; new: string } | undefined): Outcome {
  if (!call) return undefined;
  const r = planSearchReplace(content, { old: call.old, new: call.new });
  return r.ok ? r.content : null;
}

const whole = (current: string, content: string) => planWhole(current, { content }).content;

const edit = (c: EditCase) => [{ start: c.start, end: c.end, lines: c.lines }];

/** Replaces line `n` of `content` by two lines (keeping its break): a small earlier edit somewhere else. */
function earlierEdit(content: string, n: number): string {
  const f = splitLines(content);
  const eol = f.eol[n - 1];
  f.text.splice(n - 1, 1, `${f.text[n - 1]} // edited`, '// added by an earlier edit');
  f.eol.splice(n - 1, 1, eol || '\n', eol);
  return f.text.map((t, i) => t + f.eol[i]).join('');
}

const ROWS: Row[] = [
  {
    name: 'clean call',
    run: c => ({
      expected: c.after,
      got: {
        hashline: hashlineApply(c.path, c.before, edit(c)),
        'search-replace': srApply(c.before, srCall(c, viewOf(c.before))),
        whole: whole(c.before, c.after),
      },
    }),
  },
  {
    name: 'stale read (earlier edit)',
    run: c => {
      const file = viewOf(c.before);
      const sr = srCall(c, file);
      // The earlier edit: a line at least 8 lines from the target and from search-replace's context.
      const lo = Math.min(c.start, sr?.lo ?? c.start);
      const hi = Math.max(c.end, sr?.hi ?? c.end);
      const at = lo - 8 >= 1 ? lo - 8 : hi + 8 <= file.length ? hi + 8 : undefined;
      if (at === undefined) return undefined;
      const current = earlierEdit(c.before, at);
      const shifted = at < c.start ? at : at + c.lines.length - (c.end - c.start + 1);
      // Hashline: the earlier edit went through Tack with the read's tag; the target edit reuses that tag.
      const s = new FileSnapshots();
      const tag = /#([0-9a-f]+)\]/.exec(s.renderRead(c.path, c.before))![1];
      const lines = [`${file[at - 1]} // edited`, '// added by an earlier edit'];
      const first = s.planHashline(c.path, c.before, { path: c.path, tag, edits: [{ start: at, end: at, lines }] });
      let hashline: Outcome = null;
      if (first.ok) {
        s.commit(c.path, first);
        const second = s.planHashline(c.path, first.content, { path: c.path, tag, edits: edit(c) });
        hashline = second.ok ? second.content : null;
      }
      return {
        expected: earlierEdit(c.after, shifted),
        got: { hashline, 'search-replace': srApply(current, sr), whole: whole(current, c.after) },
      };
    },
  },
  {
    name: 'tab/space drift in copied text',
    run: c => {
      const file = viewOf(c.before);
      const copied = new Set(file.slice(c.start - 1, c.end));
      const lines = c.lines.map(l => (copied.has(l) ? drift(l) : l));
      const sr = srCall(c, file);
      let srOut: Outcome;
      if (sr) {
        const srCopied = new Set(file.slice(sr.lo - 1, sr.hi));
        const old = file.slice(sr.lo - 1, sr.hi).map(drift).join('\n');
        const neu = sr.newLines.map(l => (srCopied.has(l) ? drift(l) : l)).join('\n');
        if (old !== sr.old || neu !== sr.new) srOut = srApply(c.before, { old, new: neu });
      }
      const unchanged = new Set(file);
      const content = viewOf(c.after).map(l => (unchanged.has(l) ? drift(l) : l)).join('\n') + (c.after.endsWith('\n') ? '\n' : '');
      return {
        expected: c.after,
        got: {
          hashline: lines.some((l, i) => l !== c.lines[i]) ? hashlineApply(c.path, c.before, [{ start: c.start, end: c.end, lines }]) : undefined,
          'search-replace': srOut,
          whole: content !== c.after ? whole(c.before, content) : undefined,
        },
      };
    },
  },
  {
    name: 'CRLF file (model writes LF)',
    run: c => {
      if (c.before.includes('\r\n')) return undefined;
      const before = toCrlf(c.before);
      return {
        expected: toCrlf(c.after),
        got: {
          hashline: hashlineApply(c.path, before, edit(c)),
          'search-replace': srApply(before, srCall(c, viewOf(c.before))),
          whole: whole(before, c.after),
        },
      };
    },
  },
  {
    name: 'target text duplicated',
    run: c => {
      const file = viewOf(c.before);
      const sr = srCall(c, file);
      if (!sr || sr.hi >= file.length) return undefined;
      // The lines search-replace would name also appear at the end of the file (the model did not notice).
      const eol = c.before.includes('\r\n') ? '\r\n' : '\n';
      const copy = file.slice(sr.lo - 1, sr.hi).join(eol) + eol;
      const before = c.before + (c.before.endsWith('\n') ? '' : eol) + copy;
      const expected = c.after + (c.after.endsWith('\n') ? '' : eol) + copy;
      return {
        expected,
        got: { hashline: hashlineApply(c.path, before, edit(c)), 'search-replace': srApply(before, sr), whole: whole(before, expected) },
      };
    },
  },
  {
    name: 'rows echoed with n: prefixes',
    run: c => {
      const file = viewOf(c.before);
      const sr = srCall(c, file);
      const lines = c.lines.map((l, i) => `${c.start + i}:${l}`);
      const content = viewOf(c.after).map((l, i) => `${i + 1}:${l}`).join('\n') + (c.after.endsWith('\n') ? '\n' : '');
      const srEcho = sr && {
        old: file.slice(sr.lo - 1, sr.hi).map((l, i) => `${sr.lo + i}:${l}`).join('\n'),
        new: sr.newLines.map((l, i) => `${sr.lo + i}:${l}`).join('\n'),
      };
      return {
        expected: c.after,
        got: {
          hashline: lines.length > 0 ? hashlineApply(c.path, c.before, [{ start: c.start, end: c.end, lines }]) : undefined,
          'search-replace': srEcho ? srApply(c.before, srEcho) : undefined,
          whole: whole(c.before, content),
        },
      };
    },
  },
];

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const pct = (ok: number, n: number) => (n === 0 ? 'n/a' : `${Math.round((100 * ok) / n)} % (${ok}/${n})`);

export async function benchEdits(log: (line: string) => void): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const cases = loadEditCorpus(root, log, process.argv.includes('--refresh'));
  const bySource = (s: string) => cases.filter(c => c.source === s).length;
  const byBucket = (b: string) => cases.filter(c => bucketOf(c) === b).length;
  log(`Edit formats over ${cases.length} real single-hunk edits (this repository ${bySource('tack')}, ajv releases ${bySource('npm')}); ` +
    `sizes: one line ${byBucket('one line')}, 2-5 lines ${byBucket('2-5 lines')}, 6+ lines ${byBucket('6+ lines')}`);

  // Output tokens of a correct call.
  const calls: Record<Format, Record<string, number[]>> = { hashline: {}, 'search-replace': {}, whole: {} };
  const add = (f: Format, bucket: string, n: number) => {
    (calls[f][bucket] ??= []).push(n);
    (calls[f].all ??= []).push(n);
  };
  const sizes300: number[] = [];
  // What a format costs beyond the new text itself (which every format must send).
  const overhead: Record<Format, number[]> = { hashline: [], 'search-replace': [], whole: [] };
  const oneLineOverhead: Record<Format, number[]> = { hashline: [], 'search-replace': [], whole: [] };
  const pathTokens: number[] = [];
  for (const c of cases) {
    const file = viewOf(c.before);
    const b = bucketOf(c);
    const s = new FileSnapshots();
    const tag = /#([0-9a-f]+)\]/.exec(s.renderRead(c.path, c.before))![1];
    const newText = tokens(c.lines.join('\n'));
    const h = json({ path: c.path, tag, edits: edit(c) });
    add('hashline', b, h);
    overhead.hashline.push(h - newText);
    if (b === 'one line') oneLineOverhead.hashline.push(h - newText);
    pathTokens.push(tokens(c.path));
    const sr = srCall(c, file);
    if (sr) {
      const n = json({ path: c.path, old: sr.old, new: sr.new });
      add('search-replace', b, n);
      overhead['search-replace'].push(n - newText);
      if (b === 'one line') oneLineOverhead['search-replace'].push(n - newText);
    }
    add('whole', b, json({ path: c.path, content: c.after }));
    if (file.length >= 250 && file.length <= 350) sizes300.push(json({ path: c.path, content: c.after }));
  }
  log('');
  log('Output tokens of a correct call (o200k, JSON arguments), median / p90:');
  const buckets = ['one line', '2-5 lines', '6+ lines', 'all'];
  log(`  ${pad('format', 16)}${buckets.map(b => lpad(b, 14)).join('')}`);
  for (const f of FORMATS) {
    log(`  ${pad(f, 16)}${buckets.map(b => lpad(`${quantile(calls[f][b] ?? [], 0.5)} / ${quantile(calls[f][b] ?? [], 0.9)}`, 14)).join('')}`);
  }
  log(`  beyond the new text itself (median, one-line / all): ${FORMATS.slice(0, 2).map(f => `${f} ${quantile(oneLineOverhead[f], 0.5)} / ${quantile(overhead[f], 0.5)}`).join(', ')}` +
    ` (of which the path: median ${quantile(pathTokens, 0.5)})`);
  if (sizes300.length > 0) log(`  whole, files of 250-350 lines: median ${quantile(sizes300, 0.5)} tokens (${sizes300.length} calls)`);
  log('  anchors: line-anchored edits 27-47 for a small change; search/replace block 59; unified diff 67;');
  log('           Codex apply_patch 78; Claude Code Edit 84; whole file ~1,674 for a 300-line file.');

  // Read side.
  const files = new Map<string, EditCase>();
  for (const c of cases) files.set(c.before, c);
  const totals = { raw: 0, hashline: 0, plain: 0, catn: 0, tab: 0 };
  const perFile: number[] = [];
  for (const [content, c] of files) {
    const text = viewOf(content);
    const raw = tokens(content);
    const hashline = tokens(new FileSnapshots().renderRead(c.path, content));
    totals.raw += raw;
    totals.hashline += hashline;
    totals.plain += tokens(renderPlainRead(content));
    totals.catn += tokens(text.map((t, i) => `${String(i + 1).padStart(6)}\t${t}`).join('\n'));
    totals.tab += tokens(text.map((t, i) => `${i + 1}\t${t}`).join('\n'));
    perFile.push(hashline / raw - 1);
  }
  const over = (n: number) => `+${Math.round((100 * (n - totals.raw)) / totals.raw)} %`;
  log('');
  log(`Read side over the raw file (${files.size} files, ${totals.raw} raw tokens):`);
  log(`  hashline read ([path#tag] + n:text)  ${over(totals.hashline)}   (median per file +${Math.round(100 * quantile(perFile, 0.5))} %, p90 +${Math.round(100 * quantile(perFile, 0.9))} %)`);
  log(`  plain read (n:text)                  ${over(totals.plain)}`);
  log(`  same files as cat -n                 ${over(totals.catn)}`);
  log(`  same files as N<TAB>text             ${over(totals.tab)}`);
  log('  anchors: per-line hash tags +24 % to +60 %; cat -n +45 %; N<TAB> +18-20 %.');

  // Exactness with mistakes.
  log('');
  log('Applied exactly (result bytes == expected), per mistake in the call; n = cases the mistake applies to:');
  log(`  ${pad('mistake', 32)}${FORMATS.map(f => lpad(f, 26)).join('')}`);
  for (const row of ROWS) {
    const tally = Object.fromEntries(FORMATS.map(f => [f, { exact: 0, refused: 0, wrong: 0 }])) as Record<Format, { exact: number; refused: number; wrong: number }>;
    for (const c of cases) {
      const r = row.run(c);
      if (!r) continue;
      for (const f of FORMATS) {
        const got = r.got[f];
        if (got === undefined) continue;
        tally[f][got === null ? 'refused' : got === r.expected ? 'exact' : 'wrong']++;
      }
    }
    const cell = (t: { exact: number; refused: number; wrong: number }) => {
      const n = t.exact + t.refused + t.wrong;
      return n === 0 ? 'n/a' : `${pct(t.exact, n)}${t.wrong > 0 ? ` ${t.wrong}w` : ''}`;
    };
    log(`  ${pad(row.name, 32)}${FORMATS.map(f => lpad(cell(tally[f]), 26)).join('')}`);
  }
  log('  (Nw: N calls wrote wrong bytes; the others that were not exact were refused with a message to retry.');
  log('   By design hashline takes lines literally (it notes an indentation style mismatch), search-replace applies');
  log('   only line-ending or trailing-whitespace differences, and whole writes exactly what it is given.)');
}
