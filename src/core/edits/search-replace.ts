/**
 * Search-replace edits: `old` must be found exactly once (or `all`). When it is not found exactly, the closest
 * place that differs only in whitespace or line endings is shown with its line numbers and what differs; if that
 * place is unique and differs only in line endings or trailing whitespace it is replaced (and the result says so).
 * Indentation is never guessed: a wrong indent is reported, not rewritten.
 */
import { dominantEol, formatRows, splitLines, type FileLines } from './lines';

export type SearchReplaceResult = { ok: true; content: string; message: string } | { ok: false; message: string };

/** How loosely lines were compared: only line endings, also trailing whitespace, or any whitespace. */
type Level = 0 | 1 | 2;
const NORMALIZE: Record<Level, (s: string) => string> = {
  0: s => s,
  1: s => s.trimEnd(),
  2: s => s.replace(/\s+/g, ' ').trim(),
};

interface Span {
  start: number;
  end: number;
}
interface Candidate extends Span {
  line: number;
  lines: number;
}

function findExact(haystack: string, needle: string): Span[] {
  const out: Span[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    out.push({ start: at, end: at + needle.length });
  }
  return out;
}

function lineStarts(file: FileLines): number[] {
  const starts = [0];
  for (let i = 0; i < file.text.length; i++) starts.push(starts[i] + file.text[i].length + file.eol[i].length);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Places where the lines of `old` match file lines at `level`: its first line may be the end of a file line, its
 * last line the start of one (or a whole line when `old` ends with a line break), the lines between whole lines.
 * Offsets are exact for levels 0 and 1 (used to apply); level 2 is only ever reported.
 */
function findLoose(file: FileLines, starts: readonly number[], old: string, level: Level): Candidate[] {
  const norm = NORMALIZE[level];
  const pat = old.split(/\r?\n/);
  const trailingBreak = pat.length > 1 && pat[pat.length - 1] === '';
  if (trailingBreak) pat.pop();
  const k = pat.length;
  const np = pat.map(norm);
  const out: Candidate[] = [];
  for (let i = 0; i + k <= file.text.length; i++) {
    const first = norm(file.text[i]);
    const last = norm(file.text[i + k - 1]);
    let ok: boolean;
    if (k === 1) ok = trailingBreak ? first.endsWith(np[0]) : first.includes(np[0]);
    else {
      ok = first.endsWith(np[0]) && (trailingBreak ? last === np[k - 1] : last.startsWith(np[k - 1]));
      for (let j = 1; ok && j < k - 1; j++) ok = norm(file.text[i + j]) === np[j];
    }
    if (!ok || (trailingBreak && file.eol[i + k - 1] === '')) continue;
    let start: number;
    let end: number;
    const lineEnd = (n: number) => starts[n] + file.text[n].length;
    if (k === 1 && !trailingBreak) {
      start = starts[i] + first.indexOf(np[0]);
      end = start + np[0].length;
      if (file.text[i].slice(end - starts[i]).trim() === '' && pat[0] !== np[0]) end = lineEnd(i);
    } else {
      start = starts[i] + first.length - np[0].length;
      const j = i + k - 1;
      if (trailingBreak) end = starts[j + 1];
      else if (last === np[k - 1]) end = lineEnd(j);
      else end = starts[j] + np[k - 1].length;
    }
    out.push({ start, end, line: i + 1, lines: k });
    if (level < 2) i += k - 1;
  }
  return out;
}

/** What separates `old` from the file's lines at a candidate, in words. */
function differences(file: FileLines, c: Candidate, old: string): string {
  const pat = old.split(/\r?\n/);
  const found: string[] = [];
  if (old.includes('\n')) {
    const want = old.includes('\r\n') ? '\r\n' : '\n';
    const eols = file.eol.slice(c.line - 1, c.line - 1 + c.lines).filter(e => e !== '');
    if (eols.length > 0 && !eols.includes(want)) found.push(`line endings (file ${want === '\n' ? 'CRLF' : 'LF'}, old ${want === '\n' ? 'LF' : 'CRLF'})`);
  }
  let trailing = false;
  let indent = false;
  let tabs = false;
  let inner = false;
  for (let j = 0; j < Math.min(c.lines, pat.length); j++) {
    const f = file.text[c.line - 1 + j];
    const o = pat[j];
    // The first line of old may be the end of a file line, the last one its start.
    if (f === o || (j === 0 && f.endsWith(o)) || (j === pat.length - 1 && f.startsWith(o))) continue;
    const fe = f.trimEnd();
    const oe = o.trimEnd();
    if (fe === oe || (j === 0 && fe.endsWith(oe)) || (j === pat.length - 1 && f.startsWith(oe))) {
      trailing = true;
      continue;
    }
    const fi = /^\s*/.exec(f)![0];
    const oi = /^\s*/.exec(o)![0];
    if (fi !== oi && (j > 0 || oi !== '')) {
      indent = true;
      if (fi.includes('\t') !== oi.includes('\t')) tabs = true;
    }
    const ft = f.trim();
    const ot = o.trim();
    if (ft !== ot && !(j === 0 && ft.endsWith(ot)) && !(j === pat.length - 1 && ft.startsWith(ot))) inner = true;
  }
  if (indent) found.push(tabs ? 'indentation (tabs vs spaces)' : 'indentation');
  if (inner) found.push('whitespace inside lines');
  if (trailing) found.push('trailing whitespace');
  return found.length > 0 ? found.join(', ') : 'whitespace';
}

function replaceSpans(current: string, spans: readonly Span[], replacement: string): { content: string; lines: number[] } {
  const parts: string[] = [];
  const lines: number[] = [];
  let at = 0;
  let line = 1;
  for (const s of spans) {
    const before = current.slice(at, s.start);
    parts.push(before);
    line += before.split('\n').length - 1;
    lines.push(line);
    parts.push(replacement);
    line += replacement.split('\n').length - 1;
    at = s.end;
  }
  parts.push(current.slice(at));
  return { content: parts.join(''), lines };
}

function span(c: Candidate): string {
  return c.lines === 1 ? `line ${c.line}` : `lines ${c.line}-${c.line + c.lines - 1}`;
}

function summary(lines: readonly number[]): string {
  return lines.length === 1
    ? `Replaced 1 occurrence at line ${lines[0]}.`
    : `Replaced ${lines.length} occurrences at lines ${lines.join(', ')}.`;
}

function rows(file: FileLines, c: Candidate): string {
  const last = Math.min(c.line + c.lines - 1, c.line + 14);
  const more = c.line + c.lines - 1 - last;
  return formatRows(file.text, c.line, last) + (more > 0 ? `\n… ${more} more lines` : '');
}

/**
 * Rows copied from a read (`12:text`): when every line of `text` carries a row number and they run on by one, the
 * text without them. A trailing line break (an empty last line) needs no number.
 */
function withoutRowPrefixes(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const numbered = lines.length > 1 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  let first = -1;
  for (let i = 0; i < numbered; i++) {
    const m = /^(\d+):/.exec(lines[i]);
    if (!m || (i > 0 && Number(m[1]) !== first + i)) return undefined;
    if (i === 0) first = Number(m[1]);
  }
  return lines.map((l, i) => (i < numbered ? l.replace(/^\d+:/, '') : l)).join('\n');
}

export function planSearchReplace(current: string, args: { old: string; new: string; all?: boolean }): SearchReplaceResult {
  const first = planOnce(current, args);
  if (first.ok || typeof args?.old !== 'string' || typeof args?.new !== 'string') return first;
  // old copied with its read rows' `n:` prefixes: retry without them (and without new's, when every line has one).
  const old = withoutRowPrefixes(args.old);
  if (old === undefined || old === '') return first;
  const neu = withoutRowPrefixes(args.new) ?? args.new;
  const second = planOnce(current, { old, new: neu, all: args.all });
  if (!second.ok) return first;
  return { ...second, message: `${second.message} Dropped the copied "n:" row prefixes (they are not file text).` };
}

function planOnce(current: string, args: { old: string; new: string; all?: boolean }): SearchReplaceResult {
  const old: unknown = args?.old;
  const neu: unknown = args?.new;
  if (typeof old !== 'string' || old === '') {
    return { ok: false, message: 'old must be the exact text to replace, copied from a read (it was empty).' };
  }
  if (typeof neu !== 'string') return { ok: false, message: 'new must be a string ("" deletes old).' };
  if (old === neu) return { ok: false, message: 'old and new are the same: nothing to change.' };
  const file = splitLines(current);
  // New text takes the file's dominant line ending, so a CRLF file stays CRLF.
  const replacement = neu.replace(/\r?\n/g, dominantEol(file.eol));
  const starts = lineStarts(file);

  const exact = findExact(current, old);
  if (exact.length === 1 || (exact.length > 1 && args.all === true)) {
    const r = replaceSpans(current, exact, replacement);
    return { ok: true, content: r.content, message: summary(r.lines) };
  }
  if (exact.length > 1) {
    const at = exact.map(s => lineOf(starts, s.start)).join(', ');
    return {
      ok: false,
      message: `old matches ${exact.length} times (lines ${at}). Add surrounding lines to old so it matches once, or set all to replace every one.`,
    };
  }

  for (const level of [0, 1, 2] as const) {
    const found = findLoose(file, starts, old, level);
    if (found.length === 0) continue;
    const what = differences(file, found[0], old);
    if (level < 2 && (found.length === 1 || args.all === true)) {
      const r = replaceSpans(current, found, replacement);
      return {
        ok: true,
        content: r.content,
        message: `${summary(r.lines)} old differed from the file only in ${what}; matched anyway.`,
      };
    }
    if (found.length > 1) {
      return {
        ok: false,
        message:
          `old was not found exactly; ${found.length} places (lines ${found.map(c => c.line).join(', ')}) differ from it ` +
          `only in ${what}. First one:\n${rows(file, found[0])}\nCopy the exact text of one place (add lines to make it unique) and retry.`,
      };
    }
    return {
      ok: false,
      message:
        `old was not found exactly. Closest match, ${span(found[0])}, ` +
        `differs in ${what}:\n${rows(file, found[0])}\nCopy those lines exactly (without the "n:" prefixes) and retry.`,
    };
  }
  return { ok: false, message: notFound(file, old) };
}

/** No place matched even ignoring whitespace: point at lines that hold old's first line, if any. */
function notFound(file: FileLines, old: string): string {
  const firstLine = old.split(/\r?\n/).find(l => l.trim() !== '');
  const key = firstLine === undefined ? '' : NORMALIZE[2](firstLine);
  const hits: number[] = [];
  if (key !== '') for (let i = 0; i < file.text.length && hits.length < 5; i++) if (NORMALIZE[2](file.text[i]).includes(key)) hits.push(i + 1);
  if (hits.length === 0) return 'old was not found in the file, not even ignoring whitespace. Read the file again and copy the exact lines.';
  const c = { line: hits[0], lines: Math.min(old.split(/\r?\n/).length, file.text.length - hits[0] + 1), start: 0, end: 0 };
  return (
    `old was not found. Its first line appears at line${hits.length > 1 ? 's' : ''} ${hits.join(', ')}, ` +
    `but the lines after it differ:\n${rows(file, c)}\nRead the file again and copy the exact lines.`
  );
}
