// The OpenAI Responses dialect against the local server's /v1/responses (named SSE events), never a mocked SDK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { streamOpenAIResponses } from '../../src/core/providers/openai-responses';
import { streamResponse } from '../../src/core/providers/stream';
import type { ReasoningBlock, TranscriptMessage } from '../../src/core/conversation';
import { collect, endpointFor, errorOf, last, makeRequest, ofType, reasoningOf, textOf } from './support';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const openai = () => endpointFor('openai', { baseUrl: server.baseUrl });
const TOOLS = [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];

test('the openai preset speaks the Responses API: instructions, store false, tools in Responses form', async () => {
  assert.equal(openai().dialect, 'openai-responses');
  const evs = await collect(streamResponse(makeRequest(openai(), 'echo', { tools: TOOLS, apiKey: 'sk-test' })));
  assert.match(textOf(evs), /^You said: Hello there/);
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
  const r = server.requests.at(-1)!;
  assert.equal(r.path, '/v1/responses');
  assert.equal(r.body.instructions, 'Be brief.');
  assert.equal(r.body.store, false);
  assert.deepEqual(r.body.input, [{ role: 'user', content: 'Hello there' }]);
  assert.deepEqual(r.body.tools, [{ type: 'function', ...TOOLS[0], strict: false }]);
  assert.equal(r.body.reasoning, undefined, 'no reasoning parameters for a model that does not reason');
  assert.equal(r.headers.authorization, 'Bearer sk-test');
});

test('a reasoning model gets effort and summaries; reasoning summary deltas and usage with cached and reasoning tokens', async () => {
  const evs = await collect(streamOpenAIResponses(makeRequest(openai(), 'gpt-5-reason', { options: { reasoning: 'high' } })));
  const body = server.requests.at(-1)!.body;
  assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
  assert.deepEqual(body.include, ['reasoning.encrypted_content']);
  assert.equal(reasoningOf(evs), 'Let me think. The user greets me.');
  const [end] = ofType(evs, 'reasoning_end');
  assert.equal(end.block.origin, 'openai-responses');
  assert.equal(end.block.id, 'rs_0');
  assert.match(end.block.encrypted ?? '', /^enc-/);
  const [usage] = ofType(evs, 'usage');
  const reported = server.requests.at(-1)!.usage!;
  assert.equal(usage.usage.input + usage.usage.cacheRead, reported.prompt_tokens);
  assert.ok(usage.usage.cacheRead > 0);
  assert.equal(usage.usage.output, reported.completion_tokens);
  assert.equal(usage.usage.reasoning, 6);
});

test('parallel function calls, then the tool results with the encrypted reasoning go back and get an answer', async () => {
  const first = await collect(streamResponse(makeRequest(openai(), 'gpt-5-tools', { tools: TOOLS, options: { reasoning: 'low' } })));
  const calls = ofType(first, 'tool_call_end');
  assert.deepEqual(calls.map(c => [c.index, c.id, c.name]), [[0, 'call_read01', 'read_file'], [1, 'call_grep02', 'grep']]);
  assert.deepEqual(JSON.parse(calls[1].args), { pattern: 'TODO', path: 'src' });
  assert.deepEqual(last(first), { type: 'done', stopReason: 'tool_calls' });
  const blocks: ReasoningBlock[] = ofType(first, 'reasoning_end').map(e => e.block);
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'Hello there' },
    { role: 'assistant', text: '', model: 'openai/gpt-5-tools', reasoningBlocks: blocks, toolCalls: calls.map(c => ({ id: c.id, name: c.name, args: c.args })) },
    { role: 'tool', toolCallId: 'call_read01', name: 'read_file', text: '# Tack' },
    { role: 'tool', toolCallId: 'call_grep02', name: 'grep', text: 'none' },
  ];
  const second = await collect(streamResponse(makeRequest(openai(), 'gpt-5-tools', { tools: TOOLS, messages })));
  assert.equal(textOf(second), 'Tool results: # Tack | none');
  const input = server.requests.at(-1)!.body.input;
  assert.deepEqual(input.map((i: { type?: string; role?: string }) => i.type ?? i.role), ['user', 'reasoning', 'function_call', 'function_call', 'function_call_output', 'function_call_output']);
  assert.match(input[1].encrypted_content, /^enc-/);
});

test('an `error` event and `response.failed` mid-stream keep the partial text and end with a server error', async () => {
  for (const model of ['error-mid', 'failed']) {
    const evs = await collect(streamOpenAIResponses(makeRequest(openai(), model)));
    assert.equal(textOf(evs), 'You said: Hello th', model);
    const err = errorOf(evs)!;
    assert.equal(err.kind, 'server', model);
    assert.match(err.message, /mid-stream \(server_error\)/, model);
    assert.equal(last(evs), err);
  }
});

test('a stream that ends without response.completed is incomplete; a half function call is never ended', async () => {
  const noDone = await collect(streamOpenAIResponses(makeRequest(openai(), 'no-done')));
  assert.match(textOf(noDone), /^You said/);
  assert.equal(errorOf(noDone)?.kind, 'network');
  assert.match(errorOf(noDone)!.message, /ended before the response was complete/);
  const cut = await collect(streamResponse(makeRequest(openai(), 'cut-tool', { tools: TOOLS })));
  assert.equal(ofType(cut, 'tool_call_start').length, 1);
  assert.equal(ofType(cut, 'tool_call_end').length, 0);
  assert.equal(last(cut).type, 'error');
});

test('errors: 401 names the key variable, unknown model lists the models, garbage is bad_response', async () => {
  const auth = errorOf(await collect(streamResponse(makeRequest(openai(), 'error-401'))))!;
  assert.equal(auth.kind, 'auth');
  assert.match(auth.message, /OpenAI refused the request \(401\).*OPENAI_API_KEY/);
  const nf = errorOf(await collect(streamResponse(makeRequest(openai(), 'gpt-9'))))!;
  assert.equal(nf.kind, 'not_found');
  assert.match(nf.message, /does not know the model "gpt-9".*OpenAI has: agent-edit, agent-task, cut, cut-tool, echo, .* \(and \d+ more\)\./);
  assert.equal(errorOf(await collect(streamResponse(makeRequest(openai(), 'garbage'))))?.kind, 'bad_response');
});
