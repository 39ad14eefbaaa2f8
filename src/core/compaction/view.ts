/**
 * What a request carries after compaction: the transcript with the latest summary in place of every message before
 * its first kept message, and pruned tool outputs as one-line stubs. The transcript itself is never changed.
 */
import type { StoredMessage } from '../agent/transcript';
import type { ToolCall } from '../conversation';
import type { CompactionEntry, CompactionState } from './types';

export const SUMMARY_HEADER = '[Summary of the earlier conversation, written when it was compacted to fit the context window. The newest messages follow verbatim.]';

/** The stub that replaces a pruned tool output: what was there and how to get it again. */
export function prunedStub(name: string, call: ToolCall | undefined, chars: number): string {
  const args = call ? ` ${call.args.length > 200 ? `${call.args.slice(0, 200)}…` : call.args}` : '';
  return `[Output of ${name}${args} (${chars} characters) left out to save context; call the tool again if you need it.]`;
}

export function latestSummary(state: CompactionState | undefined): CompactionEntry | undefined {
  if (!state) return undefined;
  for (let i = state.entries.length - 1; i >= 0; i--) if (state.entries[i].summary !== undefined && state.entries[i].firstKeptId) return state.entries[i];
  return undefined;
}

export function compactedView(messages: readonly StoredMessage[], state: CompactionState | undefined): readonly StoredMessage[] {
  if (!state?.entries.length) return messages;
  const summary = latestSummary(state);
  let start = 0;
  if (summary) {
    const at = messages.findIndex(m => m.id === summary.firstKeptId);
    // A first kept message that is gone (taken back by a retry) voids the summary: everything is sent.
    if (at > 0) start = at;
  }
  const pruned = new Set(state.entries.flatMap(e => e.pruned ?? []));
  const calls = new Map<string, ToolCall>();
  const out: StoredMessage[] = [];
  if (start > 0) {
    const first = messages[start];
    const text = `${SUMMARY_HEADER}\n\n${summary!.summary}`;
    // Kept verbatim after the summary; a kept user message shares the summary's turn so roles still alternate.
    if (first.role === 'user') { out.push({ ...first, text: `${text}\n\n---\n\n${first.text}` }); start++; }
    else out.push({ id: `summary-${summary!.id}`, role: 'user', text });
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'assistant') for (const c of m.toolCalls ?? []) calls.set(c.id, c);
    if (i < start) continue;
    if (m.role === 'tool' && pruned.has(m.id)) out.push({ ...m, text: prunedStub(m.name, calls.get(m.toolCallId), m.text.length), images: undefined });
    else out.push(m);
  }
  return out;
}
