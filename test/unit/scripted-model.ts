/**
 * A scripted model for loop tests: the injectable stream function answers each request with the next scripted
 * reply (text, or tool calls), the way a provider stream would, and records what each request carried.
 */
import type { StreamEvent } from '../../src/core/events';
import type { ProviderRequest } from '../../src/core/providers/request';
import type { StreamFn } from '../../src/core/agent/step';

export type Reply =
  | { text: string }
  | { calls: Array<{ name: string; args: unknown; id?: string }>; text?: string }
  | { error: Extract<StreamEvent, { type: 'error' }> }
  /** A reply computed from the request (e.g. reading a tag out of the last tool result). */
  | ((req: ProviderRequest) => Reply);

export interface ScriptedModel {
  stream: StreamFn;
  requests: ProviderRequest[];
}

let n = 0;

export function scriptedModel(replies: Reply[], usage = { input: 100, output: 10 }): ScriptedModel {
  const requests: ProviderRequest[] = [];
  const queue = [...replies];
  const stream: StreamFn = async function* (req) {
    requests.push({ ...req, messages: [...req.messages] });
    let r = queue.shift() ?? { text: '(script ended)' };
    while (typeof r === 'function') r = r(req);
    if ('error' in r) { yield r.error; return; }
    if (r.text) yield { type: 'text', delta: r.text };
    if ('calls' in r) {
      for (const [index, c] of r.calls.entries()) {
        const id = c.id ?? `call_${++n}`;
        const args = typeof c.args === 'string' ? c.args : JSON.stringify(c.args);
        yield { type: 'tool_call_start', index, id, name: c.name };
        yield { type: 'tool_call_delta', index, argsDelta: args };
        yield { type: 'tool_call_end', index, id, name: c.name, args };
      }
    }
    yield { type: 'usage', usage: { input: usage.input, output: usage.output, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null } };
    yield { type: 'done', stopReason: 'calls' in r ? 'tool_calls' : 'stop' };
  };
  return { stream, requests };
}

/** The text of the tool results the model was sent in its last request. */
export function lastToolResults(req: ProviderRequest): string[] {
  const out: string[] = [];
  for (let i = req.messages.length - 1; i >= 0 && req.messages[i].role === 'tool'; i--) {
    const m = req.messages[i];
    if (m.role === 'tool') out.unshift(m.text);
  }
  return out;
}
