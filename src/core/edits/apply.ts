/** Replacing line ranges of a file while keeping its line endings and its final-newline convention. */
import { dominantEol, type FileLines } from './lines';
import type { LineRange } from './line-map';

export interface Replacement extends LineRange {
  /** The new lines, without line breaks. */
  lines: string[];
}

/**
 * Applies `replacements` (sorted by start, not overlapping, numbered in `file`). Untouched lines keep their bytes;
 * new lines get the file's dominant ending. A file that ended without a line break still does (also after an
 * append: the old last line gets a break, the new last line none); a file that ended with one still does.
 * Returns the new lines and where each replacement's lines now start.
 */
export function applyReplacements(
  file: FileLines,
  replacements: readonly Replacement[],
): { lines: FileLines; starts: number[] } {
  const eol = dominantEol(file.eol);
  const count = file.text.length;
  const noFinalBreak = count > 0 && file.eol[count - 1] === '';
  const text: string[] = [];
  const eols: string[] = [];
  const starts: number[] = [];
  let line = 1;
  for (const r of replacements) {
    for (; line < r.start; line++) {
      text.push(file.text[line - 1]);
      eols.push(file.eol[line - 1]);
    }
    starts.push(text.length + 1);
    for (const l of r.lines) {
      text.push(l);
      eols.push(eol);
    }
    line = r.end + 1;
  }
  for (; line <= count; line++) {
    text.push(file.text[line - 1]);
    eols.push(file.eol[line - 1]);
  }
  for (let i = 0; i < eols.length - 1; i++) if (eols[i] === '') eols[i] = eol;
  if (eols.length > 0) eols[eols.length - 1] = noFinalBreak ? '' : eols[eols.length - 1] || eol;
  return { lines: { text, eol: eols }, starts };
}
