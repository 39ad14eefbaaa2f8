/**
 * OpenAI Chat Completions dialect (OpenAI-compatible servers: vLLM, LM Studio, llama.cpp, OpenRouter, DeepSeek, …,
 * and Azure OpenAI), through the official `openai` package. Streams with `stream_options.include_usage` and
 * normalizes every chunk into Tack's StreamEvent. Must not throw: failures end the stream with one `error` event.
 * One attempt only: retries happen around it (retry.ts).
 */
import { randomUUID } from 'node:crypto';
import { emptyUsage, type StopReason, type StreamEvent, type Usage } from '../events';
import { fetchLimitHit, type TimedFetchState } from '../net/timed-fetch';
import { classifyError, type ClientFailure } from './errors';
import { requestSecrets } from './redact';
import { toChatMessages, toChatTools } from './openai-chat-input';
import { ChunkStream } from './chunk-stream';
import type { ProviderRequest } from './request';
import { loadOpenAI, openaiClient } from './sdk-clients';
import { ID_RULES } from './transcript';

export { toChatMessages, type WireMessage } from './openai-chat-input';

function mapStop(reason: unknown): StopReason {
  switch (reason) {
    case 'stop': case 'end_turn': return 'stop';
    case 'length': return 'length';
    case 'tool_calls': case 'function_call': return 'tool_calls';
    case 'content_filter': return 'content_filter';
    default: return 'unknown';
  }
}

/**
 * Usage as reported. `input` counts prompt tokens not served from cache (prompt_tokens − cached_tokens), so
 * input + cacheRead is what the server reported as prompt_tokens; `reasoning` is part of `output`.
 * OpenRouter's reported `cost` is kept.
 */
export function usageFromChunk(u: any): Usage {
  const usage = emptyUsage();
  const cached = Number(u?.prompt_tokens_details?.cached_tokens ?? 0) || 0;
  usage.input = Math.max(0, (Number(u?.prompt_tokens) || 0) - cached);
  usage.cacheRead = cached;
  usage.cacheWrite = Number(u?.prompt_tokens_details?.cache_write_tokens ?? 0) || 0;
  usage.output = Number(u?.completion_tokens) || 0;
  usage.reasoning = Number(u?.completion_tokens_details?.reasoning_tokens ?? 0) || 0;
  usage.costUsd = typeof u?.cost === 'number' ? u.cost : null;
  return usage;
}

interface PendingToolCall { index: number; id: string; name: string; args: string; started: boolean }

function isJson(s: string): boolean {
  try { JSON.parse(s || '{}'); return true; } catch { return false; }
}

/**
 * Normalizes Chat Completions chunks. Stateful across one response: assembles tool-call arguments by index
 * (a new id at a used index starts a new call, as some servers number every call 0), keeps the latest usage
 * (some servers repeat it cumulatively) and remembers the finish reason. Tool calls are ended only by `finish()`,
 * so a stream that breaks off never yields a finished tool call.
 */
export class ChatChunkNormalizer {
  private readonly calls: PendingToolCall[] = [];
  private readonly slot = new Map<number, PendingToolCall>();
  private usage: Usage | undefined;
  /** OpenRouter names the upstream provider that served the request in each chunk's `provider` field. */
  private servedBy: string | undefined;
  finishReason: unknown;
  sawChunk = false;

  push(chunk: any, out: StreamEvent[]): void {
    this.sawChunk = true;
    if (chunk.usage) this.usage = usageFromChunk(chunk.usage);
    if (typeof chunk.provider === 'string' && chunk.provider) this.servedBy = chunk.provider;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const d = choice.delta;
    if (d) {
      const content = d.content;
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (typeof reasoning === 'string' && reasoning) out.push({ type: 'reasoning', delta: reasoning });
      if (typeof content === 'string' && content) out.push({ type: 'text', delta: content });
      if (d.tool_calls) for (const tc of d.tool_calls) this.toolDelta(tc, out);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private toolDelta(tc: any, out: StreamEvent[]): void {
    const at = typeof tc?.index === 'number' ? tc.index : 0;
    let call = this.slot.get(at);
    if (!call || (typeof tc.id === 'string' && tc.id && call.id && tc.id !== call.id && call.started)) {
      call = { index: this.calls.length, id: '', name: '', args: '', started: false };
      this.calls.push(call);
      this.slot.set(at, call);
    }
    if (typeof tc.id === 'string' && tc.id) call.id = tc.id;
    if (typeof tc.function?.name === 'string') call.name += tc.function.name;
    if (!call.started && call.name) {
      call.started = true;
      // Servers that give no id get a unique one: ids must not repeat across the conversation.
      if (!call.id) call.id = `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
      out.push({ type: 'tool_call_start', index: call.index, id: call.id, name: call.name });
      if (call.args) out.push({ type: 'tool_call_delta', index: call.index, argsDelta: call.args });
    }
    const args = tc.function?.arguments;
    if (typeof args === 'string' && args) {
      call.args += args;
      if (call.started) out.push({ type: 'tool_call_delta', index: call.index, argsDelta: args });
    }
  }

  /** Usage seen so far, for a stream that ends in an error. */
  pendingUsage(): Usage | undefined {
    return this.usage;
  }

  /**
   * Called once the stream ended without an error. Closes the tool calls and reports usage and the stop reason;
   * returns false (emitting nothing) when the answer is incomplete: neither a finish reason nor `[DONE]` arrived
   * (the connection closed mid-answer), or no finish reason and a tool call whose arguments are not complete JSON.
   * Servers that leave out only `[DONE]` but send a finish reason are complete.
   */
  finish(out: StreamEvent[], sawDone = false): boolean {
    const started = this.calls.filter(c => c.started);
    if (!this.finishReason && !sawDone) return false;
    if (!this.finishReason && started.some(c => !isJson(c.args))) return false;
    for (const c of started) out.push({ type: 'tool_call_end', index: c.index, id: c.id, name: c.name, args: c.args });
    if (this.usage) out.push({ type: 'usage', usage: this.usage, ...(this.servedBy ? { servedBy: this.servedBy } : {}) });
    const stop = mapStop(this.finishReason);
    out.push({ type: 'done', stopReason: stop === 'unknown' && started.length > 0 ? 'tool_calls' : stop });
    return true;
  }
}

function isOpenRouter(req: ProviderRequest): boolean {
  return req.endpoint.id === 'openrouter' || /(^|\.)openrouter\.ai$/.test(new URL(req.endpoint.baseUrl).hostname);
}

/** The request body: standard fields, plus OpenRouter's routing, fallbacks and reasoning switch where it applies. */
export function chatBody(req: ProviderRequest): Record<string, unknown> {
  const o = req.options ?? {};
  const azure = req.endpoint.type === 'azure-openai';
  const body: Record<string, unknown> = {
    model: req.modelId,
    messages: toChatMessages(req.system, req.messages, req.endpoint.toolIdStyle === 'mistral' ? ID_RULES.mistral : ID_RULES.chat),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (req.tools?.length) body.tools = toChatTools(req.tools);
  if (o.temperature !== undefined) body.temperature = o.temperature;
  if (o.topP !== undefined) body.top_p = o.topP;
  if (o.maxOutputTokens !== undefined) body[azure ? 'max_completion_tokens' : 'max_tokens'] = o.maxOutputTokens;
  if (azure && o.reasoning && o.reasoning !== 'off') body.reasoning_effort = o.reasoning;
  if (isOpenRouter(req)) {
    const provider = { ...(req.endpoint.routing ?? {}), ...(o.openrouterProvider ?? {}) };
    if (Object.keys(provider).length) body.provider = provider;
    const models = o.openrouterModels ?? req.endpoint.fallbackModels;
    if (models?.length) body.models = models;
    if (o.reasoning) body.reasoning = o.reasoning === 'off' ? { enabled: false } : { effort: o.reasoning };
    body.usage = { include: true };
  }
  return body;
}

/** The SSE line that ends a Chat Completions stream (the timed fetch matches it at the start of a line). */
const DONE_MARKER = 'data: [DONE]';

/** One Chat Completions attempt as a stream of events (no retries: see retry.ts). Never throws. */
export function streamOpenAIChat(req: ProviderRequest): AsyncIterableIterator<StreamEvent> {
  const state: TimedFetchState = {};
  const n = new ChatChunkNormalizer();
  const secrets = requestSecrets(req.apiKey, req.endpoint.type);
  return new ChunkStream<unknown>({
    open: async () => {
      const client = await openaiClient({ ...req, state, doneMarker: DONE_MARKER });
      return await client.chat.completions.create(chatBody(req) as never, { signal: req.signal }) as unknown as AsyncIterable<unknown>;
    },
    push: (chunk, out) => { n.push(chunk, out); },
    onContent: () => state.contentArrived?.(),
    end: out => {
      if (req.signal.aborted || fetchLimitHit(state)) {
        out.push(classifyError(undefined, { endpoint: req.endpoint, modelId: req.modelId, state, aborted: req.signal.aborted, secrets }));
      } else if (!n.sawChunk) {
        out.push({ type: 'error', kind: 'bad_response', message: `${req.endpoint.label} ended the stream without sending anything. Check that baseUrl points at an OpenAI-compatible API.` });
      } else if (!n.finish(out, !!state.sawDoneMarker)) {
        const what = n.finishReason ? 'in the middle of a tool call' : 'before the answer was complete (no finish_reason, no [DONE])';
        out.push({ type: 'error', kind: 'network', message: `The stream from ${req.endpoint.label} ended ${what}. The partial answer is kept; any incomplete tool call is not run. Retry.` });
      }
    },
    fail: async err => {
      const usage = n.pendingUsage();
      const ev = classifyError(err, { endpoint: req.endpoint, modelId: req.modelId, state, aborted: req.signal.aborted, failure: await failureOf(err), sentKey: !!req.apiKey, keyWithheld: req.keyWithheld, secrets });
      if (ev.detail) req.log.error(`[${req.endpoint.id}] ${ev.kind}: ${ev.detail}`);
      return usage ? [{ type: 'usage', usage }, ev] : [ev];
    },
  });
}

export async function failureOf(err: unknown): Promise<ClientFailure> {
  const { default: OpenAI } = await loadOpenAI().catch(() => ({ default: undefined }));
  if (!OpenAI) return 'other';
  if (err instanceof OpenAI.APIUserAbortError) return 'abort';
  if (err instanceof OpenAI.APIConnectionError) return 'connection';
  if (err instanceof OpenAI.APIError) return 'api';
  return 'other';
}
