// Streams always end (SECURITY 30, 31, 34): keep-alives after the first token, endless lines, gzip bombs, listings that
// page forever, and Chat Completions streams that close mid-answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { sendJson } from '../fixtures/scenarios';
import { keepWriting, sse, startRawServer, type RawServer } from '../fixtures/raw-server';
import { ndjson } from '../../src/core/providers/ollama';
import { listModels } from '../../src/core/providers/models';
import { streamResponse } from '../../src/core/providers/stream';
import type { NetworkSettings } from '../../src/core/config/settings';
import { collect, endpointFor, errorOf, makeRequest, textOf } from './support';

const chatChunk = (content: string, finish: string | null = null) => sse({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
const antEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const antStart = antEvent('message_start', { message: { id: 'm', type: 'message', role: 'assistant', content: [], model: 'x', usage: { input_tokens: 1, output_tokens: 0 } } })
  + antEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
  + antEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Partial' } });

/** Behaviour by model name (Chat Completions, Anthropic Messages and Ollama share one server). */
let server: RawServer;
before(async () => {
  server = await startRawServer((req, res) => {
    const model = (JSON.parse(req.body || '{}') as { model?: string }).model ?? '';
    const sseHead = () => res.writeHead(200, { 'content-type': 'text/event-stream' });
    switch (model) {
      case 'keepalive-after-token': sseHead(); res.write(chatChunk('Partial')); keepWriting(res, ': keep-alive\n\n', 20); return;
      case 'ping-after-token': sseHead(); res.write(antStart); keepWriting(res, antEvent('ping', {}), 20); return;
      case 'blank-after-token': res.writeHead(200, { 'content-type': 'application/x-ndjson' }); res.write('{"message":{"role":"assistant","content":"Partial"}}\n'); keepWriting(res, '\n', 20); return;
      case 'keepalive-before-token': {
        sseHead();
        let n = 0;
        const t = setInterval(() => {
          if (++n < 15) { res.write(': keep-alive\n\n'); return; }
          clearInterval(t);
          res.end(chatChunk('Loaded.') + chatChunk('', 'stop') + 'data: [DONE]\n\n');
        }, 40);
        res.on('close', () => clearInterval(t));
        return;
      }
      case 'long-line': sseHead(); res.write(chatChunk('Partial')); res.write(`data: {"choices":[{"index":0,"delta":{"content":"${'a'.repeat(9 * 1024 * 1024)}`); return;
      case 'long-ndjson': res.writeHead(200, { 'content-type': 'application/x-ndjson' }); res.write('{"message":{"content":"Partial"}}\n'); keepWriting(res, 'b'.repeat(64 * 1024), 1); return;
      case 'long-anthropic': sseHead(); res.write(antStart); keepWriting(res, 'c'.repeat(64 * 1024), 1); return;
      case 'gzip-bomb': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
        const gz = zlib.createGzip();
        gz.pipe(res);
        gz.write(chatChunk('Partial'));
        // Spaces without a line break: what a bomb inflates to is held by Tack, not parsed.
        const block = Buffer.alloc(1024 * 1024, ' ');
        const pump = () => { while (!res.destroyed && gz.write(block)) { /* fill until backpressure */ } };
        gz.on('drain', pump);
        res.on('close', () => gz.destroy());
        pump();
        return;
      }
      case 'done-no-finish': sseHead(); res.end(chatChunk('All of it.') + 'data: [DONE]\n\n'); return;
      case 'finish-no-done': sseHead(); res.end(chatChunk('All of it.') + chatChunk('', 'stop')); return;
      case 'closed-mid-answer': sseHead(); res.end(chatChunk('Half an ans')); return;
    }
    if (req.path.startsWith('/v1/models')) {
      if (req.headers['x-test'] === 'drip' || req.path.includes('drip')) { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"data":['); keepWriting(res, ' ', 30); return; }
      const n = server.requests.length;
      return sendJson(res, 200, { data: [{ type: 'model', id: `m${n}`, display_name: `M${n}`, created_at: '2025-01-01T00:00:00Z' }], has_more: true, first_id: `m${n}`, last_id: `m${n}` });
    }
    sendJson(res, 404, { error: { message: `unknown ${model}` } });
  });
});
after(() => server.close());

const net = (over: Partial<NetworkSettings> = {}): NetworkSettings => ({ connectTimeoutMs: 3000, idleTimeoutMs: 300, firstTokenTimeoutMs: 5000, maxRetries: 0, ...over });
const chat = () => endpointFor('gw', { type: 'openai-compatible', baseUrl: `${server.baseUrl}/v1` });
const claude = () => endpointFor('claude-gw', { type: 'anthropic', baseUrl: server.baseUrl });
const ollama = () => endpointFor('box', { type: 'ollama', baseUrl: server.baseUrl });

test('after the first token, keep-alives do not re-arm the idle watchdog (SSE comments, Anthropic ping, Ollama blank lines)', async () => {
  for (const [endpoint, model] of [[chat(), 'keepalive-after-token'], [claude(), 'ping-after-token'], [ollama(), 'blank-after-token']] as const) {
    const evs = await collect(streamResponse(makeRequest(endpoint, model, { network: net() })));
    assert.equal(textOf(evs), 'Partial', `${model}: the partial answer is kept`);
    const err = errorOf(evs);
    assert.equal(err?.kind, 'network', `${model}: ${JSON.stringify(evs.at(-1))}`);
    assert.match(err!.message, /stalled: no data within the idle timeout/);
    assert.ok(!evs.some(e => e.type === 'done'));
  }
});

test('before the first token, keep-alives still count as life (a model loading)', async () => {
  const evs = await collect(streamResponse(makeRequest(chat(), 'keepalive-before-token', { network: net() })));
  assert.equal(textOf(evs), 'Loaded.');
  assert.deepEqual(evs.at(-1), { type: 'done', stopReason: 'stop' });
});

test('a line longer than 8 MB ends the stream as a bad response (the real cap), partial answer kept', async () => {
  const evs = await collect(streamResponse(makeRequest(chat(), 'long-line', { network: net({ idleTimeoutMs: 10_000 }) })));
  assert.equal(textOf(evs), 'Partial');
  const err = errorOf(evs)!;
  assert.equal(err.kind, 'bad_response', JSON.stringify(err));
  assert.match(err.message, /a line longer than 8 MB/);
});

test('endless lines on Ollama NDJSON and Anthropic SSE hit the (injected) line cap', async () => {
  for (const [endpoint, model] of [[ollama(), 'long-ndjson'], [claude(), 'long-anthropic']] as const) {
    const evs = await collect(streamResponse(makeRequest(endpoint, model, { network: net({ idleTimeoutMs: 10_000, maxLineBytes: 1024 * 1024 }) })));
    assert.equal(textOf(evs), 'Partial', model);
    const err = errorOf(evs)!;
    assert.equal(err.kind, 'bad_response', `${model}: ${JSON.stringify(err)}`);
    assert.match(err.message, /a line longer than 1 MB/);
  }
});

test('a gzip bomb after the first token ends at the inflated-size cap', async () => {
  const evs = await collect(streamResponse(makeRequest(chat(), 'gzip-bomb', { network: net({ idleTimeoutMs: 10_000, maxResponseBytes: 4 * 1024 * 1024, maxLineBytes: 64 * 1024 * 1024 }) })));
  assert.equal(textOf(evs), 'Partial');
  const err = errorOf(evs)!;
  assert.equal(err.kind, 'bad_response', JSON.stringify(evs));
  assert.match(err.message, /more than 4 MB in one response/);
});

test('the NDJSON reader joins a long line from many chunks, also across split UTF-8 characters', async () => {
  const line = JSON.stringify({ message: { content: `${'x'.repeat(30_000)}é€😀` } });
  const bytes = Buffer.from(`${line}\n{"done":true}\n`);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.subarray(i, i + 7));
      c.close();
    },
  });
  const out: unknown[] = [];
  for await (const v of ndjson(body, () => {})) out.push(v);
  assert.equal(out.length, 2);
  assert.equal((out[0] as { message: { content: string } }).message.content.slice(-4), 'é€😀');
});

test('a model list that always has more pages stops at the page cap; a list that drips stops at the time cap', async () => {
  const before = server.requests.length;
  const listing = await listModels(claude(), undefined, net({ maxListPages: 5 }), { fresh: true });
  assert.equal(listing.models.length, 5);
  assert.equal(server.requests.length - before, 5, 'exactly five pages asked for');
  const dripping = endpointFor('drip', { type: 'openai-compatible', baseUrl: `${server.baseUrl}/v1/models/drip` });
  const slow = await listModels({ ...dripping, baseUrl: `${server.baseUrl}/v1/models/drip` }, undefined, net({ idleTimeoutMs: 5000, listTimeoutMs: 400 }), { fresh: true });
  assert.match(slow.error ?? '', /took too long/);
});

test('Chat Completions: [DONE] without finish_reason or finish_reason without [DONE] is complete; neither is incomplete', async () => {
  for (const model of ['done-no-finish', 'finish-no-done']) {
    const evs = await collect(streamResponse(makeRequest(chat(), model, { network: net() })));
    assert.equal(textOf(evs), 'All of it.');
    assert.equal(evs.at(-1)!.type, 'done', model);
  }
  const cut = await collect(streamResponse(makeRequest(chat(), 'closed-mid-answer', { network: net() })));
  assert.equal(textOf(cut), 'Half an ans');
  assert.equal(errorOf(cut)?.kind, 'network');
  assert.match(errorOf(cut)!.message, /no finish_reason, no \[DONE\]/);
});
