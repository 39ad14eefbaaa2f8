/**
 * Checking and tidying the `edits` of a hashline call before anything is mapped or applied. Models send numbers as
 * strings, one string with line breaks instead of a list, or rows copied with their `n:` prefix; what can be read
 * unambiguously is accepted, the rest is refused with a sentence saying what to send instead.
 */
import { splitModelLines } from './lines';
import type { Replacement } from './apply';

export interface HashlineEdit {
  start: number;
  end: number;
  lines: string[];
}

export interface HashlineArgs {
  path: string;
  tag: string;
  edits: HashlineEdit[];
}

export type CheckedEdits = { ok: true; edits: Replacement[]; strippedPrefixes: boolean } | { ok: false; message: string };

const ROW_PREFIX = /^(\d+):/;

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

/**
 * When every line starts with `<n>:` and the numbers run on from `start` (1 per line), the model copied rows of the
 * read: the prefixes are dropped. Any other shape is taken literally (a line like `10:30` in a data file stays).
 */
function stripRowPrefixes(lines: string[], start: number): string[] | undefined {
  if (lines.length === 0) return undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = ROW_PREFIX.exec(lines[i]);
    if (!m || Number(m[1]) !== start + i) return undefined;
  }
  return lines.map(l => l.replace(ROW_PREFIX, ''));
}

/** Validates `raw` against a file of `lineCount` lines (as read under `tag`); sorts the edits top-down. */
export function checkEdits(raw: unknown, lineCount: number, tag: string): CheckedEdits {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : undefined;
  if (!list || list.length === 0) {
    return { ok: false, message: 'edits must be a non-empty list of {start, end, lines}.' };
  }
  const edits: Array<Replacement & { n: number }> = [];
  let strippedPrefixes = false;
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Record<string, unknown> | null;
    const name = list.length > 1 ? `edit ${i + 1}: ` : '';
    const start = toInt(e?.start);
    const end = toInt(e?.end);
    if (start === undefined || end === undefined) {
      return { ok: false, message: `${name}start and end must be line numbers (end = start - 1 inserts before start).` };
    }
    const rawLines = typeof e?.lines === 'string' ? [e.lines] : e?.lines;
    if (!Array.isArray(rawLines) || rawLines.some(l => typeof l !== 'string')) {
      return { ok: false, message: `${name}lines must be a list of strings ([] deletes the range).` };
    }
    if (start < 1 || start > lineCount + 1 || end < start - 1 || end > lineCount) {
      return {
        ok: false,
        message:
          `${name}lines ${start}-${end} are not in the file as read (#${tag} has ${lineCount} lines). ` +
          `Replace with 1 <= start <= end <= ${lineCount}; insert before start with end = start - 1; ` +
          `append with start = ${lineCount + 1}, end = ${lineCount}.`,
      };
    }
    let lines = splitModelLines(rawLines as string[]);
    const stripped = stripRowPrefixes(lines, start);
    if (stripped) {
      lines = stripped;
      strippedPrefixes = true;
    }
    edits.push({ start, end, lines, n: i + 1 });
  }
  // Top-down; an insertion before line s sorts ahead of a replacement starting at s (it goes above it).
  edits.sort((a, b) => a.start - b.start || (a.end < a.start ? 0 : 1) - (b.end < b.start ? 0 : 1));
  for (let i = 1; i < edits.length; i++) {
    const a = edits[i - 1];
    const b = edits[i];
    const bothInserts = a.end < a.start && b.end < b.start && a.start === b.start;
    if (b.start <= a.end || bothInserts) {
      return {
        ok: false,
        message:
          `edits ${a.n} (${a.start}-${a.end}) and ${b.n} (${b.start}-${b.end}) overlap. ` +
          'Merge them into one edit; every edit refers to the numbering of the same read.',
      };
    }
  }
  return { ok: true, edits: edits.map(({ start, end, lines }) => ({ start, end, lines })), strippedPrefixes };
}
