/** Whole-file edits: the model sends the complete new content, written exactly as sent (no line-ending rewrite). */
import { splitLines } from './lines';

/** `current` is undefined when the file does not exist yet. Never fails: any string is a valid file. */
export function planWhole(current: string | undefined, args: { content: string }): { ok: true; content: string; message: string } {
  const content = typeof args?.content === 'string' ? args.content : String(args?.content ?? '');
  const lines = splitLines(content).text.length;
  const size = `${lines} line${lines === 1 ? '' : 's'}`;
  if (current === undefined) return { ok: true, content, message: `Created the file (${size}).` };
  if (current === content) return { ok: true, content, message: `The file already had this content (${size}); nothing changed.` };
  return { ok: true, content, message: `Wrote ${size} (was ${splitLines(current).text.length}).` };
}
