/**
 * The one place tool output is cut for the model: head and tail kept, the middle replaced by a line that says how
 * much was left out and where the whole output is saved (a file in the session's data folder that `read` opens).
 */
export interface TruncateLimits {
  maxChars: number;
  maxLines: number;
}

export const TOOL_OUTPUT_LIMITS: TruncateLimits = { maxChars: 40_000, maxLines: 2_000 };

export interface Truncated {
  text: string;
  truncated: boolean;
}

/** `save` stores the whole text and returns the path to name; when it fails, the note says the rest is lost. */
export async function truncateForModel(text: string, limits: TruncateLimits, save: (whole: string) => Promise<string | undefined>): Promise<Truncated> {
  const lines = text.split('\n');
  if (text.length <= limits.maxChars && lines.length <= limits.maxLines) return { text, truncated: false };
  const headLines = Math.floor(limits.maxLines * 0.4);
  const tailLines = Math.floor(limits.maxLines * 0.4);
  let head = lines.slice(0, headLines).join('\n');
  let tail = lines.length > headLines + tailLines ? lines.slice(-tailLines).join('\n') : lines.slice(headLines).join('\n');
  const headChars = Math.floor(limits.maxChars * 0.4);
  const tailChars = Math.floor(limits.maxChars * 0.4);
  if (head.length > headChars) head = head.slice(0, headChars);
  if (tail.length > tailChars) tail = tail.slice(tail.length - tailChars);
  const omitted = text.length - head.length - tail.length;
  const where = await save(text);
  const note = where
    ? `[… ${omitted} characters (${lines.length} lines in all) left out here; the whole output is in ${where} — read it with offset/limit]`
    : `[… ${omitted} characters left out here]`;
  return { text: `${head}\n${note}\n${tail}`, truncated: true };
}
