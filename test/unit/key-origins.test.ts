// Keys go only to their origin (SECURITY 7–10): local decided from resolved addresses, cloud presets without a fixed
// origin, credential headers across redirects, ambient AWS/Google credentials, and the CLI's origin confirmation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sendJson } from '../fixtures/scenarios';
import { startRawServer, type RawServer } from '../fixtures/raw-server';
import { chatSession } from './agent-support';
import { settingsFromObject } from '../../src/core/config/settings';
import { ipScope, resolvedScope } from '../../src/core/net/local-address';
import { withSafeRedirects } from '../../src/core/net/redirects';
import { ambientCredentialsAllowed, keyDecision, resolveKey } from '../../src/core/providers/keys';
import { isLocalUrl } from '../../src/core/providers/registry';
import { streamResponse } from '../../src/core/providers/stream';
import { envKeys } from '../../src/cli/config';
import { terminalYesNo } from '../../src/cli/tty';
import { jsonLines, runCli } from './cli-support';
import { collect, endpointFor, errorOf, makeRequest, newLogs } from './support';

let server: RawServer;
before(async () => {
  server = await startRawServer((_req, res) => sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
});
after(() => server.close());

const quiet = { info() {}, warn() {}, error() {} };

test('every spelling of this machine or the LAN is local; public addresses are not', () => {
  const local = [
    'http://0.0.0.0:8000/v1', 'http://[::]:8000', 'http://[::1]/', 'http://[::ffff:127.0.0.1]:1/', 'http://[::ffff:7f00:1]:1/',
    'http://127.1:9/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://localhost./', 'http://api.localhost/',
    'http://[0:0:0:0:0:0:0:1]/', 'http://[::ffff:10.1.2.3]/', 'http://10.1.2.3/', 'http://172.16.0.1/', 'http://192.168.0.1/',
    'http://169.254.169.254/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://100.64.0.1/', 'http://gpu-box:8000/', 'http://printer.local/',
    'http://[64:ff9b::7f00:1]/', 'http://0.0.0.0./',
  ];
  for (const u of local) assert.ok(isLocalUrl(u), u);
  for (const u of ['https://api.openai.com/v1', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://[::ffff:8.8.8.8]/', 'http://[2606:4700::1111]/', 'not a url']) {
    assert.ok(!isLocalUrl(u), u);
  }
  assert.equal(ipScope('::ffff:127.0.0.2'), 'loopback');
  assert.equal(ipScope('fe80::1%eth0'), 'private');
  assert.equal(ipScope('example.com'), undefined);
});

test('a name is judged by every address DNS gives for it: one loopback address makes it local', async () => {
  const dns = (addrs: string[]) => async () => addrs.map(address => ({ address }));
  assert.equal(await resolvedScope('https://rebind.example.com/v1', dns(['203.0.113.9', '127.0.0.1'])), 'loopback');
  assert.equal(await resolvedScope('https://lan.example.com/v1', dns(['::ffff:192.168.1.4'])), 'private');
  assert.equal(await resolvedScope('https://api.example.com/v1', dns(['203.0.113.9', '2001:4860::8888'])), 'public');
  assert.equal(await resolvedScope('https://nx.example.com/v1', async () => { throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }); }), 'unknown');
  const moved = endpointFor('openai', { baseUrl: 'https://rebind.example.com/v1' });
  const keys = { getKey: async () => ({ key: 'sk-cloud-0123456789' }), confirmOrigin: async () => true };
  const r = await resolveKey(moved, keys, quiet, { lookup: dns(['127.0.0.1']) });
  assert.equal(r.apiKey, undefined, 'not even after a yes');
  assert.match(r.keyWithheld!, /never receive a cloud key/);
  const unknown = await resolveKey(moved, keys, quiet, { lookup: async () => { throw new Error('ENOTFOUND'); } });
  assert.match(unknown.keyWithheld!, /could not be resolved/);
  assert.equal((await resolveKey(moved, keys, quiet, { lookup: dns(['203.0.113.9']) })).apiKey, 'sk-cloud-0123456789', 'a public host after a yes');
});

test('a cloud key sent through the whole stack never reaches a local server, however its address is spelled', async () => {
  const port = server.port;
  for (const host of ['0.0.0.0', '127.1', '2130706433', '0x7f000001', '0177.0.0.1']) {
    const before = server.requests.length;
    const settings = settingsFromObject({ 'tack.providers': { openrouter: { baseUrl: `http://${host}:${port}/v1` } }, 'tack.network.maxRetries': 0 });
    const session = chatSession({ getKey: async () => ({ key: 'sk-or-v1-secretsecret' }), confirmOrigin: async () => true });
    const evs = await collect(session.send('hi', settings, 'openrouter/x', new AbortController().signal));
    assert.ok(server.requests.length > before, `${host}: the request reached the local server`);
    assert.equal(server.requests.at(-1)!.headers.authorization, undefined, `${host}: no key`);
    assert.match(errorOf(evs)!.message, /local endpoints never receive a cloud key/, host);
  }
});

test('azure-openai (no preset origin) holds a cloud key: never local, and bound to the origin it was stored for', () => {
  const local = endpointFor('azure-openai', { baseUrl: `http://[::ffff:127.0.0.1]:${server.port}` });
  assert.equal(keyDecision(local, { key: 'az-key-123456' }).action, 'refuse');
  assert.equal(keyDecision(local, { key: 'az-key-123456', origin: `http://[::ffff:7f00:1]:${server.port}` }).action, 'refuse', 'not even when stored for that address');
  const mine = endpointFor('azure-openai', { baseUrl: 'https://mine.openai.azure.com' });
  assert.equal(keyDecision(mine, { key: 'k-123456', origin: 'https://mine.openai.azure.com' }).action, 'send');
  assert.deepEqual(keyDecision(mine, { key: 'k-123456', origin: 'https://other.openai.azure.com' }), { action: 'ask', key: 'k-123456', from: 'https://other.openai.azure.com', to: 'https://mine.openai.azure.com' });
  assert.equal(keyDecision(mine, { key: 'k-123456' }).action, 'ask', 'a key with no origin at all is confirmed first');
});

test('a redirect to another origin carries no credential header; one within the origin keeps it', async () => {
  const target = await startRawServer((_req, res) => sendJson(res, 401, { error: { message: 'nope' } }));
  const hop = await startRawServer((req, res) => {
    const sameOrigin = req.path.startsWith('/same');
    res.writeHead(307, { location: sameOrigin ? `/openai/deployments/echo/chat/completions?api-version=1` : `${target.baseUrl}${req.path}` });
    res.end();
  });
  try {
    const azure = endpointFor('azure-openai', { baseUrl: hop.baseUrl, apiVersion: '1' });
    await collect(streamResponse(makeRequest(azure, 'echo', { apiKey: 'az-secret-key-1', network: { connectTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 0 } })));
    assert.equal(target.requests.length, 1, 'the redirect was followed');
    const h = target.requests[0].headers;
    assert.equal(h['api-key'], undefined);
    assert.equal(h.authorization, undefined);
    assert.equal(target.requests[0].method, 'POST', '307 keeps the method and body');
    assert.match(target.requests[0].body, /"messages"/);

    const anthropic = endpointFor('claude-gw', { type: 'anthropic', baseUrl: hop.baseUrl });
    await collect(streamResponse(makeRequest(anthropic, 'm', { apiKey: 'sk-ant-secret-1', network: { connectTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 0 } })));
    assert.equal(target.requests.at(-1)!.headers['x-api-key'], undefined);
    assert.equal(target.requests.at(-1)!.headers['anthropic-version'] !== undefined, true, 'harmless headers stay');

    const same = withSafeRedirects(fetch);
    await same(`${hop.baseUrl}/same`, { method: 'POST', headers: { 'api-key': 'az-secret-key-1', 'content-type': 'application/json' }, body: '{}' });
    const back = hop.requests.at(-1)!;
    assert.equal(back.path, '/openai/deployments/echo/chat/completions?api-version=1');
    assert.equal(back.headers['api-key'], 'az-secret-key-1', 'same origin: kept');
  } finally {
    await target.close();
    await hop.close();
  }
});

test('a 301/302/303 after a POST turns into a GET without body; redirect loops end', async () => {
  const seen = await startRawServer((req, res) => {
    if (req.path === '/loop') { res.writeHead(302, { location: '/loop' }); res.end(); return; }
    if (req.path === '/post') { res.writeHead(303, { location: '/landed' }); res.end(); return; }
    sendJson(res, 200, { method: req.method, body: req.body });
  });
  try {
    const f = withSafeRedirects(fetch);
    const r = await (await f(`${seen.baseUrl}/post`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } })).json() as { method: string; body: string };
    assert.deepEqual(r, { method: 'GET', body: '' });
    await assert.rejects(f(`${seen.baseUrl}/loop`), /more than 10 redirects/);
  } finally {
    await seen.close();
  }
});

test('AWS credentials from the environment never reach a Bedrock endpoint outside AWS; Google ADC never a Vertex one', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAHARDENINGTEST', AWS_SECRET_ACCESS_KEY: 'aws-secret-hardening', AWS_SESSION_TOKEN: 'aws-session-hardening', AWS_BEARER_TOKEN_BEDROCK: 'bedrock-bearer-hardening' });
  try {
    for (const baseUrl of [server.baseUrl, `http://0.0.0.0:${server.port}`, `http://[::ffff:127.0.0.1]:${server.port}`.replace('[::ffff:127.0.0.1]', '127.1')]) {
      const before = server.requests.length;
      const bedrock = endpointFor('bedrock', { baseUrl, region: 'us-east-1' });
      await collect(streamResponse(makeRequest(bedrock, 'anthropic.claude-sonnet-4-5-20250929-v1:0', { network: { connectTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 0 } })));
      assert.equal(server.requests.length, before + 1, baseUrl);
      const h = server.requests.at(-1)!.headers;
      assert.equal(h.authorization, undefined, `${baseUrl}: no SigV4 and no bearer`);
      assert.equal(h['x-amz-security-token'], undefined, baseUrl);
    }
    const vertex = endpointFor('vertex', { baseUrl: `${server.baseUrl}/v1`, projectId: 'p', region: 'us-east5' });
    await collect(streamResponse(makeRequest(vertex, 'claude', { network: { connectTimeoutMs: 2000, idleTimeoutMs: 2000, maxRetries: 0 } })));
    assert.equal(server.requests.at(-1)!.headers.authorization, undefined);
  } finally {
    process.env = saved;
  }
  assert.ok(ambientCredentialsAllowed({ type: 'bedrock', baseUrl: 'https://bedrock-runtime.eu-west-1.amazonaws.com' }));
  assert.ok(!ambientCredentialsAllowed({ type: 'bedrock', baseUrl: 'http://bedrock-runtime.eu-west-1.amazonaws.com' }), 'https only');
  assert.ok(!ambientCredentialsAllowed({ type: 'bedrock', baseUrl: 'https://amazonaws.com.evil.example' }));
  assert.ok(ambientCredentialsAllowed({ type: 'vertex', baseUrl: 'https://us-east5-aiplatform.googleapis.com/v1' }));
  assert.ok(!ambientCredentialsAllowed({ type: 'vertex', baseUrl: 'https://googleapis.com.evil.example/v1' }));
});

test('CLI keys: the preset\'s origin or the one the config file names; anything else asks on a terminal or is refused', async () => {
  const settings = settingsFromObject({ 'tack.providers': { openai: { baseUrl: 'https://gateway.example.com/v1' } } });
  const env = { OPENAI_API_KEY: 'sk-env-1234567890', LAB_API_KEY: 'lab-key-1234567890', TACK_CONFIG: '/home/me/tack.json' };
  const publicDns = { lookup: async () => [{ address: '203.0.113.5' }] };
  const configured = endpointFor('openai', { baseUrl: 'https://gateway.example.com/v1' });
  assert.deepEqual(await resolveKey(configured, envKeys(env, settings), quiet, publicDns), { apiKey: 'sk-env-1234567890' }, 'the config names it');
  assert.deepEqual(await resolveKey(endpointFor('openai', {}), envKeys(env, settingsFromObject({})), quiet), { apiKey: 'sk-env-1234567890' }, 'the preset\'s own origin');
  const lab = endpointFor('lab', { type: 'openai-compatible', baseUrl: 'https://lab.example.com/v1' });
  const logs = newLogs();
  const refused = await resolveKey(lab, envKeys(env, settingsFromObject({})), { ...quiet, warn: m => logs.warn.push(m) }, publicDns);
  assert.equal(refused.apiKey, undefined);
  assert.match(refused.keyWithheld!, /LAB_API_KEY .*no terminal to ask whether it may go to https:\/\/lab\.example\.com.*"tack\.providers": \{ "lab".*\/home\/me\/tack\.json/);
  const questions: string[] = [];
  const yes = await resolveKey(lab, envKeys(env, settingsFromObject({}), async q => { questions.push(q); return true; }), quiet, publicDns);
  assert.equal(yes.apiKey, 'lab-key-1234567890');
  assert.match(questions[0], /LAB_API_KEY .* Send it to https:\/\/lab\.example\.com\? \[y\/N\]/);
  const no = await resolveKey(lab, envKeys(env, settingsFromObject({}), async () => false), quiet, publicDns);
  assert.match(no.keyWithheld!, /was not confirmed/);
  assert.equal(terminalYesNo(process.stdin, process.stderr) === undefined, !(process.stdin.isTTY && process.stderr.isTTY), 'asks only on a terminal');
});

test('tack run without a terminal refuses a key for an origin the config does not name, and says how to allow it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-keys-'));
  try {
    const cfg = path.join(dir, 'settings.json');
    // A user-level profiles file may add providers; its id is not in tack.providers, so the key's origin is not named.
    fs.writeFileSync(cfg, JSON.stringify({ 'tack.profiles': { providers: { lab: { baseUrl: `${server.baseUrl}/v1` } } }, 'tack.network.maxRetries': 0 }));
    const before = server.requests.length;
    const r = await runCli(dir, cfg, ['run', '--json', '--cwd', dir, '--model', 'lab/m', 'hi'], { LAB_API_KEY: 'lab-secret-9876543210' });
    assert.notEqual(r.code, 0);
    assert.equal(server.requests.length, before + 1);
    assert.equal(server.requests.at(-1)!.headers.authorization, undefined);
    const err = jsonLines(r.stdout).find(e => e.type === 'error');
    assert.equal(err.kind, 'auth');
    assert.match(err.message, /no terminal to ask/);
    assert.ok(!r.stdout.includes('lab-secret-9876543210') && !r.stderr.includes('lab-secret-9876543210'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
