/** How providers say a prompt does not fit the context window (the loop then compacts once and retries). */
const OVERFLOW = /prompt is too long|context[ _-]length[ _-]exceeded|maximum context length|context window|exceeds? (the )?(model'?s? )?(context|max(imum)? (input|prompt)|token limit)|too many (input )?tokens|input is too long|reduce the length of the (messages|prompt)|requested \d+ tokens|num_ctx/i;

export function isContextOverflow(message: string): boolean {
  return OVERFLOW.test(message);
}
