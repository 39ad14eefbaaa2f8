// Retries, retry-after in every form, Stop during the wait, and the timeouts, through streamResponse.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { streamResponse } from '../../src/core/providers/stream';
import { parseRetryAfter } from '../../src/core/providers/errors';
import { backoffMs } from '../../src/core/providers/retry';
import type { StreamEvent } from '../../src/core/events';
import { collect, endpointFor, errorOf, last, makeRequest, ofType, textOf } from './support';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const local = () => endpointFor('local', { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local' });
let n = 0;
/** A request with a prompt of its own, so the server's per-conversation failure counters start fresh. */
const req = (model: string, network: Record<string, number> = {}, signal?: AbortSignal) => {
  const r = makeRequest(local(), model, { messages: [{ role: 'user', text: `prompt ${++n}` }] });
  return { ...r, network: { ...r.network, ...network }, ...(signal ? { signal } : {}) };
};
const requestsFor = (prompt: number) => server.requests.filter(r => r.body.messages?.some((m: { content: unknown }) => m.content === `prompt ${prompt}`)).length;

test('retry-after forms: ms, seconds, HTTP date, negative, garbage; no cap here', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '2' }), now), 2000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '1.5' }), now), 1500);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now), 0);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '-5' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '-1' }), now), undefined);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '86400' }), now), 86_400_000);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.ok(backoffMs(1, 500, () => 1) === 500 && backoffMs(3, 500, () => 1) === 2000 && backoffMs(20, 500, () => 1) === 8000);
});

for (const [form, check] of [
  ['ms50', (w: number) => w === 50],
  ['s1', (w: number) => w === 1000],
  ['date', (w: number) => w > 0 && w <= 1500],
  ['neg', (w: number) => w > 0 && w <= 5],
  ['none', (w: number) => w > 0 && w <= 5],
] as const) {
  test(`429 with retry-after ${form}: a retry event before the wait, then the answer`, async () => {
    const prompt = n + 1;
    const evs = await collect(streamResponse(req(`ratelimit-${form}-1`)));
    const retries = ofType(evs, 'retry');
    assert.equal(retries.length, 1);
    assert.deepEqual({ ...retries[0], waitMs: 0 }, { type: 'retry', attempt: 2, maxAttempts: 3, waitMs: 0, kind: 'rate_limit', message: retries[0].message });
    assert.ok(check(retries[0].waitMs), `waitMs ${retries[0].waitMs}`);
    assert.match(retries[0].message, /rate limiting requests \(429\)/);
    assert.equal(evs[0].type, 'retry', 'the retry event comes first, before any content');
    assert.match(textOf(evs), /^You said: prompt/);
    assert.equal(last(evs).type, 'done');
    assert.equal(requestsFor(prompt), 2);
  });
}

test('a retry-after beyond the cap ends the turn at once, saying how long the server asked for', async () => {
  const prompt = n + 1;
  const started = Date.now();
  const evs = await collect(streamResponse(req('ratelimit-huge-1')));
  assert.equal(ofType(evs, 'retry').length, 0);
  assert.equal(errorOf(evs)?.kind, 'rate_limit');
  assert.match(errorOf(evs)!.message, /asks to wait 24 h, longer than Tack waits \(60 s\)/);
  assert.equal((errorOf(evs) as { retry?: unknown }).retry, undefined, 'the retry hint stays inside core');
  assert.ok(Date.now() - started < 1000);
  assert.equal(requestsFor(prompt), 1);
});

test('attempts are bounded by maxRetries; 0 means one attempt', async () => {
  let prompt = n + 1;
  const evs = await collect(streamResponse(req('ratelimit-ms50-9')));
  assert.deepEqual(ofType(evs, 'retry').map(r => `${r.attempt}/${r.maxAttempts}`), ['2/3', '3/3']);
  assert.equal(errorOf(evs)?.kind, 'rate_limit');
  assert.equal(requestsFor(prompt), 3);
  prompt = n + 1;
  const none = await collect(streamResponse(req('ratelimit-ms50-9', { maxRetries: 0 })));
  assert.equal(ofType(none, 'retry').length, 0);
  assert.equal(requestsFor(prompt), 1);
});

test('Stop during the wait ends it at once with cancelled', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const evs: StreamEvent[] = [];
  for await (const ev of streamResponse(req('ratelimit-s30-1', {}, controller.signal))) {
    evs.push(ev);
    if (ev.type === 'retry') {
      assert.equal(ev.waitMs, 30_000);
      setTimeout(() => controller.abort(), 50);
    }
  }
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.deepEqual(last(evs), { type: 'error', kind: 'cancelled', message: 'Stopped.' });
});

test('5xx before the first token is retried with backoff; the third failure is final', async () => {
  const ok = await collect(streamResponse(req('flaky-503-2')));
  assert.equal(ofType(ok, 'retry').length, 2);
  assert.ok(ofType(ok, 'retry').every(r => r.kind === 'server'));
  assert.equal(last(ok).type, 'done');
  const failed = await collect(streamResponse(req('flaky-500-5')));
  assert.equal(ofType(failed, 'retry').length, 2);
  assert.match(errorOf(failed)!.message, /server error \(500\)/);
});

test('after the first token nothing is retried: a cut stream keeps its partial text', async () => {
  const evs = await collect(streamResponse(req('cut')));
  assert.equal(ofType(evs, 'retry').length, 0);
  assert.match(textOf(evs), /^You said/);
  assert.equal(errorOf(evs)?.kind, 'network');
});

test('a connection dropped before any answer is retried; a refused connection fails fast', async () => {
  let hits = 0;
  const flaky = http.createServer((request, res) => {
    if (++hits === 1) { request.socket.destroy(); return; }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
  });
  await new Promise<void>(r => flaky.listen(0, '127.0.0.1', r));
  const port = (flaky.address() as AddressInfo).port;
  try {
    const evs = await collect(streamResponse(makeRequest(endpointFor('flaky', { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }), 'm', { network: { connectTimeoutMs: 2000, idleTimeoutMs: 2000, retryBaseDelayMs: 5 } })));
    assert.equal(ofType(evs, 'retry').length, 1);
    assert.equal(ofType(evs, 'retry')[0].kind, 'network');
    assert.equal(textOf(evs), 'ok');
  } finally {
    flaky.close();
  }
  const refused = await collect(streamResponse(makeRequest(endpointFor('gone', { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }), 'm')));
  assert.equal(refused.length, 1);
  assert.match(errorOf(refused)!.message, /Could not reach .*ECONNREFUSED/);
});

test('timeouts: connect (no headers), first token (only keep-alives), idle (silence mid-answer) — none retried', async () => {
  let prompt = n + 1;
  const connect = await collect(streamResponse(req('stall', { connectTimeoutMs: 300 })));
  assert.match(errorOf(connect)!.message, /did not answer within the connect timeout/);
  assert.equal(requestsFor(prompt), 1);
  prompt = n + 1;
  const started = Date.now();
  const first = await collect(streamResponse(req('ping-only', { firstTokenTimeoutMs: 400 })));
  assert.equal(first.length, 1);
  assert.equal(errorOf(first)?.kind, 'network');
  assert.match(errorOf(first)!.message, /no answer within the first-token timeout.*firstTokenTimeoutSeconds/);
  assert.ok(Date.now() - started < 2000);
  assert.equal(requestsFor(prompt), 1);
  const idle = await collect(streamResponse(req('stall-stream', { idleTimeoutMs: 300 })));
  assert.equal(textOf(idle), 'Thinking about it');
  assert.match(errorOf(idle)!.message, /stalled/);
});

test('Stop while the answer streams (after the retry layer handed over) aborts at once and keeps the text', async () => {
  const controller = new AbortController();
  const evs: StreamEvent[] = [];
  const started = Date.now();
  for await (const ev of streamResponse(req('slow', {}, controller.signal))) {
    evs.push(ev);
    if (evs.filter(e => e.type === 'text').length === 3) controller.abort();
  }
  assert.ok(Date.now() - started < 2000);
  assert.ok(textOf(evs).startsWith('word0 word1'));
  assert.deepEqual(last(evs), { type: 'error', kind: 'cancelled', message: 'Stopped.' });
});

test('a consumer that stops reading closes the request; nothing is left pending', async () => {
  const it = streamResponse(req('slow'));
  let texts = 0;
  for await (const ev of it) if (ev.type === 'text' && ++texts === 2) break;
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});

test('a consumer that stops at the very first event closes the request too', async () => {
  const it = streamResponse(req('slow'));
  for await (const ev of it) if (ev.type === 'text') break;
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});
