// Bedrock through the real Bedrock SDK client against a local server speaking invoke-with-response-stream's binary
// event stream: text, thinking with its signature, tool calls, usage with cache reads and writes, a mid-stream
// exception frame, and a SigV4-signed request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBedrockServer, type BedrockServer } from '../fixtures/bedrock-server';
import { streamResponse } from '../../src/core/providers/stream';
import { collect, endpointFor, errorOf, last, makeRequest, ofType, reasoningOf, textOf } from './support';

let server: BedrockServer;
let saved: NodeJS.ProcessEnv;
before(async () => {
  server = await startBedrockServer();
  saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIABEDROCKTEST0001', AWS_SECRET_ACCESS_KEY: 'bedrock-test-secret' });
  for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'ANTHROPIC_BEDROCK_BASE_URL']) delete process.env[k];
});
after(async () => { process.env = saved; await server.close(); });

// Ambient AWS credentials go only to AWS's own host (key-origins), so the client talks to the real host name and a
// fetch hands that host's requests to the local server.
const AWS_HOST = 'https://bedrock-runtime.eu-central-1.amazonaws.com';
const toLocal = ((input: string | URL | Request, init?: RequestInit) => fetch(String(input instanceof Request ? input.url : input).replace(AWS_HOST, server.baseUrl.replace(/\/$/, '')), init)) as typeof fetch;
const run = (modelId: string, over = {}) => collect(streamResponse(makeRequest(endpointFor('bedrock', { region: 'eu-central-1' }), modelId, { fetch: toLocal, ...over })));

test('text streams in order and ends with done; the request is SigV4-signed for bedrock in the region, on the stream route', async () => {
  const evs = await run('anthropic.claude-text-v1:0');
  assert.equal(textOf(evs), 'Hello from Bedrock.');
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
  const r = server.requests.at(-1)!;
  assert.match(r.path, /^\/model\/anthropic\.claude-text-v1(:|%3A)0\/invoke-with-response-stream$/);
  assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIABEDROCKTEST0001\/\d{8}\/eu-central-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
  assert.ok(r.headers['x-amz-date'], 'the signature date is sent');
  assert.equal(typeof r.body.anthropic_version, 'string', 'Bedrock takes the API version in the body');
  assert.equal(r.body.model, undefined, 'Bedrock takes the model in the path, not the body');
  assert.ok(!JSON.stringify(r.headers).includes('bedrock-test-secret'), 'the secret key itself is never sent');
});

test('thinking: reasoning deltas, then the block with its signature, then the text', async () => {
  const evs = await run('anthropic.claude-thinking-v1:0');
  assert.equal(reasoningOf(evs), 'The user greets me. Answer briefly.');
  assert.deepEqual(ofType(evs, 'reasoning_end').map(e => e.block), [{ origin: 'anthropic', text: 'The user greets me. Answer briefly.', signature: 'sig-bedrock-123' }]);
  assert.equal(textOf(evs), 'Hello from Bedrock.');
  const order = evs.map(e => e.type).filter(t => t === 'reasoning_end' || t === 'text');
  assert.equal(order[0], 'reasoning_end');
  assert.equal(ofType(evs, 'usage')[0].usage.output, 14);
});

test('tool calls: start, argument deltas, and the finished call with its JSON arguments; stop reason tool_calls', async () => {
  const evs = await run('anthropic.claude-tool-v1:0', { tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] });
  assert.deepEqual(ofType(evs, 'tool_call_start'), [{ type: 'tool_call_start', index: 0, id: 'toolu_bdrk_01', name: 'get_weather' }]);
  assert.equal(ofType(evs, 'tool_call_delta').map(e => e.argsDelta).join(''), '{"city": "Paris", "unit": "celsius"}');
  const end = ofType(evs, 'tool_call_end');
  assert.equal(end.length, 1);
  assert.deepEqual(JSON.parse(end[0].args), { city: 'Paris', unit: 'celsius' });
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'tool_calls' });
  assert.equal(server.requests.at(-1)!.body.tools[0].name, 'get_weather');
});

test('usage with cache reads and writes, as Bedrock reports them', async () => {
  const evs = await run('anthropic.claude-cache-v1:0');
  assert.deepEqual(ofType(evs, 'usage').map(e => e.usage), [{ input: 12, output: 4, cacheRead: 1800, cacheWrite: 350, reasoning: 0, costUsd: null }]);
});

test('an exception frame mid-stream ends the answer with an error that carries the message; the partial text is kept', async () => {
  const evs = await run('anthropic.claude-exception-v1:0', { network: { connectTimeoutMs: 5000, idleTimeoutMs: 5000, firstTokenTimeoutMs: 10_000, maxRetries: 0, retryBaseDelayMs: 5 } });
  assert.equal(textOf(evs), 'Partial answer');
  const err = errorOf(evs);
  assert.ok(err, JSON.stringify(evs));
  assert.match(err.message, /upstream model error/, JSON.stringify(err));
  assert.equal(err.kind, 'server', JSON.stringify(err));
  assert.equal(last(evs).type, 'error');
  assert.equal(ofType(evs, 'tool_call_end').length, 0);
  assert.equal(ofType(evs, 'done').length, 0);
});
