/**
 * Ollama's native `/api/chat` dialect (NDJSON), used instead of its OpenAI-compatible `/v1` because only the native
 * API takes `options.num_ctx`: without it Ollama runs at a small default context and truncates silently.
 * Text, `thinking`, tool calls (Ollama sends each call whole, with arguments as an object), usage from
 * prompt_eval_count / eval_count, `{"error"}` lines mid-stream. Must not throw: failures end the stream with one
 * `error` event. One attempt only: retries happen around it (retry.ts).
 */
import { randomUUID } from 'node:crypto';
import type { TranscriptMessage } from '../conversation';
import { emptyUsage, type StopReason, type StreamEvent, type Usage } from '../events';
import { createTimedFetch, fetchLimitHit, type TimedFetchState } from '../net/timed-fetch';
import { classifyError, HttpError, StreamFailure } from './errors';
import { redactSecrets, requestSecrets } from './redact';
import { ChunkStream } from './chunk-stream';
import type { ProviderRequest } from './request';
import { argsObject, wellFormed } from './transcript';

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  tool_calls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
  tool_name?: string;
}

/** Ollama pairs results with calls by position and tool name; ids stay in Tack's transcript. Reasoning is not sent back. */
export function toOllamaMessages(system: string | undefined, messages: readonly TranscriptMessage[]): OllamaMessage[] {
  const out: OllamaMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of wellFormed(messages)) {
    const images = m.role !== 'assistant' && m.images?.length ? { images: m.images.map(i => i.data) } : {};
    if (m.role === 'user') out.push({ role: 'user', content: m.text, ...images });
    else if (m.role === 'tool') out.push({ role: 'tool', content: m.isError && !m.text.startsWith('Error') ? `Error: ${m.text}` : m.text, tool_name: m.name, ...images });
    else {
      const calls = m.toolCalls ?? [];
      out.push({ role: 'assistant', content: m.text, ...(calls.length ? { tool_calls: calls.map(c => ({ function: { name: c.name, arguments: argsObject(c) } })) } : {}) });
    }
  }
  return out;
}

export function ollamaBody(req: ProviderRequest): Record<string, unknown> {
  const o = req.options ?? {};
  const options: Record<string, unknown> = {};
  if (o.numCtx !== undefined) options.num_ctx = o.numCtx;
  if (o.temperature !== undefined) options.temperature = o.temperature;
  if (o.topP !== undefined) options.top_p = o.topP;
  // Never more tokens than the context holds: a profile's huge maxOutputTokens must not reach the server as is.
  if (o.maxOutputTokens !== undefined) options.num_predict = o.numCtx !== undefined ? Math.min(o.maxOutputTokens, o.numCtx) : o.maxOutputTokens;
  return {
    model: req.modelId,
    messages: toOllamaMessages(req.system, req.messages),
    stream: true,
    ...(req.tools?.length ? { tools: req.tools.map(t => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
    ...(o.reasoning ? { think: o.reasoning !== 'off' } : {}),
    ...(Object.keys(options).length ? { options } : {}),
  };
}

function mapStop(reason: unknown, calls: number): StopReason {
  if (calls > 0) return 'tool_calls';
  return reason === 'stop' ? 'stop' : reason === 'length' ? 'length' : 'unknown';
}

interface Call { index: number; id: string; name: string; args: string }

/** Normalizes `/api/chat` lines; returns a StreamFailure when the line reports an error. */
export class OllamaNormalizer {
  private readonly calls: Call[] = [];
  private usage: Usage | undefined;
  private reason: unknown;
  done = false;

  push(line: any, out: StreamEvent[]): StreamFailure | undefined {
    if (typeof line?.error === 'string') return new StreamFailure(line.error);
    const m = line?.message;
    if (m) {
      if (typeof m.thinking === 'string' && m.thinking) out.push({ type: 'reasoning', delta: m.thinking });
      if (typeof m.content === 'string' && m.content) out.push({ type: 'text', delta: m.content });
      for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
        const args = typeof tc?.function?.arguments === 'string' ? tc.function.arguments : JSON.stringify(tc?.function?.arguments ?? {});
        const call: Call = { index: this.calls.length, id: typeof tc?.id === 'string' && tc.id ? tc.id : `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`, name: String(tc?.function?.name ?? ''), args };
        this.calls.push(call);
        out.push({ type: 'tool_call_start', index: call.index, id: call.id, name: call.name });
        out.push({ type: 'tool_call_delta', index: call.index, argsDelta: args });
      }
    }
    if (line?.done === true) {
      this.done = true;
      this.reason = line.done_reason;
      const u = emptyUsage();
      u.input = Number(line.prompt_eval_count) || 0;
      u.output = Number(line.eval_count) || 0;
      this.usage = u;
    }
    return undefined;
  }

  /** Only a stream that sent its `done: true` line is complete; returns false otherwise. */
  finish(out: StreamEvent[]): boolean {
    if (!this.done) return false;
    for (const c of this.calls) out.push({ type: 'tool_call_end', index: c.index, id: c.id, name: c.name, args: c.args });
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'done', stopReason: mapStop(this.reason, this.calls.length) });
    return true;
  }
}

/**
 * Splits a byte stream into lines; a line that is not JSON throws a SyntaxError after logging its raw text.
 * Each chunk is scanned once: the unfinished line is kept as a list of pieces and joined only when its line break
 * arrives, so a long line costs O(length), not O(length²). (The timed fetch caps how long a line may get.)
 */
export async function* ndjson(body: ReadableStream<Uint8Array>, onBadLine: (raw: string) => void): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  const parse = (raw: string) => {
    try {
      return JSON.parse(raw);
    } catch (err) {
      onBadLine(raw);
      throw err;
    }
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(chunk, { stream: true });
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) >= 0) {
      pending.push(text.slice(from, nl));
      const raw = (pending.length === 1 ? pending[0] : pending.join('')).trim();
      pending = [];
      from = nl + 1;
      if (raw) yield parse(raw);
    }
    if (from < text.length) pending.push(text.slice(from));
  }
  const rest = (pending.join('') + decoder.decode()).trim();
  if (rest) yield parse(rest);
}

function errorText(body: string): string {
  try {
    const v = JSON.parse(body);
    if (typeof v?.error === 'string') return v.error;
    if (typeof v?.error?.message === 'string') return v.error.message;
  } catch { /* not JSON: use the text itself */ }
  return body.slice(0, 300);
}

/** One /api/chat attempt as a stream of events (no retries: see retry.ts). Never throws. */
export function streamOllama(req: ProviderRequest): AsyncIterableIterator<StreamEvent> {
  const state: TimedFetchState = {};
  const n = new OllamaNormalizer();
  const secrets = requestSecrets(req.apiKey, req.endpoint.type);
  const ctx = () => ({ endpoint: req.endpoint, modelId: req.modelId, state, aborted: req.signal.aborted, sentKey: !!req.apiKey, keyWithheld: req.keyWithheld, secrets });
  return new ChunkStream<unknown>({
    open: async () => {
      // Ollama sends its headers only once the model is loaded, which can take longer than a connect timeout: the
      // first-token timeout bounds that wait instead.
      const f = createTimedFetch({ ...req.network, connectTimeoutMs: Math.max(req.network.connectTimeoutMs, req.network.firstTokenTimeoutMs ?? 0), fetch: req.fetch }, state);
      const res = await f(`${req.endpoint.baseUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}) },
        body: JSON.stringify(ollamaBody(req)),
        signal: req.signal,
      });
      if (!res.ok) throw new HttpError(res.status, errorText(await res.text().catch(() => '')), res.headers);
      if (!res.body) throw new StreamFailure('The server answered without a body.');
      return ndjson(res.body, raw => req.log.error(redactSecrets(`[${req.endpoint.id}] bad_response: ${raw.slice(0, 500)}`, secrets)));
    },
    push: (line, out) => n.push(line, out),
    onContent: () => state.contentArrived?.(),
    end: out => {
      if (req.signal.aborted || fetchLimitHit(state)) out.push(classifyError(undefined, ctx()));
      else if (!n.finish(out)) out.push({ type: 'error', kind: 'network', message: `The stream from ${req.endpoint.label} ended before its last line. The partial answer is kept; retry.` });
    },
    fail: async err => {
      const e = err as { name?: string; cause?: unknown };
      const failure = e.name === 'TypeError' || (e.cause && e.name !== 'HttpError') ? 'connection' : undefined;
      return [classifyError(err, { ...ctx(), failure })];
    },
  });
}
