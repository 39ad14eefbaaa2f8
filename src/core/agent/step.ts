/**
 * One model response of a run: resolve the target, apply the profile's checks, send the transcript, stream the
 * answer into the assistant message — and, when the model fails with an error the profile's fallbackModels cover
 * (rate limit, server) before any output, move on to the next fallback, announced with a `retry` event. A partial
 * answer is never continued on another model. Never throws: failures end as an `error` event.
 */
import type { AssistantMessage, TranscriptMessage } from '../conversation';
import { addUsage, type StreamEvent, type Usage } from '../events';
import { parseModelRef, type TackSettings } from '../config/settings';
import type { KeySource, Logger } from '../ports';
import { resolveEndpoint } from '../providers/registry';
import type { ProviderRequest, ToolDefinition } from '../providers/request';
import { resolveKey } from '../providers/keys';
import type { FetchFn } from '../net/timed-fetch';
import { priceUsage } from '../ledger/cost';
import type { TurnOptions, TurnTarget } from './turn-options';

/** The provider call, injectable so the loop is tested without HTTP. */
export type StreamFn = (req: ProviderRequest) => AsyncIterable<StreamEvent>;

/**
 * Told about each request just before it is sent (the request inspector, `--show-requests`): may return the fetch
 * to send it with (one that records it) and a callback for the usage the provider reports for it. Must not throw.
 */
export type RequestHook = (r: {
  step: number;
  target: TurnTarget;
  system: string;
  messages: readonly TranscriptMessage[];
  tools?: readonly ToolDefinition[];
}) => { fetch?: FetchFn; usage?(u: Usage): void } | undefined;

export type ResolveResult = { target: TurnTarget } | { error: Extract<StreamEvent, { type: 'error' }> };

export function resolveTarget(settings: TackSettings, modelRef: string): ResolveResult {
  const ref = parseModelRef(modelRef);
  if ('error' in ref) return { error: { type: 'error', kind: 'config', message: ref.error } };
  const ep = resolveEndpoint(settings, ref.providerId);
  if ('error' in ep) return { error: { type: 'error', kind: 'config', message: ep.error } };
  return { target: { modelRef: `${ref.providerId}/${ref.modelId}`, modelId: ref.modelId, endpoint: ep.endpoint } };
}

export interface StepInput {
  settings: TackSettings;
  modelRef: string;
  turn: TurnOptions;
  keys: KeySource;
  log: Logger;
  system: string;
  /** The transcript to send (without the answer being written). */
  messages: readonly TranscriptMessage[];
  tools?: readonly ToolDefinition[];
  /** Session totals before this step, for the profile's budget check. */
  totals: Parameters<NonNullable<TurnOptions['check']>>[1];
  signal: AbortSignal;
  stream: StreamFn;
  fetch?: FetchFn;
  /** The target a step resolved to, as soon as it is known (for `step_start`). */
  onTarget?(target: TurnTarget): void;
  step?: number;
  request?: RequestHook;
}

/** Streams one answer into `answer` (mutated as events arrive) and yields every event. */
export async function* runStep(i: StepInput, answer: AssistantMessage): AsyncGenerator<StreamEvent> {
  const tried: string[] = [];
  for (let ref = i.modelRef; ;) {
    tried.push(ref);
    let failed: Extract<StreamEvent, { type: 'error' }> | undefined;
    for await (const ev of attempt(i, ref, answer)) {
      if (ev.type === 'error') failed = ev;
      else yield ev;
    }
    if (!failed) return;
    const next = !i.signal.aborted && !answer.text && !answer.toolCalls?.length ? i.turn.fallback?.(failed.kind, tried) : undefined;
    if (!next) { yield failed; return; }
    yield { type: 'retry', attempt: tried.length + 1, maxAttempts: tried.length + 1, waitMs: 0, kind: failed.kind, message: `${ref} failed: ${failed.message} Falling back to ${next} (the profile's fallbackModels).` };
    delete answer.interrupted;
    answer.model = next;
    ref = next;
  }
}

async function* attempt(i: StepInput, modelRef: string, answer: AssistantMessage): AsyncGenerator<StreamEvent> {
  const fail = (ev: Extract<StreamEvent, { type: 'error' }>) => {
    answer.interrupted = { kind: ev.kind, message: ev.message };
    return ev;
  };
  const resolved = resolveTarget(i.settings, modelRef);
  if ('error' in resolved) { yield fail(resolved.error); return; }
  const { target } = resolved;
  answer.model = target.modelRef;
  i.onTarget?.(target);
  const refused = i.turn.check?.(target, i.totals);
  if (refused) { yield fail(refused); return; }
  const options = i.turn.options ? await i.turn.options(target) : undefined;
  const price = i.turn.price?.(target);
  const { apiKey, keyWithheld } = await resolveKey(target.endpoint, i.keys, i.log);
  const hooked = i.request?.({ step: i.step ?? 1, target, system: i.system, messages: i.messages, ...(i.tools ? { tools: i.tools } : {}) });
  const stream = i.stream({
    endpoint: target.endpoint,
    modelId: target.modelId,
    apiKey,
    ...(keyWithheld ? { keyWithheld } : {}),
    system: i.system,
    messages: i.messages,
    ...(i.tools?.length ? { tools: i.tools } : {}),
    signal: i.signal,
    network: i.settings.network,
    log: i.log,
    fetch: hooked?.fetch ?? i.fetch,
    ...(options ? { options } : {}),
  });
  for await (const raw of stream) {
    // A provider that reported no cost gets the price table's (never an invented one: unknown stays null).
    const ev: StreamEvent = raw.type === 'usage'
      ? (raw.usage.costUsd === null && price ? { ...raw, ...priceUsage(raw.usage, price) } : { ...raw, costSource: raw.usage.costUsd === null ? 'unknown' : 'provider' })
      : raw;
    switch (ev.type) {
      case 'text': answer.text += ev.delta; break;
      case 'reasoning': answer.reasoning = (answer.reasoning ?? '') + ev.delta; break;
      case 'reasoning_end': (answer.reasoningBlocks ??= []).push(ev.block); break;
      case 'tool_call_end': (answer.toolCalls ??= []).push({ id: ev.id, name: ev.name, args: ev.args }); break;
      case 'usage':
        answer.usage = answer.usage ? addUsage(answer.usage, ev.usage) : ev.usage;
        hooked?.usage?.(ev.usage);
        break;
      case 'error': answer.interrupted = { kind: ev.kind, message: ev.message }; break;
    }
    yield ev;
  }
}
