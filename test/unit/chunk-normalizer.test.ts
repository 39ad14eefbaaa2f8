// Tool-call assembly and usage normalization for Chat Completions chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatChunkNormalizer, usageFromChunk } from '../../src/core/providers/openai-chat';
import type { StreamEvent } from '../../src/core/events';

const tc = (index: number, o: object) => ({ choices: [{ index: 0, delta: { tool_calls: [{ index, ...o }] }, finish_reason: null }] });

test('parallel tool calls are assembled across chunks and ended only at finish', () => {
  const n = new ChatChunkNormalizer();
  const out: StreamEvent[] = [];
  n.push(tc(0, { id: 'a', function: { name: 'read', arguments: '' } }), out);
  n.push(tc(1, { id: 'b', function: { name: 'grep', arguments: '{"q":' } }), out);
  n.push(tc(0, { function: { arguments: '{"path":"x' } }), out);
  n.push(tc(0, { function: { arguments: '.ts"}' } }), out);
  n.push(tc(1, { function: { arguments: '"y"}' } }), out);
  assert.ok(!out.some(e => e.type === 'tool_call_end'), 'nothing is complete before the stream finishes');
  n.push({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] }, out);
  n.finish(out);
  const ends = out.filter(e => e.type === 'tool_call_end');
  assert.deepEqual(ends, [
    { type: 'tool_call_end', index: 0, id: 'a', name: 'read', args: '{"path":"x.ts"}' },
    { type: 'tool_call_end', index: 1, id: 'b', name: 'grep', args: '{"q":"y"}' },
  ]);
  assert.deepEqual(out.at(-1), { type: 'done', stopReason: 'tool_calls' });
  assert.equal(out.filter(e => e.type === 'tool_call_start').length, 2);
});

test('usage: cached prompt tokens are split out, reasoning and OpenRouter cost kept', () => {
  assert.deepEqual(usageFromChunk({ prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 5 }, cost: 0.0012 }),
    { input: 40, output: 20, cacheRead: 60, cacheWrite: 0, reasoning: 5, costUsd: 0.0012 });
  assert.deepEqual(usageFromChunk({}), { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null });
});

test('empty deltas and chunks without choices produce nothing', () => {
  const n = new ChatChunkNormalizer();
  const out: StreamEvent[] = [];
  n.push({ choices: [{ index: 0, delta: { content: '' } }] }, out);
  n.push({ choices: [] }, out);
  n.push({}, out);
  assert.deepEqual(out, []);
});

test('the upstream provider OpenRouter names in its chunks rides on the usage event', () => {
  const n = new ChatChunkNormalizer();
  const out: StreamEvent[] = [];
  n.push({ provider: 'DeepInfra', choices: [{ index: 0, delta: { content: 'hi' } }] }, out);
  n.push({ provider: 'DeepInfra', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, cost: 0.00001 } }, out);
  n.finish(out);
  const usage = out.find(e => e.type === 'usage');
  assert.equal(usage?.type === 'usage' && usage.servedBy, 'DeepInfra');
  assert.equal(usage?.type === 'usage' && usage.usage.costUsd, 0.00001);
});
