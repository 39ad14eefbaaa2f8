// `tack verify` as a user runs it: the built CLI against local servers that serve the "same model" — the vendor's
// own (the reference), a faithful host, a host with broken tool calls that is also slower, and one answering 401.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVerifyServer, type VerifyServer } from '../fixtures/verify-server';
import { jsonLines, runCli } from './cli-support';

let vendor: VerifyServer, faithful: VerifyServer, broken: VerifyServer, denied: VerifyServer;
let dir: string;
before(async () => {
  [vendor, faithful, broken, denied] = await Promise.all([
    startVerifyServer({ mode: 'faithful' }),
    startVerifyServer({ mode: 'faithful' }),
    startVerifyServer({ mode: 'broken', firstTokenDelayMs: 200, chunkDelayMs: 20 }),
    startVerifyServer({ mode: 'unauthorized' }),
  ]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-verify-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'tack.providers': {
      vendor: { type: 'openai-compatible', baseUrl: vendor.baseUrl },
      good: { type: 'openai-compatible', baseUrl: faithful.baseUrl, quantization: 'fp8' },
      cheap: { type: 'openai-compatible', baseUrl: broken.baseUrl },
      nokey: { type: 'openai-compatible', baseUrl: denied.baseUrl },
    },
  }));
});
after(async () => {
  await Promise.all([vendor, faithful, broken, denied].map(s => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(dir, path.join(dir, 'settings.json'), args, { TACK_DATA_DIR: path.join(dir, 'data'), NOKEY_API_KEY: 'sk-wrong' });

test('verify --json: one row per target; the broken, slower host is worse on every measure; the 401 is in its own row', async () => {
  const r = await cli(['verify', '--json', '--runs', '2', '--reference', 'vendor/kimi-k2', '--target', 'good/kimi-k2', '--target', 'cheap/kimi-k2', '--target', 'nokey/kimi-k2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /verify \(suite 1, 2 runs\): 88 requests \(22 per target\), cost unknown/);
  const rows = jsonLines(r.stdout);
  assert.deepEqual(rows.map(x => x.target), ['vendor/kimi-k2', 'good/kimi-k2', 'cheap/kimi-k2', 'nokey/kimi-k2']);
  const [ref, good, cheap, nokey] = rows;
  for (const row of rows) assert.equal(row.type, 'verify');
  assert.equal(ref.reference, true);
  assert.equal(ref.similarity, null, 'the reference has no similarity to itself');
  assert.equal(good.requests, 22);
  assert.equal(cheap.requests, 22);
  assert.deepEqual(good.errors, []);
  assert.deepEqual(cheap.errors, []);
  // The faithful host matches the reference; the broken one falls short on every measure.
  assert.deepEqual([good.toolCallTriggered, good.toolCallValid, good.unexpectedCalls, good.similarity, good.exactMatch], [1, 1, 0, 1, 1]);
  assert.ok(cheap.toolCallTriggered < good.toolCallTriggered, `triggered ${cheap.toolCallTriggered}`);
  assert.ok(cheap.toolCallValid < good.toolCallValid, `valid ${cheap.toolCallValid}`);
  assert.ok(cheap.unexpectedCalls > good.unexpectedCalls, `unexpected ${cheap.unexpectedCalls}`);
  assert.ok(cheap.similarity < good.similarity, `similarity ${cheap.similarity}`);
  assert.ok(cheap.exactMatch < good.exactMatch, `exact ${cheap.exactMatch}`);
  assert.ok(cheap.ttftMs > good.ttftMs, `ttft ${cheap.ttftMs} vs ${good.ttftMs}`);
  assert.ok(cheap.tokensPerSec < good.tokensPerSec, `tokens/s ${cheap.tokensPerSec} vs ${good.tokensPerSec}`);
  // Exactly the broken calls the server sends: 3 of 4 expected calls made, 1 of 3 valid, 1 of 2 no-call probes with a call.
  assert.equal(cheap.toolCallTriggered, 0.75);
  assert.equal(+cheap.toolCallValid.toFixed(4), +(1 / 3).toFixed(4));
  assert.equal(cheap.unexpectedCalls, 0.5);
  assert.equal(cheap.exactMatch, 0.8);
  assert.match(cheap.note, /tool calls/);
  assert.deepEqual(good.quantization, { value: 'fp8', source: 'declared' });
  // The 401 target: its error in its own row, one request (nothing more is sent after an auth failure).
  assert.equal(nokey.requests, 1);
  assert.equal(nokey.errors.length, 1);
  assert.equal(nokey.errors[0].kind, 'auth');
  assert.match(nokey.errors[0].message, /401|key/i);
  assert.equal(nokey.toolCallTriggered, null);
  assert.equal(nokey.ttftMs, null);
  assert.equal(denied.requests.length, 1);
  assert.equal(denied.requests[0].headers.authorization, 'Bearer sk-wrong');

  // Results are kept with the suite version; every request's usage went to the usage log, marked as CLI.
  const kept = fs.readFileSync(path.join(dir, 'data', 'verify.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
  assert.equal(kept.length, 4);
  assert.ok(kept.every(k => k.suiteVersion === '1' && k.versions.tack && k.day));
  const usage = fs.readFileSync(path.join(dir, 'data', 'usage.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
  assert.equal(usage.length, 66, 'one record per answered request (the 401 reported no usage)');
  assert.ok(usage.every(u => u.host === 'cli' && u.v === 1));
  assert.deepEqual([...new Set(usage.map(u => u.provider))].sort(), ['cheap', 'good', 'vendor']);
  assert.ok(!fs.readFileSync(path.join(dir, 'data', 'verify.jsonl'), 'utf8').includes('sk-wrong'));
});

test('verify without --json prints a table, a sentence per host, and what the numbers do not mean', async () => {
  const r = await cli(['verify', '--runs', '1', '--target', 'good/kimi-k2', '--target', 'cheap/kimi-k2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^target\s+calls made\s+calls valid/);
  assert.match(r.stdout, /good\/kimi-k2 \(reference\)/);
  assert.match(r.stdout, /cheap\/kimi-k2: .*tool calls/);
  assert.match(r.stdout, /not the model's quality in general/);
});

test('verify: argument errors', async () => {
  for (const [args, re] of [[['verify'], /at least one --target/], [['verify', '--target', 'a/b', '--runs', '0'], /--runs must be/], [['verify', 'a/b'], /--target/]] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, re);
  }
});
