/**
 * A file's text as lines with their own endings, so every edit format can change lines and still give back the
 * file byte for byte where it did not touch it. Only `\n` and `\r\n` end a line; a lone `\r` is line text.
 */
import { createHash } from 'node:crypto';

export type Eol = '\n' | '\r\n';

/** `text[i]` is line i+1 without its break; `eol[i]` the break that ended it ('' only for a last line without one). */
export interface FileLines {
  text: string[];
  eol: string[];
}

/** "" has no lines; "\n" has one empty line; "a\nb" has two, the last without a break. */
export function splitLines(content: string): FileLines {
  const text: string[] = [];
  const eol: string[] = [];
  let pos = 0;
  while (pos < content.length) {
    const nl = content.indexOf('\n', pos);
    if (nl < 0) {
      text.push(content.slice(pos));
      eol.push('');
      break;
    }
    const cr = nl > pos && content.charCodeAt(nl - 1) === 13;
    text.push(content.slice(pos, cr ? nl - 1 : nl));
    eol.push(cr ? '\r\n' : '\n');
    pos = nl + 1;
  }
  return { text, eol };
}

export function joinLines(lines: FileLines): string {
  const parts: string[] = new Array(lines.text.length * 2);
  for (let i = 0; i < lines.text.length; i++) {
    parts[2 * i] = lines.text[i];
    parts[2 * i + 1] = lines.eol[i];
  }
  return parts.join('');
}

/** The ending most lines use; `\n` on a tie and for files without any line break. */
export function dominantEol(eols: readonly string[]): Eol {
  let crlf = 0;
  let lf = 0;
  for (const e of eols) {
    if (e === '\r\n') crlf++;
    else if (e === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** The lines a model sent: an entry holding line breaks counts as several lines; a trailing `\r` is dropped. */
export function splitModelLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) for (const part of l.split('\n')) out.push(part.endsWith('\r') ? part.slice(0, -1) : part);
  return out;
}

/** Rows `<n>:<text>` for lines `from`..`to` (1-based, inclusive), one per line. */
export function formatRows(text: readonly string[], from: number, to: number): string {
  const rows: string[] = [];
  for (let n = Math.max(1, from); n <= Math.min(to, text.length); n++) rows.push(`${n}:${text[n - 1]}`);
  return rows.join('\n');
}

/** Hex digest of the whole content; a snapshot's tag is its shortest unambiguous prefix (4 characters or more). */
export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** The `read` call that shows lines `from`..`to` with a little context, as the model would write it. */
export function readCall(path: string, from?: number, to?: number): string {
  if (from === undefined || to === undefined) return `read ${JSON.stringify({ path })}`;
  const offset = Math.max(1, from - 2);
  return `read ${JSON.stringify({ path, offset, limit: Math.max(1, to + 2 - offset + 1) })}`;
}

/**
 * A warning when `lines` are indented with tabs in a file that indents with spaces (or the other way round). The
 * lines are still written as sent: guessing the indentation could be wrong, telling the model lets it fix it.
 */
export function indentMismatchNote(file: readonly string[], lines: readonly string[]): string | undefined {
  let tabs = 0;
  let spaces = 0;
  for (const t of file) {
    if (t.startsWith('\t')) tabs++;
    else if (t.startsWith('  ')) spaces++;
  }
  const style = tabs > 0 && tabs > 4 * spaces ? 'tabs' : spaces > 0 && spaces > 4 * tabs ? 'spaces' : undefined;
  if (!style) return undefined;
  const odd = lines.filter(l => (style === 'tabs' ? l.startsWith('  ') : l.startsWith('\t'))).length;
  if (odd === 0) return undefined;
  const other = style === 'tabs' ? 'spaces' : 'tabs';
  return `Note: ${odd} new line${odd === 1 ? ' is' : 's are'} indented with ${other} but the file indents with ${style}; written as sent.`;
}
