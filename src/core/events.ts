/**
 * The one event type every provider stream is normalized into. Producers never throw: a failure is an
 * `error` event with a kind and a message a person can act on, followed by nothing else.
 */
import type { ReasoningBlock } from './conversation';

export type ErrorKind =
  | 'auth'
  | 'rate_limit'
  | 'not_found'
  | 'network'
  | 'server'
  | 'bad_response'
  | 'policy'
  | 'config'
  | 'cancelled';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'auth', 'rate_limit', 'not_found', 'network', 'server', 'bad_response', 'policy', 'config', 'cancelled',
];

/** Why a model response ended. `error` and `cancelled` responses end with an `error` event instead of `done`. */
export type StopReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'unknown';

/**
 * Token counts as the provider reported them; a count the provider did not report is 0. `input` excludes cache
 * reads and writes; `reasoning` is part of `output`.
 */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

export interface Usage extends TokenCounts {
  /** Cost in USD the provider reported or a price table gave; null when unknown (never invented). */
  costUsd: number | null;
}

export type ErrorEvent = { type: 'error'; kind: ErrorKind; message: string; detail?: string };

/**
 * Ordering contract of one model response:
 *  - content events (`text`, `reasoning`, `tool_call_start`, `tool_call_delta`) in the order they arrived;
 *  - `reasoning_end` when a reasoning block is complete (carries what must be sent back: signatures, opaque data);
 *  - `tool_call_end` only once the response completed normally, right before `usage`/`done`: a stream that breaks
 *    off never yields a finished tool call, so a half call is never executed;
 *  - `retry` only before any content: the request failed transiently and is sent again after `waitMs`
 *    (the wait ends at once when the request's AbortSignal fires);
 *  - last: `done`, or one `error`.
 */
export type StreamEvent =
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  | { type: 'reasoning_end'; block: ReasoningBlock }
  | { type: 'tool_call_start'; index: number; id: string; name: string }
  | { type: 'tool_call_delta'; index: number; argsDelta: string }
  | { type: 'tool_call_end'; index: number; id: string; name: string; args: string }
  /**
   * `costSource` says where `usage.costUsd` came from: the provider's report, Tack's price table, or nowhere;
   * `servedBy` is the upstream provider that served the request, where a router reports it (OpenRouter).
   */
  | { type: 'usage'; usage: Usage; costSource?: 'provider' | 'price-table' | 'unknown'; servedBy?: string }
  | { type: 'retry'; attempt: number; maxAttempts: number; waitMs: number; kind: ErrorKind; message: string }
  | { type: 'done'; stopReason: StopReason }
  | ErrorEvent;

export function emptyUsage(): Usage {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    reasoning: a.reasoning + b.reasoning,
    costUsd: a.costUsd === null && b.costUsd === null ? null : (a.costUsd ?? 0) + (b.costUsd ?? 0),
  };
}
