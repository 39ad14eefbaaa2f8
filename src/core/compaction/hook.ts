/**
 * When compaction runs, and its guard rails. The loop calls `compactBeforeRequest` before each request and
 * `compactOnOverflow` when the provider said the prompt is too long; hosts call `compactNow` (Compact Now,
 * `/compact …`). Guard rails: at most one automatic compaction per request (one per ledger response); a compaction
 * that frees less than 10 % turns automatic compaction off for the session, and says why; a failed one changes
 * nothing and says so. Never throws.
 */
import type { AgentEvent } from '../agent/events';
import type { AgentSession, PlanSource } from '../agent/session';
import { streamResponse } from '../providers/stream';
import { compact, thresholdTokens, type CompactContext, type CompactResult } from './compact';

/** Below this share freed, automatic compaction stops for the session. */
const MIN_FREED = 0.1;

function* guard(ctx: CompactContext, r: CompactResult): Generator<AgentEvent, boolean> {
  if ('error' in r) {
    ctx.log.warn(`Compaction failed: ${r.error}`);
    yield { type: 'notice', level: 'warning', message: `Compaction failed: ${r.error}` };
    return false;
  }
  const { before, after } = r.entry;
  if (before > 0 && (before - after) / before < MIN_FREED) {
    const pct = Math.round(((before - after) / before) * 100);
    ctx.state.compaction.autoOff = `Compaction freed only ${pct} % (${before} → ${after} tokens), so automatic compaction is off for this session. `
      + `Is the context window right (${ctx.contextWindow ?? 'unknown'} tokens: Ollama's num_ctx, vLLM's max_model_len)? Compact Now still works.`;
    ctx.log.warn(ctx.state.compaction.autoOff);
    yield { type: 'notice', level: 'warning', message: ctx.state.compaction.autoOff };
  }
  return true;
}

/** Before a request: compacts when the last request's input passed the threshold of the real window. */
export async function* compactBeforeRequest(ctx: CompactContext): AsyncGenerator<AgentEvent> {
  const cfg = ctx.setup.profile.compaction ?? {};
  const threshold = thresholdTokens(ctx);
  const st = ctx.state.compaction;
  const t = ctx.state.ledger.totals;
  if (cfg.auto === false || threshold === undefined || st.autoOff || !t.responses || st.autoAtResponse === t.responses) return;
  if (t.lastInputTokens < threshold) return;
  const r = yield* compact(ctx, 'auto', { before: t.lastInputTokens });
  // Counted after the summary's own response, so only the next real request can trigger again.
  st.autoAtResponse = ctx.state.ledger.totals.responses;
  yield* guard(ctx, r);
}

/** The provider said the prompt is too long: compact once; true when the request may be sent again. */
export async function* compactOnOverflow(ctx: CompactContext): AsyncGenerator<AgentEvent, boolean> {
  if (ctx.state.compaction.autoOff) return false;
  const before = Math.max(ctx.state.ledger.totals.lastInputTokens, ctx.contextWindow ?? 0);
  const r = yield* compact(ctx, 'overflow', before ? { before } : {});
  ctx.state.compaction.autoAtResponse = ctx.state.ledger.totals.responses;
  return (yield* guard(ctx, r)) && !('error' in r);
}

/**
 * Compact Now: prune and summarise whatever is older than the newest `keepRecentTokens`, with the person's optional
 * instructions for the summary. Yields `compaction` (and the summary's `usage`), or a `notice` saying why nothing
 * changed; returns the result. The session's transcript is untouched; record the events like a run's.
 */
export async function* compactNow(session: AgentSession, plan: PlanSource, instructions?: string, signal: AbortSignal = new AbortController().signal): AsyncGenerator<AgentEvent, CompactResult> {
  let p;
  try {
    p = await plan;
  } catch (err) {
    const error = `The run could not be prepared: ${(err as Error).message}`;
    yield { type: 'notice', level: 'warning', message: `Compaction failed: ${error}` };
    return { error };
  }
  const { deps } = session;
  const ctx: CompactContext = {
    messages: session.messages, setup: p.setup, state: session.state, turn: p.setup.turn, log: deps.log, signal,
    keys: { getKey: id => p.setup.keys.getKey(id), confirmOrigin: (id, origin, prev) => deps.approvals.confirmKeyOrigin(id, origin, prev) },
    stream: deps.stream ?? streamResponse, fetch: deps.fetch, prompt: p.compactionPrompt, contextWindow: p.setup.contextWindow,
  };
  const r = yield* compact(ctx, 'manual', { ...(instructions ? { instructions } : {}) });
  if ('error' in r) {
    deps.log.warn(`Compaction failed: ${r.error}`);
    yield { type: 'notice', level: 'warning', message: `Compaction failed: ${r.error}` };
  }
  return r;
}
