/**
 * Shared preparation of Tack's transcript before a dialect converts it, so every request is well formed whichever
 * provider produced the history:
 *  - every tool call has exactly one result right after its assistant message (a call without one gets a
 *    synthetic "did not run" result; a result without its call is dropped) — wire formats reject anything else;
 *  - empty assistant messages (a failed turn) are left out;
 *  - tool-call ids are mapped to the target's rules, the same way for a call and its result, and the same way in
 *    every request of a conversation (a pure function of the transcript), so caches and pairings hold.
 */
import { createHash } from 'node:crypto';
import type { ToolCall, ToolResultMessage, TranscriptMessage } from '../conversation';

export const NOT_RUN = 'The tool call did not run: the turn ended before its result was recorded.';

export function wellFormed(messages: readonly TranscriptMessage[]): TranscriptMessage[] {
  const out: TranscriptMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'tool') continue; // reached only for results that follow no call: dropped
    if (m.role === 'user') { out.push(m); continue; }
    const calls = m.toolCalls ?? [];
    if (!m.text && calls.length === 0) continue;
    out.push(m);
    if (calls.length === 0) continue;
    const results = new Map<string, ToolResultMessage>();
    while (i + 1 < messages.length && messages[i + 1].role === 'tool') {
      const r = messages[++i] as ToolResultMessage;
      if (!results.has(r.toolCallId)) results.set(r.toolCallId, r);
    }
    for (const c of calls) {
      out.push(results.get(c.id) ?? { role: 'tool', toolCallId: c.id, name: c.name, text: NOT_RUN, isError: true });
    }
  }
  return out;
}

/** Index of the first message of the current turn (after the last user message): its reasoning must go back. */
export function currentTurnStart(messages: readonly TranscriptMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return i + 1;
  return 0;
}

export interface IdRule {
  valid: (id: string) => boolean;
  /** Builds a valid id from a hash (base62, long enough for any rule). */
  make: (hash: string) => string;
}

export const ID_RULES = {
  /** Anthropic: `^[a-zA-Z0-9_-]+$`. */
  anthropic: { valid: id => /^[A-Za-z0-9_-]{1,64}$/.test(id), make: h => `toolu_${h.slice(0, 24)}` },
  /** OpenAI Chat Completions: at most 40 characters. */
  chat: { valid: id => /^[A-Za-z0-9_.:-]{1,40}$/.test(id), make: h => `call_${h.slice(0, 24)}` },
  /** OpenAI Responses `call_id`. */
  responses: { valid: id => /^[A-Za-z0-9_-]{1,64}$/.test(id), make: h => `call_${h.slice(0, 24)}` },
  /** Mistral: exactly nine letters or digits. */
  mistral: { valid: id => /^[A-Za-z0-9]{9}$/.test(id), make: h => h.slice(0, 9) },
} satisfies Record<string, IdRule>;

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62Hash(s: string): string {
  const bytes = createHash('sha256').update(s).digest();
  let out = '';
  for (const b of bytes) out += B62[b % 62];
  return out;
}

/**
 * Maps the tool-call ids of a well-formed transcript to ids valid for `rule`, per assistant message: `idsFor(i)` is
 * the mapping for the assistant message at index `i` and the results that follow it. A valid id is kept the first
 * time it appears; an invalid one, or one an earlier turn already used (providers that number calls call_0, call_1
 * in every turn), becomes a hash of it. Assignment runs in transcript order, so ids stay the same as the
 * conversation grows and a call and its result always agree.
 */
export function toolIdMapper(history: readonly TranscriptMessage[], rule: IdRule): (messageIndex: number) => (id: string) => string {
  const perMessage = new Map<number, Map<string, string>>();
  const taken = new Set<string>();
  history.forEach((m, i) => {
    if (m.role !== 'assistant' || !m.toolCalls?.length) return;
    const map = new Map<string, string>();
    for (const c of m.toolCalls) {
      if (map.has(c.id)) continue;
      let mapped = rule.valid(c.id) && !taken.has(c.id) ? c.id : rule.make(base62Hash(c.id));
      for (let k = 1; taken.has(mapped) || !rule.valid(mapped); k++) mapped = rule.make(base62Hash(`${c.id}#${k}`));
      map.set(c.id, mapped);
      taken.add(mapped);
    }
    perMessage.set(i, map);
  });
  return i => id => perMessage.get(i)?.get(id) ?? rule.make(base62Hash(id));
}

/** The arguments as an object, for wire formats that want one (Anthropic `input`, Ollama `arguments`). */
export function argsObject(call: ToolCall): Record<string, unknown> {
  try {
    const v = JSON.parse(call.args || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
  } catch {
    // The model sent invalid JSON; keep what it said so the history stays faithful.
    return { _raw: call.args };
  }
}

export function dataUrl(img: { mediaType: string; data: string }): string {
  return `data:${img.mediaType};base64,${img.data}`;
}
