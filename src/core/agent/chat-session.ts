/**
 * One conversation and the running of its turns, shared by the panel and the CLI. The transcript survives every
 * failure: a failed turn keeps the user's message and whatever text arrived, marked with the error.
 * Providers never throw, so neither does a turn: it yields StreamEvents and ends with `done` or `error`.
 */
import type { AssistantMessage, ChatMessage } from '../conversation';
import { addUsage, emptyUsage, type ErrorKind, type StreamEvent, type Usage } from '../events';
import { parseModelRef, type TackSettings } from '../config/settings';
import type { KeySource, Logger } from '../ports';
import { resolveEndpoint, type Endpoint } from '../providers/registry';
import { streamResponse } from '../providers/stream';
import type { FetchFn } from '../net/timed-fetch';
import type { RequestOptions, ToolDefinition } from '../providers/request';
import { resolveKey } from '../providers/keys';
import type { Price } from '../models/types';
import { priceUsage } from '../ledger/cost';

export interface ChatSessionDeps {
  keys: KeySource;
  log: Logger;
  /** Read when a turn starts (prompts are files loaded at run time). */
  systemPrompt: () => Promise<string>;
  fetch?: FetchFn;
}

/** Resolved target of a turn, for display (session events, status bar). */
export interface TurnTarget {
  modelRef: string;
  modelId: string;
  endpoint: Endpoint;
}

/**
 * Per-turn hooks a host fills from the active profile (profiles/apply.ts, profiles/policy.ts). All optional: a
 * turn without them behaves as before.
 */
export interface TurnOptions {
  /** Request options for the resolved target (sampling, Ollama's num_ctx, OpenRouter routing). Must not throw. */
  options?: (target: TurnTarget) => RequestOptions | Promise<RequestOptions>;
  /**
   * Runs after the target is resolved and before anything is sent (allowedProviders, budget). An error event
   * returned here ends the turn without a request.
   */
  check?: (target: TurnTarget, totals: Usage) => Extract<StreamEvent, { type: 'error' }> | undefined;
  /** The target's price, for responses whose provider reported no cost; unknown → the cost stays null. */
  price?: (target: TurnTarget) => Price | undefined;
  /** The model to try after `failedKind` ended an attempt before any output; undefined: no fallback (the error stands). */
  fallback?: (failedKind: ErrorKind, tried: readonly string[]) => string | undefined;
  /** Tools the model may call in this turn. Tack records the calls on the answer; running them is the agent loop's job. */
  tools?: readonly ToolDefinition[];
}

export type ResolveResult = { target: TurnTarget } | { error: Extract<StreamEvent, { type: 'error' }> };

export function resolveTarget(settings: TackSettings, modelRef: string): ResolveResult {
  const ref = parseModelRef(modelRef);
  if ('error' in ref) return { error: { type: 'error', kind: 'config', message: ref.error } };
  const ep = resolveEndpoint(settings, ref.providerId);
  if ('error' in ep) return { error: { type: 'error', kind: 'config', message: ep.error } };
  return { target: { modelRef: `${ref.providerId}/${ref.modelId}`, modelId: ref.modelId, endpoint: ep.endpoint } };
}

export class ChatSession {
  readonly messages: ChatMessage[] = [];
  totals: Usage = emptyUsage();

  constructor(private readonly deps: ChatSessionDeps) {}

  /** Appends the user's message and runs a turn. */
  send(text: string, settings: TackSettings, modelRef: string, signal: AbortSignal, turn?: TurnOptions): AsyncGenerator<StreamEvent> {
    this.messages.push({ role: 'user', text });
    return this.runTurn(settings, modelRef, signal, turn);
  }

  /** Re-runs the last user message, dropping the failed answer after it. False when there is nothing to retry. */
  canRetry(): boolean {
    return this.lastUserIndex() >= 0;
  }

  retry(settings: TackSettings, modelRef: string, signal: AbortSignal, turn?: TurnOptions): AsyncGenerator<StreamEvent> {
    const i = this.lastUserIndex();
    this.messages.splice(i + 1);
    return this.runTurn(settings, modelRef, signal, turn);
  }

  clear(): void {
    this.messages.length = 0;
    this.totals = emptyUsage();
  }

  private lastUserIndex(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].role === 'user') return i;
    return -1;
  }

  /** The history a provider gets: turns that failed without any answer are left out, so the next request stays well formed. */
  requestMessages(): ChatMessage[] {
    const out: ChatMessage[] = [];
    for (let i = 0; i < this.messages.length; i++) {
      const m = this.messages[i];
      const next = this.messages[i + 1];
      if (m.role === 'user' && next?.role === 'assistant' && next.interrupted && !next.text) { i++; continue; }
      if (m.role === 'assistant' && !m.text && !m.toolCalls?.length) continue;
      out.push(m);
    }
    return out;
  }

  /**
   * One answer: the chosen model, then — when it fails with an error the profile's fallbackModels cover (rate limit,
   * server) before any output — the next fallback, announced with a `retry` event. A partial answer is never
   * continued on another model.
   */
  private async *runTurn(settings: TackSettings, modelRef: string, signal: AbortSignal, turn?: TurnOptions): AsyncGenerator<StreamEvent> {
    const answer: AssistantMessage = { role: 'assistant', text: '', model: modelRef };
    this.messages.push(answer);
    const tried: string[] = [];
    // Runs at least once, also for an empty model reference (which then fails with its config error).
    for (let ref = modelRef; ;) {
      tried.push(ref);
      let failed: Extract<StreamEvent, { type: 'error' }> | undefined;
      for await (const ev of this.attempt(settings, ref, signal, answer, turn)) {
        if (ev.type === 'error') failed = ev;
        else yield ev;
      }
      if (!failed) return;
      const next = !signal.aborted && !answer.text && !answer.toolCalls?.length ? turn?.fallback?.(failed.kind, tried) : undefined;
      if (!next) { yield failed; return; }
      yield { type: 'retry', attempt: tried.length + 1, maxAttempts: tried.length + 1, waitMs: 0, kind: failed.kind, message: `${ref} failed: ${failed.message} Falling back to ${next} (the profile's fallbackModels).` };
      delete answer.interrupted;
      answer.model = next;
      ref = next;
    }
  }

  private async *attempt(settings: TackSettings, modelRef: string, signal: AbortSignal, answer: AssistantMessage, turn?: TurnOptions): AsyncGenerator<StreamEvent> {
    const resolved = resolveTarget(settings, modelRef);
    if ('error' in resolved) {
      answer.interrupted = { kind: resolved.error.kind, message: resolved.error.message };
      yield resolved.error;
      return;
    }
    const { target } = resolved;
    answer.model = target.modelRef;
    const refused = turn?.check?.(target, this.totals);
    if (refused) {
      answer.interrupted = { kind: refused.kind, message: refused.message };
      yield refused;
      return;
    }
    const options = turn?.options ? await turn.options(target) : undefined;
    const price = turn?.price?.(target);
    const { apiKey, keyWithheld } = await resolveKey(target.endpoint, this.deps.keys, this.deps.log);
    let system: string;
    try {
      system = await this.deps.systemPrompt();
    } catch (err) {
      const ev = { type: 'error', kind: 'config', message: `The system prompt could not be read: ${(err as Error).message}` } as const;
      answer.interrupted = { kind: ev.kind, message: ev.message };
      yield ev;
      return;
    }
    const stream = streamResponse({
      endpoint: target.endpoint,
      modelId: target.modelId,
      apiKey,
      ...(keyWithheld ? { keyWithheld } : {}),
      system,
      messages: this.requestMessages(),
      ...(turn?.tools?.length ? { tools: turn.tools } : {}),
      signal,
      network: settings.network,
      log: this.deps.log,
      fetch: this.deps.fetch,
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
          this.totals = addUsage(this.totals, ev.usage);
          break;
        case 'error': answer.interrupted = { kind: ev.kind, message: ev.message }; break;
      }
      yield ev;
    }
  }
}
