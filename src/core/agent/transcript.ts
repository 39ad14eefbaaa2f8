/**
 * The agent's transcript: Tack's provider-neutral messages, each with a stable id that events carry, so hosts
 * address messages by id — a user turn has many assistant and tool messages.
 */
import { randomUUID } from 'node:crypto';
import type { TranscriptMessage } from '../conversation';
import type { CompactionState } from '../compaction/types';
import { compactedView } from '../compaction/view';

export type StoredMessage = TranscriptMessage & { id: string };

export function newId(): string {
  return randomUUID();
}

export function withId<T extends TranscriptMessage>(m: T): T & { id: string } {
  return { ...m, id: newId() };
}

/**
 * The provider-neutral messages, without ids (what a dialect converts). With a compaction state, what compaction
 * decided is applied here, to what is sent only: the summary in place of older turns, stubs for pruned outputs.
 */
export function forRequest(all: readonly StoredMessage[], compaction?: CompactionState): TranscriptMessage[] {
  const messages = compactedView(all, compaction);
  const out: TranscriptMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    // A user turn whose answer failed before anything arrived is left out, with that empty answer.
    const next = messages[i + 1];
    if (m.role === 'user' && next?.role === 'assistant' && next.interrupted && !next.text && !next.toolCalls?.length) { i++; continue; }
    if (m.role === 'assistant' && !m.text && !m.toolCalls?.length) continue;
    const { id: _id, ...rest } = m;
    out.push(rest as TranscriptMessage);
  }
  return out;
}
