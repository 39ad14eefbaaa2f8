// The conversation survives every failure and the next request stays well formed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { chatSession } from './agent-support';
import { settingsFromObject } from '../../src/core/config/settings';
import type { StreamEvent } from '../../src/core/events';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const settings = () => settingsFromObject({ 'tack.providers': { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local' } } });
const newSession = () => chatSession();
async function drain(it: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const signal = () => new AbortController().signal;

test('a turn appends the answer with its model and usage, and totals add up over turns', async () => {
  const s = newSession();
  await drain(s.send('one', settings(), 'local/echo', signal()));
  await drain(s.send('two', settings(), 'local/echo', signal()));
  assert.deepEqual(s.messages.map(m => m.role), ['user', 'assistant', 'user', 'assistant']);
  const a = s.messages[3];
  assert.equal(a.role === 'assistant' && a.model, 'local/echo');
  const reported = server.requests.slice(-2).map(r => r.usage!);
  assert.equal(s.totals.input, reported[0].prompt_tokens + reported[1].prompt_tokens);
  assert.equal(s.totals.output, reported[0].completion_tokens + reported[1].completion_tokens);
  assert.deepEqual(server.requests.at(-1)!.body.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'user']);
});

test('a config error keeps the user message and marks the answer, without any request', async () => {
  const s = newSession();
  const before = server.requests.length;
  for (const [ref, pattern] of [['qwen3:8b', /does not name a provider/], ['nowhere/m', /Unknown provider "nowhere"/], ['', /No model is chosen/]] as const) {
    const evs = await drain(s.send('keep me', settings(), ref, signal()));
    assert.equal(evs.length, 1);
    assert.equal(evs[0].type === 'error' && evs[0].kind, 'config');
    assert.match(evs[0].type === 'error' ? evs[0].message : '', pattern);
  }
  assert.equal(server.requests.length, before);
  assert.deepEqual(s.messages.filter(m => m.role === 'user').map(m => m.text), ['keep me', 'keep me', 'keep me']);
});

test('failed turns without an answer are left out of the next request; retry re-runs the last message', async () => {
  const s = newSession();
  await drain(s.send('first', settings(), 'local/error-500', signal()));
  await drain(s.send('second', settings(), 'local/echo', signal()));
  assert.deepEqual(server.requests.at(-1)!.body.messages.map((m: { content: string }) => m.content), ['sys', 'second']);
  await drain(s.send('third', settings(), 'local/error-401', signal()));
  assert.ok(s.canRetry());
  const evs = await drain(s.retry(settings(), 'local/echo', signal()));
  assert.equal(evs.at(-1)!.type, 'done');
  assert.deepEqual(s.messages.map(m => `${m.role}:${m.text.slice(0, 15)}`), [
    'user:first', 'assistant:', 'user:second', 'assistant:You said: secon', 'user:third', 'assistant:You said: third',
  ]);
});

test('an interrupted answer keeps its partial text in the transcript and the next request', async () => {
  const s = newSession();
  await drain(s.send('cut please', settings(), 'local/cut', signal()));
  const a = s.messages[1];
  assert.ok(a.role === 'assistant' && a.interrupted?.kind === 'network' && a.text.startsWith('You said'));
  await drain(s.send('again', settings(), 'local/echo', signal()));
  assert.deepEqual(server.requests.at(-1)!.body.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'user']);
});
