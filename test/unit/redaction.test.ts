// A server that echoes the key (gateways do) never gets it printed: errors, retry events, stderr and TACK_DEBUG lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sendJson } from '../fixtures/scenarios';
import { startRawServer, type RawServer } from '../fixtures/raw-server';
import { redactSecrets } from '../../src/core/providers/redact';
import { streamResponse } from '../../src/core/providers/stream';
import { listModels } from '../../src/core/providers/models';
import { runCli } from './cli-support';
import { collect, endpointFor, makeRequest, newLogs } from './support';

const KEY = 'sk-proj-Zq81hA0b9TqPfLw3XkA7';

let server: RawServer;
before(async () => {
  server = await startRawServer((req, res) => {
    const auth = String(req.headers.authorization ?? req.headers['x-api-key'] ?? '');
    const bare = auth.replace(/^Bearer /, '');
    const masked = `${bare.slice(0, 10)}****${bare.slice(-4)}`;
    if (req.path.includes('echo-401') || req.body.includes('echo-401')) return sendJson(res, 401, { error: { message: `Incorrect API key provided: ${auth}. Also seen as ${masked} and ${bare.slice(0, 12)}…`, type: 'invalid_api_key' } });
    if (req.body.includes('echo-500')) return sendJson(res, 500, { error: { message: `upstream rejected ${auth}`, type: 'server_error' } });
    if (req.body.includes('echo-html')) { res.writeHead(200, { 'content-type': 'text/html' }); res.end(`<html>proxy says key=${bare}</html>`); return; }
    if (req.body.includes('echo-ndjson')) { res.writeHead(200, { 'content-type': 'application/x-ndjson' }); res.end(`{"message":{"content":"hi"}}\nnot json ${bare}\n`); return; }
    if (req.path.endsWith('/models')) return sendJson(res, 403, { error: { message: `key ${bare} has no access` } });
    return sendJson(res, 404, { error: { message: 'no' } });
  });
});
after(() => server.close());

const net = { connectTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 1, retryBaseDelayMs: 1 };

test('redactSecrets removes the key, its recognisable prefixes with masks, and leaves other text alone', () => {
  const s = (t: string) => redactSecrets(t, [KEY]);
  assert.equal(s(`Incorrect API key provided: Bearer ${KEY}.`), 'Incorrect API key provided: Bearer [redacted].');
  assert.equal(s(`key sk-proj-Zq8****XkA7 was refused`), 'key [redacted] was refused');
  assert.equal(s(`seen ${KEY.slice(0, 12)}… twice`), 'seen [redacted] twice');
  assert.equal(s(`prefix ${KEY.slice(0, 9)}*** and ${KEY.slice(0, 9)}...${KEY.slice(-4)}`), 'prefix [redacted] and [redacted]');
  assert.equal(s('nothing secret here: sk-'), 'nothing secret here: sk-');
  assert.equal(redactSecrets('a b c', ['a']), 'a b c', 'too short to be a key');
  assert.equal(redactSecrets(`x ${KEY}${KEY} y`, [KEY, undefined]), 'x [redacted][redacted] y');
});

test('an echoed key is removed from error messages, retry events and the log (Chat Completions, Anthropic, Ollama)', async () => {
  const chat = endpointFor('gw', { type: 'openai-compatible', baseUrl: `${server.baseUrl}/v1` });
  const logs = newLogs();
  const checkClean = (evs: unknown[]) => {
    const text = JSON.stringify(evs) + JSON.stringify(logs);
    assert.ok(!text.includes(KEY.slice(0, 8)), text);
  };
  const auth = await collect(streamResponse(makeRequest(chat, 'echo-401', { apiKey: KEY, network: net }, logs)));
  assert.equal(auth.at(-1)!.type, 'error');
  assert.match((auth.at(-1) as { message: string }).message, /Incorrect API key provided: Bearer \[redacted\]/);
  checkClean(auth);
  const retried = await collect(streamResponse(makeRequest(chat, 'echo-500', { apiKey: KEY, network: net }, logs)));
  assert.ok(retried.some(e => e.type === 'retry'));
  checkClean(retried);
  const html = await collect(streamResponse(makeRequest(chat, 'echo-html', { apiKey: KEY, network: net }, logs)));
  assert.equal((html.at(-1) as { kind: string }).kind, 'bad_response');
  assert.ok(logs.error.some(l => /proxy says key=\[redacted\]/.test(l)), 'the excerpt is logged, redacted');
  checkClean(html);
  const claude = endpointFor('claude-gw', { type: 'anthropic', baseUrl: server.baseUrl });
  const ant = await collect(streamResponse(makeRequest(claude, 'echo-401', { apiKey: KEY, network: net }, logs)));
  assert.match((ant.at(-1) as { message: string }).message, /\[redacted\]/);
  checkClean(ant);
  const ollama = endpointFor('box', { type: 'ollama', baseUrl: server.baseUrl });
  const nd = await collect(streamResponse(makeRequest(ollama, 'echo-ndjson', { apiKey: KEY, network: net }, logs)));
  assert.equal((nd.at(-1) as { kind: string }).kind, 'bad_response');
  assert.ok(logs.error.some(l => /not json \[redacted\]/.test(l)));
  checkClean(nd);
  const listing = await listModels(chat, { key: KEY, origin: new URL(server.baseUrl).origin }, net, { fresh: true });
  assert.match(listing.error!, /\[redacted\]/);
  assert.ok(!listing.error!.includes(KEY.slice(0, 8)));
});

test('tack run prints no echoed key on stdout or stderr, also with TACK_DEBUG', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-redact-'));
  try {
    const cfg = path.join(dir, 'settings.json');
    fs.writeFileSync(cfg, JSON.stringify({ 'tack.providers': { gw: { type: 'openai-compatible', baseUrl: `${server.baseUrl}/v1` } }, 'tack.network.maxRetries': 0 }));
    for (const args of [['run', '--model', 'gw/echo-401', 'hi'], ['run', '--json', '--model', 'gw/echo-html', 'hi']]) {
      const r = await runCli(dir, cfg, args, { GW_API_KEY: KEY, TACK_DEBUG: '1' });
      assert.notEqual(r.code, 0);
      assert.ok(!(r.stdout + r.stderr).includes(KEY.slice(0, 8)), `${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout + r.stderr, /\[redacted\]/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
