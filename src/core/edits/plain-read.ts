/** The numbered rows every read shows (`<n>:<text>`), and the plain read used by the non-hashline edit formats. */
import { formatRows, splitLines } from './lines';

/** offset: 1-based first line (default 1); limit: at most this many lines (default: to the end). */
export interface ReadRange {
  offset?: number;
  limit?: number;
}

/** The lines a range selects in a file of `count` lines; `to < from` when none. */
export function resolveRange(count: number, range?: ReadRange): { from: number; to: number } {
  const offset = Number(range?.offset);
  const limit = Number(range?.limit);
  const from = Number.isFinite(offset) && offset >= 1 ? Math.floor(offset) : 1;
  const to = Number.isFinite(limit) && limit >= 1 ? Math.min(count, from + Math.floor(limit) - 1) : count;
  return { from, to };
}

function lines(n: number): string {
  return n === 1 ? '1 line' : `${n} lines`;
}

/** Rows `from`..`to` of `text`, with a closing note when the file is empty, shorter than `from`, or continues. */
export function renderRows(text: readonly string[], from: number, to: number): string {
  const count = text.length;
  if (count === 0) return '(empty file)';
  if (from > count) return `(the file has ${lines(count)})`;
  const rows = formatRows(text, from, to);
  return to < count ? `${rows}\n… ${count - to} more ${count - to === 1 ? 'line' : 'lines'}; read with offset ${to + 1}` : rows;
}

/** A read for formats without tags: the same rows as a hashline read, without the `[path#tag]` header. */
export function renderPlainRead(content: string, range?: ReadRange): string {
  const { text } = splitLines(content);
  const { from, to } = resolveRange(text.length, range);
  return renderRows(text, from, to);
}
