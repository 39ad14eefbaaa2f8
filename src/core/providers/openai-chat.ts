/**
 * OpenAI Chat Completions dialect (OpenAI-compatible servers: Ollama's /v1, vLLM, LM Studio, llama.cpp, …),
 * through the official `openai` package. Streams with `stream_options.include_usage` and normalizes every
 * chunk into Tack's StreamEvent. Must not throw: failures end the stream with one `error` event.
 */
import type { ChatMessage } from '../conversation';
import { emptyUsage, type StopReason, type StreamEvent, type Usage } from '../events';
import { createTimedFetch, type TimedFetchState } from '../net/timed-fetch';
import { classifyError, type ClientFailure } from './errors';
import type { ProviderRequest } from './request';

type OpenAIModule = typeof import('openai');
let sdk: Promise<OpenAIModule> | undefined;
/** The SDK is loaded on first use, not when Tack activates. */
function loadSdk(): Promise<OpenAIModule> {
  sdk ??= import('openai');
  return sdk;
}

export interface WireMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Tack's transcript in Chat Completions form. Reasoning is kept in the transcript but not sent back. */
export function toChatMessages(system: string | undefined, messages: readonly ChatMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const m of messages) out.push({ role: m.role, content: m.text });
  return out;
}

function mapStop(reason: unknown): StopReason {
  switch (reason) {
    case 'stop': return 'stop';
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
  usage.output = Number(u?.completion_tokens) || 0;
  usage.reasoning = Number(u?.completion_tokens_details?.reasoning_tokens ?? 0) || 0;
  usage.costUsd = typeof u?.cost === 'number' ? u.cost : null;
  return usage;
}

interface PendingToolCall { id: string; name: string; args: string; started: boolean }

/**
 * Normalizes Chat Completions chunks. Stateful across one response: assembles tool-call arguments by index
 * and remembers the finish reason. Tool calls are ended only by `finish()`, so a stream that breaks off
 * never yields a half tool call.
 */
export class ChatChunkNormalizer {
  private readonly calls = new Map<number, PendingToolCall>();
  finishReason: unknown;
  sawChunk = false;

  push(chunk: any, out: StreamEvent[]): void {
    this.sawChunk = true;
    if (chunk?.usage) out.push({ type: 'usage', usage: usageFromChunk(chunk.usage) });
    const choice = chunk?.choices?.[0];
    if (!choice) return;
    const d = choice.delta;
    if (d) {
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (typeof reasoning === 'string' && reasoning) out.push({ type: 'reasoning', delta: reasoning });
      if (typeof d.content === 'string' && d.content) out.push({ type: 'text', delta: d.content });
      if (Array.isArray(d.tool_calls)) for (const tc of d.tool_calls) this.toolDelta(tc, out);
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private toolDelta(tc: any, out: StreamEvent[]): void {
    const index = typeof tc?.index === 'number' ? tc.index : 0;
    let call = this.calls.get(index);
    if (!call) {
      call = { id: '', name: '', args: '', started: false };
      this.calls.set(index, call);
    }
    if (typeof tc.id === 'string' && tc.id) call.id = tc.id;
    if (typeof tc.function?.name === 'string') call.name += tc.function.name;
    if (!call.started && call.name) {
      call.started = true;
      if (!call.id) call.id = `call_${index}`;
      out.push({ type: 'tool_call_start', index, id: call.id, name: call.name });
    }
    const args = tc.function?.arguments;
    if (typeof args === 'string' && args) {
      call.args += args;
      if (call.started) out.push({ type: 'tool_call_delta', index, argsDelta: args });
    }
  }

  /** Called once the stream ended normally; closes the tool calls and reports the stop reason. */
  finish(out: StreamEvent[]): void {
    for (const [index, c] of [...this.calls.entries()].sort((a, b) => a[0] - b[0])) {
      if (c.started) out.push({ type: 'tool_call_end', index, id: c.id, name: c.name, args: c.args });
    }
    const stop = mapStop(this.finishReason);
    out.push({ type: 'done', stopReason: stop === 'unknown' && this.calls.size > 0 ? 'tool_calls' : stop });
  }
}

export async function* streamOpenAIChat(req: ProviderRequest): AsyncGenerator<StreamEvent> {
  const state: TimedFetchState = {};
  const normalizer = new ChatChunkNormalizer();
  try {
    const { default: OpenAI } = await loadSdk();
    const client = new OpenAI({
      // Explicit values: the SDK would otherwise read OPENAI_BASE_URL / OPENAI_ORG_ID / … from the environment.
      baseURL: req.endpoint.baseUrl,
      apiKey: req.apiKey ?? 'unused',
      organization: null,
      project: null,
      webhookSecret: null,
      // Keyless endpoints get no Authorization header at all.
      defaultHeaders: req.apiKey ? undefined : { Authorization: null },
      maxRetries: 0,
      timeout: 24 * 3600_000, // Tack's own connect / idle timeouts apply instead
      fetch: createTimedFetch({ ...req.network, fetch: req.fetch }, state),
      logLevel: 'error',
      logger: { error: (...a: unknown[]) => req.log.error(`[${req.endpoint.id}] ${a.map(String).join(' ').slice(0, 2000)}`), warn: () => {}, info: () => {}, debug: () => {} },
    });
    const stream = await client.chat.completions.create(
      {
        model: req.modelId,
        messages: toChatMessages(req.system, req.messages),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: req.signal },
    );
    const out: StreamEvent[] = [];
    for await (const chunk of stream) {
      normalizer.push(chunk, out);
      if (out.length) {
        yield* out;
        out.length = 0;
      }
    }
    if (req.signal.aborted) {
      yield classifyError(undefined, req.endpoint, req.modelId, state, true);
      return;
    }
    if (!normalizer.sawChunk) {
      yield { type: 'error', kind: 'bad_response', message: `${req.endpoint.label} ended the stream without sending anything. Check that baseUrl points at an OpenAI-compatible API.` };
      return;
    }
    normalizer.finish(out);
    yield* out;
  } catch (err) {
    const ev = classifyError(err, req.endpoint, req.modelId, state, req.signal.aborted, await failureOf(err));
    if (ev.detail) req.log.error(`[${req.endpoint.id}] ${ev.kind}: ${ev.detail}`);
    yield ev;
  }
}

async function failureOf(err: unknown): Promise<ClientFailure> {
  const { default: OpenAI } = await loadSdk().catch(() => ({ default: undefined }));
  if (!OpenAI) return 'other';
  if (err instanceof OpenAI.APIUserAbortError) return 'abort';
  if (err instanceof OpenAI.APIConnectionError) return 'connection';
  if (err instanceof OpenAI.APIError) return 'api';
  return 'other';
}
