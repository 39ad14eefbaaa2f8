// The request inspector's core: the recorder keeps the last request exactly as sent (URL, method, headers, JSON body)
// with every key redacted, through the real provider layer against local servers; the token breakdown splits a
// request into system prompt, instructions, skills index, tools (per tool), history and latest message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { streamResponse } from '../../src/core/providers/stream';
import { captureRequest, REDACTED, RequestRecorder } from '../../src/core/inspect/recorder';
import { breakdown, splitSystemPrompt } from '../../src/core/inspect/breakdown';
import { estimateTokens } from '../../src/core/inspect/tokens';
import { collect, endpointFor, last, makeRequest } from './support';

let chat: FakeServer;
let claude: AnthropicServer;
before(async () => { [chat, claude] = await Promise.all([startOpenAIServer({ chunkDelayMs: 0 }), startAnthropicServer({ chunkDelayMs: 0 })]); });
after(async () => { await Promise.all([chat.close(), claude.close()]); });

const KEY = 'sk-planted-inspector-0123456789';
const tools = [{ name: 'read_file', description: 'Reads a file.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }];

test('the last request through the provider layer: URL, method, headers and JSON body, with the key redacted', async () => {
  const recorder = new RequestRecorder();
  const seen: string[] = [];
  recorder.onCapture(c => seen.push(c.url));
  const endpoint = endpointFor('box', { type: 'openai-compatible', baseUrl: chat.baseUrl });
  const evs = await collect(streamResponse(makeRequest(endpoint, 'echo', { apiKey: KEY, tools, fetch: recorder.wrap() })));
  assert.equal(last(evs).type, 'done', 'the wrapped fetch does not change the request');
  assert.equal(chat.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`, 'the server still got the key');
  const c = recorder.last()!;
  assert.equal(c.url, `${chat.baseUrl}/chat/completions`);
  assert.equal(c.method, 'POST');
  assert.equal(c.headers.authorization, REDACTED);
  assert.equal(c.headers['content-type'], 'application/json');
  const body = c.body as { model: string; messages: Array<{ role: string }>; tools: Array<{ function: { name: string } }>; stream: boolean };
  assert.equal(body.model, 'echo');
  assert.deepEqual(body.messages.map(m => m.role), ['system', 'user']);
  assert.equal(body.tools[0].function.name, 'read_file');
  assert.deepEqual(body, chat.requests.at(-1)!.body, 'the body is exactly what the server received');
  assert.ok(c.bodyBytes > 100);
  assert.ok(!JSON.stringify(c).includes(KEY), 'the key is nowhere in the capture');
  assert.deepEqual(seen, [c.url]);
});

test('Anthropic requests: the key header is redacted too', async () => {
  const recorder = new RequestRecorder();
  const endpoint = endpointFor('claude', { type: 'anthropic', baseUrl: claude.baseUrl, auth: 'x-api-key' });
  assert.equal(last(await collect(streamResponse(makeRequest(endpoint, 'echo', { apiKey: KEY, fetch: recorder.wrap() })))).type, 'done');
  const c = recorder.last()!;
  assert.equal(c.headers['x-api-key'], REDACTED);
  assert.equal((c.body as { system: unknown }).system !== undefined, true);
  assert.ok(!JSON.stringify(c).includes(KEY));
});

test('captures redact every secret-looking header and query parameter, and scrub the values wherever they appear', async () => {
  const c = await captureRequest(`https://generativelanguage.example/v1/models?key=${KEY}&alt=sse`, {
    method: 'post',
    headers: {
      'x-goog-api-key': KEY, Cookie: 'session=abcdefgh12345', 'X-Amz-Security-Token': 'FwoGZXIvYXdzEJr-token', 'x-custom-secret': 'hunter2hunter2',
      'api-key': 'azure-key-123456', 'user-agent': 'tack',
    },
    body: JSON.stringify({ note: `echo ${KEY} back`, contents: [{ text: 'hi' }] }),
  });
  assert.equal(c.method, 'POST');
  for (const h of ['x-goog-api-key', 'cookie', 'x-amz-security-token', 'x-custom-secret', 'api-key']) assert.equal(c.headers[h], REDACTED, h);
  assert.equal(c.headers['user-agent'], 'tack');
  assert.match(c.url, /key=%5Bredacted%5D&alt=sse$/);
  assert.equal((c.body as { note: string }).note, `echo ${REDACTED} back`);
  const all = JSON.stringify(c);
  for (const secret of [KEY, 'abcdefgh12345', 'FwoGZXIvYXdzEJr-token', 'hunter2hunter2', 'azure-key-123456']) assert.ok(!all.includes(secret), secret);
});

test('a request the recorder cannot read still goes out; the recorder keeps only what passes its filter', async () => {
  const recorder = new RequestRecorder({ keep: (url, method) => url.includes('/chat/') && method === 'POST' });
  const calls: string[] = [];
  const base = (async (input: Parameters<typeof fetch>[0]) => { calls.push(String(input)); return new Response('{}'); }) as typeof fetch;
  const f = recorder.wrap(base);
  await f('http://127.0.0.1:1/v1/models');
  assert.equal(recorder.last(), undefined);
  await f('http://127.0.0.1:1/v1/chat/completions', { method: 'POST', body: new ReadableStream() as never });
  assert.deepEqual(calls.length, 2);
  assert.equal(recorder.last()!.body, null, 'a streamed body is not read (it would be consumed)');
});

test('token breakdown: o200k estimates per part, per tool, history and latest message, beside the reported input', () => {
  const system = 'You are Tack.\n\n# Instructions from AGENTS.md\n\nUse tabs.\n\n# Skills\n\n- pdf: read PDFs\n\n# Instructions from CLAUDE.md\n\nBe terse.';
  const split = splitSystemPrompt(system);
  assert.equal(split.base, 'You are Tack.');
  assert.match(split.instructions, /AGENTS\.md[\s\S]*Use tabs[\s\S]*CLAUDE\.md[\s\S]*Be terse/);
  assert.match(split.skillsIndex, /^# Skills\n\n- pdf: read PDFs/);
  const b = breakdown({
    system,
    tools: [...tools, { name: 'bash', description: 'Runs a command.', parameters: { type: 'object', properties: { command: { type: 'string' } } } }],
    messages: [
      { role: 'user', text: 'first question' },
      { role: 'assistant', text: 'first answer', model: 'x/y', toolCalls: [{ id: 'c1', name: 'read_file', args: '{"path":"a.ts"}' }] },
      { role: 'tool', toolCallId: 'c1', name: 'read_file', text: 'export const a = 1;' },
      { role: 'user', text: 'the latest message here' },
    ],
  }, 321);
  assert.equal(b.method, 'o200k estimate');
  assert.equal(b.system, estimateTokens('You are Tack.'));
  assert.ok(b.instructions > 0 && b.skillsIndex > 0);
  assert.deepEqual(b.perTool.map(t => t.name), ['read_file', 'bash']);
  assert.ok(b.perTool.every(t => t.tokens > 5));
  assert.equal(b.tools, b.perTool[0].tokens + b.perTool[1].tokens);
  assert.equal(b.latest, estimateTokens('the latest message here'));
  assert.ok(b.history > b.latest);
  assert.equal(b.total, b.system + b.instructions + b.skillsIndex + b.tools + b.history + b.latest);
  assert.equal(b.reportedInput, 321);
  assert.equal(breakdown({ messages: [] }).reportedInput, null);
});
