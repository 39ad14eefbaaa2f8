/**
 * Anthropic Messages dialect through `@anthropic-ai/sdk` (and the Bedrock / Vertex clients): text, extended
 * thinking with signatures, redacted thinking, tool_use with streamed `input_json_delta`, usage with cache reads
 * and writes, `ping` (skipped by the SDK) and `error` events mid-stream. Must not throw: failures end the stream
 * with one `error` event. One attempt only: retries happen around it (retry.ts).
 */
import type { ReasoningBlock } from '../conversation';
import { emptyUsage, type StopReason, type StreamEvent, type Usage } from '../events';
import { fetchLimitHit, type TimedFetchState } from '../net/timed-fetch';
import { requestSecrets } from './redact';
import { lookupModel } from '../models/catalog';
import { toAnthropicInput } from './anthropic-input';
import { classifyError, type ClientFailure } from './errors';
import { ChunkStream } from './chunk-stream';
import type { ProviderRequest } from './request';
import { anthropicClient, loadAnthropic } from './sdk-clients';

function mapStop(reason: unknown): StopReason {
  switch (reason) {
    case 'end_turn': case 'stop_sequence': case 'pause_turn': return 'stop';
    case 'max_tokens': case 'model_context_window_exceeded': return 'length';
    case 'tool_use': return 'tool_calls';
    case 'refusal': return 'content_filter';
    default: return 'unknown';
  }
}

type Block =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; index: number; id: string; name: string; args: string; done: boolean }
  | { kind: 'other' };

/**
 * Normalizes Messages stream events. Usage: `message_start` gives input and cache counts, `message_delta` the
 * final output count (and, on newer servers, final input counts). `input` excludes cache reads and writes, as
 * Anthropic reports it.
 */
export class AnthropicNormalizer {
  private readonly blocks = new Map<number, Block>();
  private readonly tools: Array<Extract<Block, { kind: 'tool' }>> = [];
  private readonly usage: Usage = emptyUsage();
  private sawUsage = false;
  stopReason: unknown;
  stopped = false;

  push(ev: any, out: StreamEvent[]): void {
    switch (ev.type) {
      case 'message_start':
        this.addUsage(ev.message?.usage);
        break;
      case 'content_block_start': {
        const b = ev.content_block ?? {};
        let block: Block;
        if (b.type === 'text') {
          block = { kind: 'text' };
          if (b.text) out.push({ type: 'text', delta: b.text });
        } else if (b.type === 'thinking') {
          block = { kind: 'thinking', text: b.thinking ?? '', signature: b.signature ?? '' };
          if (b.thinking) out.push({ type: 'reasoning', delta: b.thinking });
        } else if (b.type === 'redacted_thinking') {
          block = { kind: 'redacted', data: b.data ?? '' };
        } else if (b.type === 'tool_use') {
          const t = { kind: 'tool' as const, index: this.tools.length, id: b.id, name: b.name, args: '', done: false };
          this.tools.push(t);
          block = t;
          out.push({ type: 'tool_call_start', index: t.index, id: t.id, name: t.name });
        } else {
          block = { kind: 'other' };
        }
        this.blocks.set(ev.index, block);
        break;
      }
      case 'content_block_delta': {
        const block = this.blocks.get(ev.index);
        const d = ev.delta ?? {};
        if (d.type === 'text_delta' && d.text) out.push({ type: 'text', delta: d.text });
        else if (d.type === 'thinking_delta' && block?.kind === 'thinking') {
          block.text += d.thinking;
          if (d.thinking) out.push({ type: 'reasoning', delta: d.thinking });
        } else if (d.type === 'signature_delta' && block?.kind === 'thinking') block.signature += d.signature;
        else if (d.type === 'input_json_delta' && block?.kind === 'tool' && d.partial_json) {
          block.args += d.partial_json;
          out.push({ type: 'tool_call_delta', index: block.index, argsDelta: d.partial_json });
        }
        break;
      }
      case 'content_block_stop': {
        const block = this.blocks.get(ev.index);
        if (block?.kind === 'thinking') {
          const rb: ReasoningBlock = { origin: 'anthropic', text: block.text, ...(block.signature ? { signature: block.signature } : {}) };
          out.push({ type: 'reasoning_end', block: rb });
        } else if (block?.kind === 'redacted') {
          out.push({ type: 'reasoning_end', block: { origin: 'anthropic', text: '', redacted: block.data } });
        } else if (block?.kind === 'tool') {
          block.done = true;
        }
        break;
      }
      case 'message_delta':
        if (ev.delta?.stop_reason) this.stopReason = ev.delta.stop_reason;
        this.addUsage(ev.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  /** Counts are cumulative: later events replace earlier ones. */
  private addUsage(u: any): void {
    if (!u) return;
    this.sawUsage = true;
    if (typeof u.input_tokens === 'number') this.usage.input = u.input_tokens;
    if (typeof u.output_tokens === 'number') this.usage.output = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number') this.usage.cacheRead = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') this.usage.cacheWrite = u.cache_creation_input_tokens;
  }

  pendingUsage(): Usage | undefined {
    return this.sawUsage ? this.usage : undefined;
  }

  /** Only a message that reached `message_stop` is complete; returns false otherwise. */
  finish(out: StreamEvent[]): boolean {
    if (!this.stopped) return false;
    for (const t of this.tools) if (t.done) out.push({ type: 'tool_call_end', index: t.index, id: t.id, name: t.name, args: t.args || '{}' });
    if (this.sawUsage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'done', stopReason: mapStop(this.stopReason) });
    return true;
  }
}

const BUDGET = { low: 2048, medium: 8192, high: 24576 } as const;

/** Bedrock / Vertex model ids (`us.anthropic.claude-…-v1:0`, `claude-…@2025…`) reduced to the catalog's names. */
function catalogId(modelId: string): string {
  return modelId.replace(/^([a-z]{2,4}\.)?anthropic\./, '').replace(/-v\d+(:\d+)?$/, '').replace(/@.*$/, '');
}

export function anthropicBody(req: ProviderRequest): Record<string, unknown> {
  const o = req.options ?? {};
  const input = toAnthropicInput(req.system, req.messages, req.tools);
  const known = lookupModel('anthropic', catalogId(req.modelId))?.maxOutput;
  // A profile's maxOutputTokens is capped by the model's known limit (the API would refuse more).
  let maxTokens = o.maxOutputTokens !== undefined ? Math.min(o.maxOutputTokens, known ?? o.maxOutputTokens) : Math.min(known ?? 8192, 16_384);
  let budget = o.reasoning && o.reasoning !== 'off' && input.thinkingAllowed ? BUDGET[o.reasoning] : 0;
  if (budget && o.maxOutputTokens === undefined) maxTokens = Math.min(known ?? 64_000, Math.max(maxTokens, budget + 8192));
  if (budget >= maxTokens) budget = maxTokens - 2048;
  if (budget < 1024) budget = 0;
  if (o.reasoning && o.reasoning !== 'off' && !input.thinkingAllowed) {
    req.log.info(`[${req.endpoint.id}] thinking left off for this request: the turn continues from an answer without Anthropic thinking`);
  }
  const body: Record<string, unknown> = {
    model: req.modelId,
    max_tokens: maxTokens,
    messages: input.messages,
    stream: true,
  };
  if (input.system) body.system = input.system;
  if (input.tools) body.tools = input.tools;
  if (budget) body.thinking = { type: 'enabled', budget_tokens: budget };
  // With thinking on, the API accepts no temperature and top_p only from 0.95 up.
  if (o.temperature !== undefined && !budget) body.temperature = o.temperature;
  if (o.topP !== undefined && (!budget || o.topP >= 0.95)) body.top_p = o.topP;
  return body;
}

/** One Messages attempt as a stream of events (no retries: see retry.ts). Never throws. */
export function streamAnthropic(req: ProviderRequest): AsyncIterableIterator<StreamEvent> {
  const state: TimedFetchState = {};
  const n = new AnthropicNormalizer();
  const secrets = requestSecrets(req.apiKey, req.endpoint.type);
  const ctx = () => ({ endpoint: req.endpoint, modelId: req.modelId, state, aborted: req.signal.aborted, sentKey: !!req.apiKey, keyWithheld: req.keyWithheld, secrets });
  return new ChunkStream<unknown>({
    open: async () => {
      const client = await anthropicClient({ ...req, state });
      return await client.messages.create(anthropicBody(req) as never, { signal: req.signal }) as unknown as AsyncIterable<unknown>;
    },
    push: (ev, out) => { n.push(ev, out); },
    onContent: () => state.contentArrived?.(),
    end: out => {
      if (req.signal.aborted || fetchLimitHit(state)) out.push(classifyError(undefined, ctx()));
      else if (!n.finish(out)) {
        out.push({ type: 'error', kind: 'network', message: `The stream from ${req.endpoint.label} ended before message_stop. The partial answer is kept; any unfinished tool call is not run. Retry.` });
      }
    },
    fail: async err => {
      const usage = n.pendingUsage();
      const ev = classifyError(err, { ...ctx(), failure: await failureOf(err) });
      if (ev.detail) req.log.error(`[${req.endpoint.id}] ${ev.kind}: ${ev.detail}`);
      return usage ? [{ type: 'usage', usage }, ev] : [ev];
    },
  });
}

async function failureOf(err: unknown): Promise<ClientFailure> {
  const sdk = await loadAnthropic().catch(() => undefined);
  if (!sdk) return 'other';
  if (err instanceof sdk.APIUserAbortError) return 'abort';
  if (err instanceof sdk.APIConnectionError) return 'connection';
  if (err instanceof sdk.APIError) return 'api';
  return 'other';
}
