// The Anthropic Messages dialect through @anthropic-ai/sdk against a local server speaking the real SSE protocol.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { streamAnthropic } from '../../src/core/providers/anthropic';
import { streamResponse } from '../../src/core/providers/stream';
import type { ReasoningBlock, TranscriptMessage } from '../../src/core/conversation';
import { collect, endpointFor, errorOf, last, makeRequest, ofType, reasoningOf, textOf } from './support';

let server: AnthropicServer;
before(async () => { server = await startAnthropicServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const anthropic = () => endpointFor('anthropic', { baseUrl: server.baseUrl });
const TOOLS = [
  { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'grep', description: 'Search', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } },
];

test('text with pings in between; cache breakpoints on system and the last user turn; usage with cache writes then reads', async () => {
  const evs = await collect(streamAnthropic(makeRequest(anthropic(), 'echo', { system: 'You are Tack. '.repeat(20) })));
  assert.match(textOf(evs), /^You said: Hello there/);
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
  const body = server.requests.at(-1)!.body;
  assert.deepEqual(body.system, [{ type: 'text', text: 'You are Tack. '.repeat(20), cache_control: { type: 'ephemeral' } }]);
  assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello there', cache_control: { type: 'ephemeral' } }] }]);
  const wire = server.requests.at(-1)!.wireUsage!;
  assert.deepEqual(ofType(evs, 'usage')[0].usage, { input: wire.input_tokens, output: wire.output_tokens, cacheRead: 0, cacheWrite: wire.cache_creation_input_tokens, reasoning: 0, costUsd: null });
  assert.ok(wire.cache_creation_input_tokens > 0);
  const again = await collect(streamAnthropic(makeRequest(anthropic(), 'echo', { system: 'You are Tack. '.repeat(20) })));
  const u = ofType(again, 'usage')[0].usage;
  assert.ok(u.cacheRead > 0 && u.cacheWrite === 0, JSON.stringify(u));
});

test('extended thinking: budget from reasoning, thinking deltas, a signed block and a redacted one; no temperature', async () => {
  const evs = await collect(streamAnthropic(makeRequest(anthropic(), 'reason', { options: { reasoning: 'medium', temperature: 0.2 } })));
  const body = server.requests.at(-1)!.body;
  assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 8192 });
  assert.ok(body.max_tokens > 8192);
  assert.equal(body.temperature, undefined);
  assert.equal(reasoningOf(evs), 'Let me think. The user greets me.');
  const blocks = ofType(evs, 'reasoning_end').map(e => e.block);
  assert.equal(blocks.length, 2);
  assert.equal(blocks[0].origin, 'anthropic');
  assert.match(blocks[0].signature ?? '', /^sig-/);
  assert.equal(blocks[1].redacted, REDACTED);
  assert.match(textOf(evs), /^You said/);
});

test('parallel tool_use with input_json_delta; then signed thinking, tool_use and tool_result go back well formed', async () => {
  const first = await collect(streamResponse(makeRequest(anthropic(), 'tools', { tools: TOOLS, options: { reasoning: 'low' } })));
  const calls = ofType(first, 'tool_call_end');
  assert.deepEqual(calls.map(c => [c.id, c.name, JSON.parse(c.args)]), [['toolu_read01', 'read_file', { path: 'README.md' }], ['toolu_grep02', 'grep', { pattern: 'TODO', path: 'src' }]]);
  assert.deepEqual(last(first), { type: 'done', stopReason: 'tool_calls' });
  const tools = server.requests.at(-1)!.body.tools;
  assert.deepEqual(tools[0], { name: 'read_file', description: 'Read a file', input_schema: TOOLS[0].parameters });
  assert.deepEqual(tools[1].cache_control, { type: 'ephemeral' }, 'a breakpoint on the last tool');
  const blocks: ReasoningBlock[] = ofType(first, 'reasoning_end').map(e => e.block);
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'Hello there' },
    { role: 'assistant', text: '', model: 'anthropic/tools', reasoningBlocks: blocks, toolCalls: calls.map(c => ({ id: c.id, name: c.name, args: c.args })) },
    { role: 'tool', toolCallId: 'toolu_read01', name: 'read_file', text: '# Tack' },
    { role: 'tool', toolCallId: 'toolu_grep02', name: 'grep', text: 'none', isError: true },
  ];
  const second = await collect(streamResponse(makeRequest(anthropic(), 'tools', { tools: TOOLS, messages, options: { reasoning: 'low' } })));
  assert.equal(textOf(second), 'Tool results: # Tack | none', JSON.stringify(errorOf(second)));
  const sent = server.requests.at(-1)!.body.messages;
  assert.deepEqual(sent.map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
  assert.deepEqual(sent[1].content.map((b: { type: string }) => b.type), ['thinking', 'tool_use', 'tool_use']);
  assert.deepEqual(sent[2].content.map((b: { type: string; is_error?: boolean }) => [b.type, b.is_error ?? false]), [['tool_result', false], ['tool_result', true]]);
});

test('an error event mid-stream keeps the partial text; a stream without message_stop is incomplete', async () => {
  const mid = await collect(streamResponse(makeRequest(anthropic(), 'error-mid')));
  assert.equal(textOf(mid), 'You said: Hello th');
  assert.equal(errorOf(mid)?.kind, 'server');
  assert.match(errorOf(mid)!.message, /overloaded_error.*Overloaded/);
  assert.equal(ofType(mid, 'retry').length, 0);
  const noStop = await collect(streamAnthropic(makeRequest(anthropic(), 'no-done')));
  assert.match(errorOf(noStop)!.message, /ended before message_stop/);
  const cut = await collect(streamResponse(makeRequest(anthropic(), 'cut-tool', { tools: TOOLS })));
  assert.equal(ofType(cut, 'tool_call_end').length, 0);
  assert.equal(last(cut).type, 'error');
});

test('auth and unknown-model errors: the key variable is named; the models API lists what exists', async () => {
  const auth = errorOf(await collect(streamResponse(makeRequest(anthropic(), 'error-401'))))!;
  assert.equal(auth.kind, 'auth');
  assert.match(auth.message, /Anthropic refused the request \(401\).*ANTHROPIC_API_KEY/);
  const forbidden = errorOf(await collect(streamResponse(makeRequest(anthropic(), 'error-403', { apiKey: 'k' }))))!;
  assert.match(forbidden.message, /\(403\).*The key was refused: Set the API key for "anthropic"/);
  const nf = errorOf(await collect(streamResponse(makeRequest(anthropic(), 'claude-9'))))!;
  assert.equal(nf.kind, 'not_found');
  assert.match(nf.message, /does not know the model "claude-9".*Anthropic has: agent-edit, agent-task, cut, cut-tool, echo/);
});

test('the environment never redirects or adds credentials; a keyless endpoint gets no auth header', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/', ANTHROPIC_API_KEY: 'env-key', ANTHROPIC_AUTH_TOKEN: 'env-token',
    ANTHROPIC_CUSTOM_HEADERS: 'x-api-key: env-header-key\nx-planted: 1',
  });
  try {
    const evs = await collect(streamAnthropic(makeRequest(anthropic(), 'echo')));
    assert.equal(last(evs).type, 'done');
    const h = server.requests.at(-1)!.headers;
    assert.equal(h.authorization, undefined);
    assert.equal(h['x-api-key'], undefined);
    assert.equal(h['x-planted'], undefined);
    await collect(streamAnthropic(makeRequest(anthropic(), 'echo', { apiKey: 'sk-ant-test' })));
    const sent = server.requests.at(-1)!.headers;
    assert.ok(sent.authorization === 'Bearer sk-ant-test' || sent['x-api-key'] === 'sk-ant-test', JSON.stringify(sent));
    assert.equal(sent['x-planted'], undefined);
    assert.equal(process.env.ANTHROPIC_CUSTOM_HEADERS, 'x-api-key: env-header-key\nx-planted: 1', 'the variable is left as it was');
  } finally {
    process.env = saved;
  }
});
