// The Chat Completions dialect against a local server speaking the real wire protocol (SSE), never a mocked SDK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { streamOpenAIChat } from '../../src/core/providers/openai-chat';
import type { ProviderRequest } from '../../src/core/providers/request';
import type { Endpoint } from '../../src/core/providers/registry';
import { endpointFor } from './support';
import type { StreamEvent } from '../../src/core/events';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 2 }); });
after(() => server.close());

const logs: string[] = [];
function request(model: string, over: Partial<ProviderRequest> = {}): ProviderRequest {
  const endpoint: Endpoint = endpointFor('local', { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local' });
  return {
    endpoint, modelId: model, system: 'Be brief.', messages: [{ role: 'user', text: 'Hello there' }],
    signal: new AbortController().signal, network: { connectTimeoutMs: 5000, idleTimeoutMs: 5000 },
    log: { info() {}, warn() {}, error: m => logs.push(m) }, ...over,
  };
}
async function collect(req: ProviderRequest): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of streamOpenAIChat(req)) out.push(ev);
  return out;
}
const text = (evs: StreamEvent[]) => evs.filter(e => e.type === 'text').map(e => (e as { delta: string }).delta).join('');
const last = (evs: StreamEvent[]) => evs[evs.length - 1];

test('streams text, then usage exactly as the server reported it, then done', async () => {
  const evs = await collect(request('echo'));
  assert.equal(text(evs), 'You said: Hello there\n\nHere is some code:\n\n```ts\nconsole.log("tack");\n```\n');
  assert.ok(evs.filter(e => e.type === 'text').length > 5, 'arrives in many chunks');
  const usage = evs.find(e => e.type === 'usage');
  const reported = server.requests.at(-1)!.usage!;
  assert.deepEqual(usage, { type: 'usage', usage: { input: reported.prompt_tokens, output: reported.completion_tokens, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null } });
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
});

test('sends the system prompt, the history, stream_options.include_usage and no Authorization without a key', async () => {
  await collect(request('echo'));
  const r = server.requests.at(-1)!;
  assert.deepEqual(r.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
  assert.equal(r.body.stream, true);
  assert.deepEqual(r.body.stream_options, { include_usage: true });
  assert.equal(r.headers.authorization, undefined);
});

test('a key, when given, is sent as a bearer token; environment variables do not redirect the client', async () => {
  const saved = { ...process.env };
  process.env.OPENAI_BASE_URL = 'http://127.0.0.1:1/v1';
  process.env.OPENAI_ORG_ID = 'org-from-env';
  try {
    const evs = await collect(request('echo', { apiKey: 'sk-test-123' }));
    assert.equal(last(evs).type, 'done');
    const r = server.requests.at(-1)!;
    assert.equal(r.headers.authorization, 'Bearer sk-test-123');
    assert.equal(r.headers['openai-organization'], undefined);
  } finally {
    process.env = saved;
  }
});

test('reasoning_content deltas become reasoning events', async () => {
  const evs = await collect(request('reason'));
  const reasoning = evs.filter(e => e.type === 'reasoning').map(e => (e as { delta: string }).delta).join('');
  assert.equal(reasoning, 'Let me think. The user greets me.');
  assert.match(text(evs), /^You said: Hello there/);
  assert.equal(last(evs).type, 'done');
});

const errorCases: Array<[string, string, RegExp]> = [
  ['error-401', 'auth', /refused the request \(401\).*No API key was sent. Set the API key for "local".*LOCAL_API_KEY/],
  ['error-403', 'auth', /\(403\)/],
  ['error-429', 'rate_limit', /rate limiting/],
  ['error-500', 'server', /server error \(500\)/],
  ['no-such-model', 'not_found', /does not know the model "no-such-model"/],
  ['html', 'bad_response', /text\/html instead of an API response/],
  ['garbage', 'bad_response', /not valid JSON/],
];
for (const [model, kind, message] of errorCases) {
  test(`${model} → one ${kind} error event with an actionable message`, async () => {
    const evs = await collect(request(model));
    const errors = evs.filter(e => e.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(last(evs).type, 'error');
    assert.equal((last(evs) as { kind: string }).kind, kind);
    assert.match((last(evs) as { message: string }).message, message);
  });
}

test('a malformed chunk leaves the raw excerpt in the log', async () => {
  logs.length = 0;
  await collect(request('garbage'));
  assert.ok(logs.some(l => l.includes('{not json')), logs.join('\n'));
});

test('a stream cut mid-way keeps the partial text and ends with a network error', async () => {
  const evs = await collect(request('cut'));
  assert.ok(text(evs).startsWith('You said'));
  assert.ok(!evs.some(e => e.type === 'done'));
  assert.equal(last(evs).type, 'error');
  assert.equal((last(evs) as { kind: string }).kind, 'network');
  assert.match((last(evs) as { message: string }).message, /dropped/);
});

test('a stream that closes with neither finish_reason nor [DONE] is incomplete: partial text kept, network error', async () => {
  const evs = await collect(request('no-done'));
  assert.match(text(evs), /You said/);
  assert.ok(!evs.some(e => e.type === 'done'));
  assert.equal(last(evs).type, 'error');
  assert.equal((last(evs) as { kind: string }).kind, 'network');
  assert.match((last(evs) as { message: string }).message, /no finish_reason, no \[DONE\].*partial answer is kept/);
});

test('an unreachable endpoint fails fast with a network error naming the URL', async () => {
  const port = await new Promise<number>(r => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
  const endpoint: Endpoint = endpointFor('gone', { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1`, label: 'Gone' });
  const evs = await collect(request('echo', { endpoint }));
  assert.equal(evs.length, 1);
  assert.equal((evs[0] as { kind: string }).kind, 'network');
  assert.match((evs[0] as { message: string }).message, new RegExp(`Could not reach Gone \\(http://127.0.0.1:${port}/v1\\).*ECONNREFUSED`));
});

test('a server that never answers hits the connect timeout', async () => {
  const evs = await collect(request('stall', { network: { connectTimeoutMs: 300, idleTimeoutMs: 5000 } }));
  assert.equal(evs.length, 1);
  assert.equal((evs[0] as { kind: string }).kind, 'network');
  assert.match((evs[0] as { message: string }).message, /did not answer within the connect timeout/);
});

test('a stream that goes silent hits the idle timeout and keeps what arrived', async () => {
  const evs = await collect(request('stall-stream', { network: { connectTimeoutMs: 5000, idleTimeoutMs: 300 } }));
  assert.equal(text(evs), 'Thinking about it');
  assert.equal((last(evs) as { kind: string }).kind, 'network');
  assert.match((last(evs) as { message: string }).message, /stalled/);
});

test('Stop aborts the request at once and reports cancelled, keeping the partial text', async () => {
  const controller = new AbortController();
  const evs: StreamEvent[] = [];
  for await (const ev of streamOpenAIChat(request('slow', { signal: controller.signal }))) {
    evs.push(ev);
    if (evs.filter(e => e.type === 'text').length === 3) controller.abort();
  }
  assert.ok(text(evs).startsWith('word0 word1'));
  assert.deepEqual(last(evs), { type: 'error', kind: 'cancelled', message: 'Stopped.' });
});
