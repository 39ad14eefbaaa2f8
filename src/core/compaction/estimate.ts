/**
 * Token estimates for choosing what to compact: about four characters per token. Only used where nothing was
 * reported (where to cut, how much a compaction frees); the prompt sizes Tack shows are the provider's.
 */
import type { TranscriptMessage } from '../conversation';

export const estimateText = (text: string): number => Math.ceil(text.length / 4);

/** A message's share of a prompt, with a few tokens of framing; an image counts as 800. */
export function estimateMessage(m: TranscriptMessage): number {
  let n = 4 + estimateText(m.text) + (('images' in m && m.images?.length) ? m.images.length * 800 : 0);
  if (m.role === 'assistant') for (const c of m.toolCalls ?? []) n += 8 + estimateText(c.name) + estimateText(c.args);
  return n;
}

export function estimateMessages(ms: readonly TranscriptMessage[]): number {
  let n = 0;
  for (const m of ms) n += estimateMessage(m);
  return n;
}
