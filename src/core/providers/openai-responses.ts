/**
 * OpenAI Responses API dialect (OpenAI's own endpoint), through the official `openai` package: text deltas,
 * reasoning summaries (asked for, with the effort from RequestOptions.reasoning), function calls with streamed
 * arguments, usage with cached and reasoning tokens, and `response.failed` / `error` events. Must not throw:
 * failures end the stream with one `error` event. One attempt only: retries happen around it (retry.ts).
 */
import type { ReasoningBlock } from '../conversation';
import { emptyUsage, type StopReason, type StreamEvent, type Usage } from '../events';
import { fetchLimitHit, type TimedFetchState } from '../net/timed-fetch';
import { requestSecrets } from './redact';
import { lookupModel } from '../models/catalog';
import { classifyError, StreamFailure } from './errors';
import { failureOf } from './openai-chat';
import { toResponsesInput, toResponsesTools } from './openai-responses-input';
import { ChunkStream } from './chunk-stream';
import type { ProviderRequest } from './request';
import { openaiClient } from './sdk-clients';

export function responsesUsage(u: any): Usage {
  const usage = emptyUsage();
  const cached = Number(u?.input_tokens_details?.cached_tokens ?? 0) || 0;
  usage.input = Math.max(0, (Number(u?.input_tokens) || 0) - cached);
  usage.cacheRead = cached;
  usage.output = Number(u?.output_tokens) || 0;
  usage.reasoning = Number(u?.output_tokens_details?.reasoning_tokens ?? 0) || 0;
  return usage;
}

interface Call { index: number; id: string; name: string; args: string }

/**
 * Normalizes Responses stream events. Function calls are keyed by output_index and ended only when the
 * response completed; reasoning items end with a `reasoning_end` carrying their id and encrypted content.
 */
export class ResponsesNormalizer {
  private readonly calls = new Map<number, Call>();
  private reasoning: { id: string; text: string; parts: number } | undefined;
  private usage: Usage | undefined;
  stopReason: StopReason | undefined;
  sawEvent = false;

  /** Returns a StreamFailure when the event reports one; the caller ends the stream with it. */
  push(ev: any, out: StreamEvent[]): StreamFailure | undefined {
    this.sawEvent = true;
    switch (ev.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (ev.delta) out.push({ type: 'text', delta: ev.delta });
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (ev.delta && this.reasoning) this.reasoning.text += ev.delta;
        if (ev.delta) out.push({ type: 'reasoning', delta: ev.delta });
        break;
      case 'response.reasoning_summary_part.added':
        // Summary parts are separate paragraphs.
        if (this.reasoning && this.reasoning.parts++ > 0) {
          this.reasoning.text += '\n\n';
          out.push({ type: 'reasoning', delta: '\n\n' });
        }
        break;
      case 'response.output_item.added':
        if (ev.item?.type === 'function_call') {
          const call: Call = { index: this.calls.size, id: ev.item.call_id ?? ev.item.id, name: ev.item.name ?? '', args: ev.item.arguments ?? '' };
          this.calls.set(ev.output_index, call);
          out.push({ type: 'tool_call_start', index: call.index, id: call.id, name: call.name });
        } else if (ev.item?.type === 'reasoning') {
          this.reasoning = { id: ev.item.id, text: '', parts: 0 };
        }
        break;
      case 'response.function_call_arguments.delta': {
        const call = this.calls.get(ev.output_index);
        if (call && ev.delta) {
          call.args += ev.delta;
          out.push({ type: 'tool_call_delta', index: call.index, argsDelta: ev.delta });
        }
        break;
      }
      case 'response.function_call_arguments.done': {
        const call = this.calls.get(ev.output_index);
        if (call && typeof ev.arguments === 'string') call.args = ev.arguments;
        break;
      }
      case 'response.output_item.done':
        if (ev.item?.type === 'reasoning') {
          const summary = Array.isArray(ev.item.summary) ? ev.item.summary.map((s: any) => s.text).join('\n\n') : '';
          const block: ReasoningBlock = { origin: 'openai-responses', text: this.reasoning?.text || summary, id: ev.item.id };
          if (ev.item.encrypted_content) block.encrypted = ev.item.encrypted_content;
          out.push({ type: 'reasoning_end', block });
          this.reasoning = undefined;
        } else if (ev.item?.type === 'function_call') {
          const call = this.calls.get(ev.output_index);
          if (call && typeof ev.item.arguments === 'string') call.args = ev.item.arguments;
        }
        break;
      case 'response.completed':
      case 'response.incomplete': {
        const r = ev.response ?? {};
        if (r.usage) this.usage = responsesUsage(r.usage);
        const why = r.incomplete_details?.reason;
        this.stopReason = ev.type === 'response.completed'
          ? (this.calls.size ? 'tool_calls' : 'stop')
          : why === 'max_output_tokens' ? 'length' : why === 'content_filter' ? 'content_filter' : 'unknown';
        break;
      }
      case 'response.failed': {
        const e = ev.response?.error ?? {};
        return new StreamFailure(e.message ?? 'The response failed.', e.code ?? undefined);
      }
      case 'error':
        return new StreamFailure(ev.message ?? 'Unknown error.', ev.code ?? undefined);
    }
    return undefined;
  }

  pendingUsage(): Usage | undefined {
    return this.usage;
  }

  /** Only a response that reached `response.completed`/`incomplete` is complete; returns false otherwise. */
  finish(out: StreamEvent[]): boolean {
    if (!this.stopReason) return false;
    for (const c of this.calls.values()) out.push({ type: 'tool_call_end', index: c.index, id: c.id, name: c.name, args: c.args });
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'done', stopReason: this.stopReason });
    return true;
  }
}

/** Reasoning parameters only go to models that take them (others reject the request). */
function reasons(modelId: string): boolean {
  return lookupModel('openai', modelId)?.capabilities?.reasoning ?? /^(o\d|gpt-5|codex)/.test(modelId);
}

export function responsesBody(req: ProviderRequest): Record<string, unknown> {
  const o = req.options ?? {};
  const body: Record<string, unknown> = {
    model: req.modelId,
    input: toResponsesInput(req.messages),
    stream: true,
    store: false,
  };
  if (req.system) body.instructions = req.system;
  if (req.tools?.length) body.tools = toResponsesTools(req.tools);
  if (o.maxOutputTokens !== undefined) body.max_output_tokens = o.maxOutputTokens;
  if (o.temperature !== undefined) body.temperature = o.temperature;
  if (o.topP !== undefined) body.top_p = o.topP;
  if (reasons(req.modelId)) {
    const effort = o.reasoning === 'off' ? (/^gpt-5/.test(req.modelId) ? 'minimal' : undefined) : o.reasoning;
    body.reasoning = { ...(effort ? { effort } : {}), summary: 'auto' };
    // With store: false, reasoning can only be carried to the next request encrypted.
    body.include = ['reasoning.encrypted_content'];
  }
  return body;
}

/** One Responses attempt as a stream of events (no retries: see retry.ts). Never throws. */
export function streamOpenAIResponses(req: ProviderRequest): AsyncIterableIterator<StreamEvent> {
  const state: TimedFetchState = {};
  const n = new ResponsesNormalizer();
  const secrets = requestSecrets(req.apiKey, req.endpoint.type);
  const ctx = () => ({ endpoint: req.endpoint, modelId: req.modelId, state, aborted: req.signal.aborted, sentKey: !!req.apiKey, keyWithheld: req.keyWithheld, secrets });
  return new ChunkStream<unknown>({
    open: async () => {
      const client = await openaiClient({ ...req, state });
      return await client.responses.create(responsesBody(req) as never, { signal: req.signal }) as unknown as AsyncIterable<unknown>;
    },
    push: (ev, out) => n.push(ev, out),
    onContent: () => state.contentArrived?.(),
    end: out => {
      if (req.signal.aborted || fetchLimitHit(state)) out.push(classifyError(undefined, ctx()));
      else if (!n.finish(out)) {
        out.push({ type: 'error', kind: 'network', message: `The stream from ${req.endpoint.label} ended before the response was complete. The partial answer is kept; any unfinished tool call is not run. Retry.` });
      }
    },
    fail: async err => {
      const usage = n.pendingUsage();
      const ev = classifyError(err, { ...ctx(), failure: err instanceof StreamFailure ? undefined : await failureOf(err) });
      if (ev.detail) req.log.error(`[${req.endpoint.id}] ${ev.kind}: ${ev.detail}`);
      return usage ? [{ type: 'usage', usage }, ev] : [ev];
    },
  });
}
