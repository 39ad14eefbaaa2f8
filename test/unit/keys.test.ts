// A key goes only to the origin it belongs to; local endpoints never get a cloud key (SECURITY 7-9).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { keyDecision, parseStoredKey, resolveKey, serializeStoredKey } from '../../src/core/providers/keys';
import { chatSession } from './agent-support';
import { settingsFromObject } from '../../src/core/config/settings';
import type { KeySource } from '../../src/core/ports';
import { collect, endpointFor, errorOf, newLogs } from './support';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 0 }); });
after(() => server.close());

const openai = endpointFor('openai', {});
const moved = endpointFor('openai', { baseUrl: 'https://proxy.example.com/v1' });
const lan = endpointFor('openai', { baseUrl: 'http://192.168.1.9:8000/v1' });

test('decisions: preset origin, confirmed origin, changed origin, local endpoint, no key', () => {
  assert.deepEqual(keyDecision(openai, { key: 'sk' }), { action: 'send', key: 'sk' }, 'a legacy key belongs to the preset\'s origin');
  assert.deepEqual(keyDecision(openai, { key: 'sk', origin: 'https://api.openai.com' }), { action: 'send', key: 'sk' });
  assert.deepEqual(keyDecision(moved, { key: 'sk' }), { action: 'ask', key: 'sk', from: 'https://api.openai.com', to: 'https://proxy.example.com' });
  assert.deepEqual(keyDecision(moved, { key: 'sk', origin: 'https://proxy.example.com' }), { action: 'send', key: 'sk' });
  assert.equal(keyDecision(lan, { key: 'sk' }).action, 'refuse');
  assert.equal(keyDecision(lan, { key: 'sk', origin: 'https://api.openai.com' }).action, 'refuse');
  const box = endpointFor('box', { type: 'openai-compatible', baseUrl: 'http://10.0.0.7:8000/v1' });
  assert.equal(keyDecision(box, { key: 'k', origin: 'http://10.0.0.7:8000' }).action, 'send', 'a key stored for the LAN server itself');
  assert.equal(keyDecision(box, { key: 'k' }).action, 'ask', 'a custom endpoint\'s legacy key needs confirming');
  assert.deepEqual(keyDecision(openai, undefined), { action: 'none' });
});

test('stored keys round-trip; a bare legacy string is a key without origin; junk is no key', () => {
  assert.deepEqual(parseStoredKey(serializeStoredKey({ key: 'k', origin: 'https://x' })), { key: 'k', origin: 'https://x' });
  assert.deepEqual(parseStoredKey('sk-legacy'), { key: 'sk-legacy' });
  assert.equal(parseStoredKey('{"nope":1}'), undefined);
  assert.equal(parseStoredKey(undefined), undefined);
});

test('resolveKey asks the host for a new origin and withholds the key when it cannot or the person says no', async () => {
  const logs = newLogs();
  const asked: string[] = [];
  const keys = (answer?: boolean): KeySource => ({
    getKey: async () => ({ key: 'sk-secret' }),
    ...(answer === undefined ? {} : { confirmOrigin: async (_id: string, origin: string) => { asked.push(origin); return answer; } }),
  });
  const log = { info: () => {}, warn: (m: string) => logs.warn.push(m), error: () => {} };
  const publicDns = { lookup: async () => [{ address: '203.0.113.7' }] };
  assert.deepEqual(await resolveKey(moved, keys(true), log, publicDns), { apiKey: 'sk-secret' });
  assert.deepEqual(asked, ['https://proxy.example.com']);
  assert.match((await resolveKey(moved, keys(false), log, publicDns)).keyWithheld ?? '', /was not confirmed/);
  assert.match((await resolveKey(moved, keys(), log, publicDns)).keyWithheld ?? '', /was not confirmed/);
  assert.match((await resolveKey(lan, keys(true), log)).keyWithheld ?? '', /never receive a cloud key/);
  assert.ok(logs.warn.every(l => !l.includes('sk-secret')), 'the key never reaches the log');
});

test('a workspace-planted baseUrl for a keyed provider never receives the key; the auth error says why', async () => {
  const settings = settingsFromObject({ 'tack.providers': { openai: { baseUrl: server.baseUrl } } });
  const session = chatSession({ getKey: async () => ({ key: 'sk-real', origin: 'https://api.openai.com' }) });
  const evs = await collect(session.send('hi', settings, 'openai/error-401', new AbortController().signal));
  assert.equal(server.requests.at(-1)!.headers.authorization, undefined, 'no key went to the local server');
  const err = errorOf(evs)!;
  assert.equal(err.kind, 'auth');
  assert.match(err.message, /did not send the stored key: .*local endpoints never receive a cloud key/);
  assert.ok(!err.message.includes('sk-real'));
});

test('a confirmed key goes to the configured endpoint', async () => {
  const settings = settingsFromObject({ 'tack.providers': { lab: { type: 'openai-compatible', baseUrl: server.baseUrl } } });
  const session = chatSession({ getKey: async () => ({ key: 'lab-key' }), confirmOrigin: async () => true });
  await collect(session.send('hi', settings, 'lab/echo', new AbortController().signal));
  assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer lab-key');
});
