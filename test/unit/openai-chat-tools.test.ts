// Chat Completions: tool calls, images, real-world quirks and OpenRouter extras, against the local SSE server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { streamOpenAIChat } from '../../src/core/providers/openai-chat';
import { streamResponse } from '../../src/core/providers/stream';
import type { TranscriptMessage } from '../../src/core/conversation';
import { collect, endpointFor, errorOf, last, makeRequest, newLogs, ofType, reasoningOf, textOf } from './support';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const local = () => endpointFor('local', { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local' });
const TOOLS = [
  { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'grep', description: 'Search', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } },
];

test('one tool call: start, argument deltas, end with the whole JSON, stop reason tool_calls; tools sent in OpenAI form', async () => {
  const evs = await collect(streamOpenAIChat(makeRequest(local(), 'tool', { tools: TOOLS })));
  const starts = ofType(evs, 'tool_call_start');
  assert.deepEqual(starts, [{ type: 'tool_call_start', index: 0, id: 'call_read01', name: 'read_file' }]);
  assert.ok(ofType(evs, 'tool_call_delta').length > 1, 'arguments arrive in pieces');
  assert.deepEqual(ofType(evs, 'tool_call_end'), [{ type: 'tool_call_end', index: 0, id: 'call_read01', name: 'read_file', args: '{"path":"README.md"}' }]);
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'tool_calls' });
  assert.deepEqual(server.requests.at(-1)!.body.tools[0], { type: 'function', function: TOOLS[0] });
});

test('parallel tool calls are kept apart by index', async () => {
  const evs = await collect(streamOpenAIChat(makeRequest(local(), 'tools', { tools: TOOLS })));
  assert.deepEqual(ofType(evs, 'tool_call_end').map(e => [e.index, e.id, e.name, JSON.parse(e.args)]), [
    [0, 'call_read01', 'read_file', { path: 'README.md' }],
    [1, 'call_grep02', 'grep', { pattern: 'TODO', path: 'src' }],
  ]);
});

test('a history with tool calls, results and images goes out as tool_calls, tool messages and image parts', async () => {
  const png = { mediaType: 'image/png', data: 'iVBORw0KGgo=' };
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'Look at this', images: [png] },
    { role: 'assistant', text: '', model: 'x/y', toolCalls: [{ id: 'toolu_01ABC', name: 'read_file', args: '{"path":"a"}' }, { id: 'call with spaces & a very long id that goes past forty chars', name: 'grep', args: '{}' }] },
    { role: 'tool', toolCallId: 'toolu_01ABC', name: 'read_file', text: 'file a', images: [png] },
    { role: 'tool', toolCallId: 'call with spaces & a very long id that goes past forty chars', name: 'grep', text: 'no match', isError: true },
  ];
  const evs = await collect(streamOpenAIChat(makeRequest(local(), 'tool', { messages, tools: TOOLS })));
  assert.equal(textOf(evs), 'Tool results: file a | Error: no match');
  const sent = server.requests.at(-1)!.body.messages;
  assert.deepEqual(sent.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'tool', 'tool', 'user']);
  assert.deepEqual(sent[1].content[1], { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } });
  const ids = sent[2].tool_calls.map((c: { id: string }) => c.id);
  assert.equal(ids[0], 'toolu_01ABC', 'a valid id is kept');
  assert.match(ids[1], /^call_[A-Za-z0-9]{24}$/, 'an invalid id is mapped');
  assert.deepEqual([sent[3].tool_call_id, sent[4].tool_call_id], ids, 'results carry the same ids as their calls');
  assert.equal(sent[2].content, null);
  assert.equal(sent[5].content[1].type, 'image_url', 'a tool\'s image follows the results as a user message');
});

test('quirks: keep-alive comments, ping events, empty deltas, `reasoning`, usage without choices and cost, no [DONE]', async () => {
  const evs = await collect(streamOpenAIChat(makeRequest(local(), 'quirks')));
  assert.equal(reasoningOf(evs), 'Hmm.');
  assert.match(textOf(evs), /^You said: Hello there/);
  assert.ok(!evs.some(e => e.type === 'text' && !e.delta), 'no empty text events');
  const usage = ofType(evs, 'usage');
  assert.equal(usage.length, 1);
  assert.equal(usage[0].usage.costUsd, 0.00042, 'OpenRouter-style cost is kept');
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
});

test('an error chunk mid-stream keeps the partial text and ends with one server error', async () => {
  const evs = await collect(streamOpenAIChat(makeRequest(local(), 'error-mid')));
  assert.equal(textOf(evs), 'You said: Hello th');
  const err = errorOf(evs)!;
  assert.equal(err.kind, 'server');
  assert.match(err.message, /mid-stream \(server_error\): The server is overloaded/);
  assert.equal(last(evs), err);
});

test('a stream cut inside a tool call never yields the half call', async () => {
  const evs = await collect(streamResponse(makeRequest(local(), 'cut-tool', { tools: TOOLS })));
  assert.equal(ofType(evs, 'tool_call_start').length, 1);
  assert.equal(ofType(evs, 'tool_call_end').length, 0);
  assert.equal(ofType(evs, 'retry').length, 0, 'nothing is retried once the answer started');
  assert.equal(last(evs).type, 'error');
});

test('OpenRouter: routing object and fallback models from settings, overridden per request; reasoning switch', async () => {
  const endpoint = endpointFor('openrouter', { baseUrl: server.baseUrl, routing: { quantizations: ['fp8'], sort: 'price' }, fallbackModels: ['a/b', 'c/d:exacto'] });
  await collect(streamOpenAIChat(makeRequest(endpoint, 'echo', { options: { reasoning: 'high' } })));
  let body = server.requests.at(-1)!.body;
  assert.deepEqual(body.provider, { quantizations: ['fp8'], sort: 'price' });
  assert.deepEqual(body.models, ['a/b', 'c/d:exacto']);
  assert.deepEqual(body.reasoning, { effort: 'high' });
  assert.deepEqual(body.usage, { include: true });
  await collect(streamOpenAIChat(makeRequest(endpoint, 'echo', { options: { openrouterProvider: { only: ['groq'] }, openrouterModels: ['x/y'] } })));
  body = server.requests.at(-1)!.body;
  assert.deepEqual(body.provider, { quantizations: ['fp8'], sort: 'price', only: ['groq'] });
  assert.deepEqual(body.models, ['x/y']);
  await collect(streamOpenAIChat(makeRequest(local(), 'echo')));
  body = server.requests.at(-1)!.body;
  assert.equal(body.provider, undefined, 'other endpoints get none of it');
  assert.equal(body.usage, undefined);
});

test('Mistral tool-call ids are mapped to nine letters and digits, the same for call and result', async () => {
  const endpoint = endpointFor('mistral', { baseUrl: server.baseUrl });
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'go' },
    { role: 'assistant', text: '', model: 'x/y', toolCalls: [{ id: 'call_abc', name: 'grep', args: '{}' }] },
    { role: 'tool', toolCallId: 'call_abc', name: 'grep', text: 'ok' },
  ];
  await collect(streamOpenAIChat(makeRequest(endpoint, 'echo', { messages, apiKey: 'k' })));
  const sent = server.requests.at(-1)!.body.messages;
  assert.match(sent[2].tool_calls[0].id, /^[A-Za-z0-9]{9}$/);
  assert.equal(sent[3].tool_call_id, sent[2].tool_calls[0].id);
});

test('a malformed chunk is logged with its raw text', async () => {
  const logs = newLogs();
  const evs = await collect(streamResponse(makeRequest(local(), 'garbage', {}, logs)));
  assert.equal(errorOf(evs)?.kind, 'bad_response');
  assert.ok(logs.error.some(l => l.includes('{not json')), logs.error.join('\n'));
});
