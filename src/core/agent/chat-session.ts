/**
 * One conversation and the running of its turns, shared by the panel and the CLI. The transcript survives every
 * failure: a failed turn keeps the user's message and whatever text arrived, marked with the error.
 * Providers never throw, so neither does a turn: it yields StreamEvents and ends with `done` or `error`.
 */
import type { AssistantMessage, ChatMessage } from '../conversation';
import { addUsage, emptyUsage, type StreamEvent, type Usage } from '../events';
import { parseModelRef, type TackSettings } from '../config/settings';
import type { KeySource, Logger } from '../ports';
import { resolveEndpoint, type Endpoint } from '../providers/registry';
import { streamResponse } from '../providers/stream';
import type { FetchFn } from '../net/timed-fetch';

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
  send(text: string, settings: TackSettings, modelRef: string, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    this.messages.push({ role: 'user', text });
    return this.runTurn(settings, modelRef, signal);
  }

  /** Re-runs the last user message, dropping the failed answer after it. False when there is nothing to retry. */
  canRetry(): boolean {
    return this.lastUserIndex() >= 0;
  }

  retry(settings: TackSettings, modelRef: string, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const i = this.lastUserIndex();
    this.messages.splice(i + 1);
    return this.runTurn(settings, modelRef, signal);
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
      if (m.role === 'assistant' && !m.text) continue;
      out.push(m);
    }
    return out;
  }

  private async *runTurn(settings: TackSettings, modelRef: string, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const resolved = resolveTarget(settings, modelRef);
    const answer: AssistantMessage = { role: 'assistant', text: '', model: modelRef };
    this.messages.push(answer);
    if ('error' in resolved) {
      answer.interrupted = { kind: resolved.error.kind, message: resolved.error.message };
      yield resolved.error;
      return;
    }
    const { target } = resolved;
    answer.model = target.modelRef;
    // A key is looked up by provider id only, so it can only ever go to that provider's endpoint.
    const apiKey = await this.deps.keys.getKey(target.endpoint.id);
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
      system,
      messages: this.requestMessages(),
      signal,
      network: settings.network,
      log: this.deps.log,
      fetch: this.deps.fetch,
    });
    for await (const ev of stream) {
      switch (ev.type) {
        case 'text': answer.text += ev.delta; break;
        case 'reasoning': answer.reasoning = (answer.reasoning ?? '') + ev.delta; break;
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
