/**
 * A scripted model whose reported input tokens are the size of what it was sent (characters / 4, system prompt
 * included), so compaction triggers and its effect show in the numbers the way a real provider reports them.
 * Requests whose system prompt is the compaction prompt are summary requests: `summarize` answers them.
 */
import type { StreamEvent } from '../../src/core/events';
import type { ProviderRequest } from '../../src/core/providers/request';
import type { StreamFn } from '../../src/core/agent/step';

export type SizedReply = { text: string } | { calls: Array<{ name: string; args: unknown }> } | { error: string };

export interface SizedModel {
  stream: StreamFn;
  main: ProviderRequest[];
  summaries: ProviderRequest[];
  /** Reported input tokens of each main request, in order. */
  inputs: number[];
}

export const sizeOf = (req: ProviderRequest) => Math.ceil(((req.system ?? '').length + JSON.stringify(req.messages).length) / 4);

export function sizedModel(replies: SizedReply[], summarize: (req: ProviderRequest) => SizedReply = () => ({ text: '## Goal and constraints\n(summary)' })): SizedModel {
  const m: SizedModel = { stream: undefined as unknown as StreamFn, main: [], summaries: [], inputs: [] };
  const queue = [...replies];
  let n = 0;
  m.stream = async function* (req): AsyncGenerator<StreamEvent> {
    const isSummary = (req.system ?? '').startsWith('You write the working memory');
    const r = isSummary ? summarize(req) : queue.shift() ?? { text: '(script ended)' };
    (isSummary ? m.summaries : m.main).push({ ...req, messages: [...req.messages] });
    const input = sizeOf(req);
    if ('error' in r) { yield { type: 'error', kind: 'bad_response', message: r.error }; return; }
    if (!isSummary) m.inputs.push(input);
    if ('text' in r) yield { type: 'text', delta: r.text };
    if ('calls' in r) {
      for (const [index, c] of r.calls.entries()) {
        const id = `call_${++n}`;
        const args = JSON.stringify(c.args);
        yield { type: 'tool_call_start', index, id, name: c.name };
        yield { type: 'tool_call_end', index, id, name: c.name, args };
      }
    }
    yield { type: 'usage', usage: { input, output: 10, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null } };
    yield { type: 'done', stopReason: 'calls' in r ? 'tool_calls' : 'stop' };
  };
  return m;
}
