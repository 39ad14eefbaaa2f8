// A turn with a profile's hooks: policy refuses before any request, options reach the wire, prices fill the cost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { chatSession } from './agent-support';
import type { TurnOptions } from '../../src/core/agent/turn-options';
import { settingsFromObject } from '../../src/core/config/settings';
import type { StreamEvent } from '../../src/core/events';
import { budgetStopError, checkAllowedProvider, checkBudget, nextFallbackModel } from '../../src/core/profiles/policy';
import { requestOptionsFor } from '../../src/core/profiles/apply';
import { totalTokens } from '../../src/core/ledger/session';
import type { ResolvedProfile } from '../../src/core/profiles/types';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 0 }); });
after(() => server.close());

const settings = () => settingsFromObject({ 'tack.providers': { local: { type: 'openai-compatible', baseUrl: server.baseUrl } } });
const session = () => chatSession();
async function drain(it: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const signal = () => new AbortController().signal;

function hooks(profile: ResolvedProfile, price = { input: 2, output: 8 }): TurnOptions {
  return {
    check: (target, totals) => checkAllowedProvider(profile, target.endpoint.id)
      ?? budgetStopError(checkBudget({ costUsd: totals.costUsd, tokens: totalTokens(totals) }, profile)),
    options: target => requestOptionsFor(profile, target.endpoint.id),
    price: () => price,
  };
}
const profile = (p: Partial<ResolvedProfile>): ResolvedProfile => ({ name: 'p', source: 'workspace', chain: ['p'], fallbackModels: [], systemPrompt: 'system', tools: {}, expectQuantization: [], ...p });

test('options from the profile are sent and the usage is priced from the table', async () => {
  const s = session();
  const evs = await drain(s.send('hi', settings(), 'local/echo', signal(), hooks(profile({ temperature: 0.3, maxOutputTokens: 64 }))));
  const req = server.requests.at(-1)!;
  assert.equal(req.body.temperature, 0.3);
  assert.equal(req.body.max_tokens, 64);
  const usage = evs.find(e => e.type === 'usage') as Extract<StreamEvent, { type: 'usage' }>;
  const expected = (req.usage!.prompt_tokens * 2 + req.usage!.completion_tokens * 8) / 1e6;
  assert.ok(Math.abs(usage.usage.costUsd! - expected) < 1e-12);
  assert.ok(Math.abs(s.totals.costUsd! - expected) < 1e-12);
});

test('a forbidden provider ends the turn with a policy error before any request; the message is kept', async () => {
  const s = session();
  const before = server.requests.length;
  const evs = await drain(s.send('hi', settings(), 'local/echo', signal(), hooks(profile({ name: 'eu-only', allowedProviders: ['ollama'] }))));
  assert.equal(server.requests.length, before);
  assert.deepEqual(evs.map(e => e.type), ['error']);
  assert.match((evs[0] as { message: string }).message, /Profile "eu-only" does not allow provider "local"/);
  assert.equal(s.messages[0].role, 'user');
});

test('a spent budget stops the next request until the host lets it continue', async () => {
  const s = session();
  const p = profile({ name: 'capped', budget: { sessionTokens: 10 } });
  await drain(s.send('first', settings(), 'local/echo', signal(), hooks(p)));
  const before = server.requests.length;
  const evs = await drain(s.send('second', settings(), 'local/echo', signal(), hooks(p)));
  assert.equal(server.requests.length, before);
  assert.equal((evs[0] as { kind: string }).kind, 'policy');
  assert.match((evs[0] as { message: string }).message, /Session budget of profile "capped" reached/);
  const resumed = await drain(s.send('third', settings(), 'local/echo', signal(), { ...hooks(p), check: undefined }));
  assert.equal(resumed.at(-1)!.type, 'done');
});

test('fallbackModels: a rate-limited or failing model before any output hands the turn to the next one, announced', async () => {
  const p = profile({ model: 'local/error-429', fallbackModels: ['local/error-503', 'local/echo'] });
  const s = session();
  const before = server.requests.length;
  const evs = await drain(s.send('fall back please', settings(), 'local/error-429', signal(), {
    ...hooks(p),
    fallback: (kind, tried) => nextFallbackModel(p, tried, kind),
  }));
  const models = server.requests.slice(before).map(r => r.model);
  assert.ok(models.includes('error-429') && models.includes('error-503') && models.at(-1) === 'echo', models.join(','));
  const notes = evs.filter(e => e.type === 'retry' && e.waitMs === 0).map(e => (e as { message: string }).message);
  assert.equal(notes.length, 2);
  assert.match(notes[1], /Falling back to local\/echo/);
  assert.equal(evs.at(-1)!.type, 'done');
  const answer = s.messages[1];
  assert.ok(answer.role === 'assistant' && answer.model === 'local/echo' && !answer.interrupted && answer.text.startsWith('You said'));
});

test('no fallback after output has started, after Stop, or for errors fallbacks do not cover', async () => {
  const p = profile({ model: 'local/error-401', fallbackModels: ['local/echo'] });
  const s = session();
  const evs = await drain(s.send('auth fails', settings(), 'local/error-401', signal(), { ...hooks(p), fallback: (kind, tried) => nextFallbackModel(p, tried, kind) }));
  const lastEv = evs.at(-1)!;
  assert.equal(lastEv.type === 'error' && lastEv.kind, 'auth');
  const mid = profile({ model: 'local/error-mid', fallbackModels: ['local/echo'] });
  const before = server.requests.length;
  const evs2 = await drain(s.send('fail midway', settings(), 'local/error-mid', signal(), { ...hooks(mid), fallback: () => 'local/echo' }));
  assert.ok(evs2.some(e => e.type === 'text'), 'some output arrived first');
  assert.equal(evs2.at(-1)!.type, 'error', 'a partial answer is not continued on another model');
  assert.ok(!server.requests.slice(before).some(r => r.model === 'echo'));
  const stopped = new AbortController();
  stopped.abort();
  const sent = server.requests.length;
  const evs3 = await drain(s.send('stopped', settings(), 'local/error-429', stopped.signal, { ...hooks(p), fallback: () => 'local/echo' }));
  // Stopped before the first request: nothing is sent, nothing falls back.
  assert.deepEqual(evs3, []);
  assert.equal(server.requests.length, sent);
  assert.equal(s.messages.at(-2)!.role === 'user' && s.messages.at(-2)!.text, 'stopped', 'the message is kept');
  const cancelled = s.messages.at(-1)!;
  assert.equal(cancelled.role === 'assistant' && cancelled.interrupted?.kind, 'cancelled', 'the cancellation is recorded');
});
