/**
 * One compaction: stage 1 (prune old tool outputs) and, when that is not enough or the person asked, stage 2 (the
 * older turns summarised by the profile's `compaction.model`, default the session's). The result is an entry in the
 * session's compaction state — what requests send from now on; the transcript is not touched. A failed summary
 * request changes nothing at all (not even the prune). Never throws: failures are returned as a sentence.
 */
import type { AssistantMessage } from '../conversation';
import type { KeySource, Logger } from '../ports';
import type { FetchFn } from '../net/timed-fetch';
import type { AgentEvent } from '../agent/events';
import type { RunSetup, RunState } from '../agent/loop';
import { runStep, type StreamFn } from '../agent/step';
import { newId, type StoredMessage } from '../agent/transcript';
import type { TurnOptions } from '../agent/turn-options';
import { estimateMessage, estimateMessages } from './estimate';
import { planPrune } from './prune';
import { serializeTurns, summaryRequestText, toolFacts } from './serialize';
import type { CompactionEntry, CompactionStrategy, CompactionTrigger } from './types';
import { compactedView, latestSummary } from './view';

export const DEFAULT_THRESHOLD_PERCENT = 80;
export const DEFAULT_KEEP_RECENT_TOKENS = 8000;

export interface CompactContext {
  /** The session's transcript (read only). */
  messages: readonly StoredMessage[];
  setup: RunSetup;
  state: RunState;
  keys: KeySource;
  /** The run's per-request hooks (allowedProviders, budget, options, price) — the summary request obeys them too. */
  turn: TurnOptions;
  log: Logger;
  signal: AbortSignal;
  stream: StreamFn;
  fetch?: FetchFn;
  /** `prompts/compaction.md`; without it only stage 1 can run. */
  prompt?: () => Promise<string>;
  /** The real context window in tokens, when known. */
  contextWindow?: number;
}

export type CompactResult = { entry: CompactionEntry } | { error: string };

export function thresholdTokens(ctx: Pick<CompactContext, 'setup' | 'contextWindow'>): number | undefined {
  if (!ctx.contextWindow) return undefined;
  return Math.floor(ctx.contextWindow * (ctx.setup.profile.compaction?.thresholdPercent ?? DEFAULT_THRESHOLD_PERCENT) / 100);
}

/** The newest tokens kept verbatim; at most half the threshold, so what is kept always fits below it. */
function keepTokens(ctx: CompactContext): number {
  const keep = ctx.setup.profile.compaction?.keepRecentTokens ?? DEFAULT_KEEP_RECENT_TOKENS;
  const threshold = thresholdTokens(ctx);
  return threshold ? Math.min(keep, Math.floor(threshold / 2)) : keep;
}

/** The first kept message: newest `keep` tokens, moved earlier so a tool call and its results stay together. */
export function chooseCut(ms: readonly StoredMessage[], regionStart: number, keep: number): number | undefined {
  let acc = 0;
  let c = -1;
  for (let i = ms.length - 1; i > regionStart; i--) {
    acc += estimateMessage(ms[i]);
    if (acc >= keep) { c = i; break; }
  }
  if (c < 0) return undefined;
  while (c > regionStart && ms[c].role === 'tool') c--;
  return c > regionStart ? c : undefined;
}

export async function* compact(ctx: CompactContext, trigger: CompactionTrigger, opts: { before?: number; instructions?: string } = {}): AsyncGenerator<AgentEvent, CompactResult> {
  const { messages, state } = ctx;
  const viewBefore = compactedView(messages, state.compaction);
  const estBefore = estimateMessages(viewBefore);
  const before = opts.before ?? (state.ledger.totals.lastInputTokens || estBefore);
  const keep = keepTokens(ctx);
  const id = newId();
  const already = new Set(state.compaction.entries.flatMap(e => e.pruned ?? []));
  const prune = planPrune(viewBefore, keep, already, Math.max(200, Math.floor(estBefore * 0.05)));
  const entry: CompactionEntry = { id, at: Date.now(), strategy: 'prune', trigger, before, after: before, ...(prune ? { pruned: prune.ids } : {}) };
  const threshold = thresholdTokens(ctx);
  const pruneEnough = prune && trigger !== 'manual' && threshold !== undefined && before - prune.freed < threshold;

  if (!pruneEnough) {
    const previous = latestSummary(state.compaction);
    const regionStart = previous ? Math.max(0, messages.findIndex(m => m.id === previous.firstKeptId)) : 0;
    const cut = chooseCut(messages, regionStart, keep);
    if (cut === undefined && !prune) return { error: 'Nothing to compact: the newest messages (compaction.keepRecentTokens) are all there is.' };
    if (cut !== undefined) {
      if (!ctx.prompt) return { error: 'The compaction prompt (prompts/compaction.md) was not given to this run.' };
      let system: string;
      try { system = await ctx.prompt(); } catch (err) { return { error: `The compaction prompt could not be read: ${(err as Error).message}` }; }
      const modelRef = ctx.setup.profile.compaction?.model ?? ctx.setup.modelRef;
      const text = summaryRequestText(serializeTurns(messages.slice(regionStart, cut)), toolFacts(messages.slice(0, cut)), previous?.summary, opts.instructions);
      const answer: AssistantMessage = { role: 'assistant', text: '', model: modelRef };
      for await (const ev of runStep({
        settings: ctx.setup.settings, modelRef, turn: ctx.turn, keys: ctx.keys, log: ctx.log, system, messages: [{ role: 'user', text }],
        totals: state.ledger.totals, signal: ctx.signal, stream: ctx.stream, fetch: ctx.fetch,
      }, answer)) {
        if (ev.type !== 'usage') continue;
        // The summary is paid for like any response: it goes into the session's one ledger.
        const slash = answer.model.indexOf('/');
        state.ledger.add(answer.model.slice(0, slash), answer.model.slice(slash + 1), ev.usage);
        yield { type: 'usage', messageId: id, modelRef: answer.model, usage: ev.usage, costSource: ev.costSource ?? (ev.usage.costUsd === null ? 'unknown' : 'provider'), totals: state.ledger.totals };
      }
      if (answer.interrupted) return { error: `The summary request failed (${answer.interrupted.kind}): ${answer.interrupted.message} The conversation was left as it was.` };
      if (!answer.text.trim()) return { error: 'The summary request returned no text; the conversation was left as it was.' };
      Object.assign(entry, {
        summary: answer.text.trim(), firstKeptId: messages[cut].id, model: answer.model,
        replaced: { firstId: messages[0].id, lastId: messages[cut - 1].id, count: cut },
        ...(opts.instructions?.trim() ? { instructions: opts.instructions.trim() } : {}),
      });
      entry.strategy = (prune ? 'prune+summary' : 'summary') satisfies CompactionStrategy;
    }
  }
  const estAfter = estimateMessages(compactedView(messages, { ...state.compaction, entries: [...state.compaction.entries, entry] }));
  entry.after = Math.max(0, before - Math.max(0, estBefore - estAfter));
  state.compaction.entries.push(entry);
  yield { type: 'compaction', before: entry.before, after: entry.after, strategy: entry.strategy, entry };
  return { entry };
}
