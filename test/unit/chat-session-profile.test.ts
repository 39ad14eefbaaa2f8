// A turn with a profile's hooks: policy refuses before any request, options reach the wire, prices fill the cost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { ChatSession, type TurnOptions } from '../../src/core/agent/chat-session';
import { settingsFromObject } from '../../src/core/config/settings';
import type { StreamEvent } from '../../src/core/events';
import { budgetStopError, checkAllowedProvider, checkBudget } from '../../src/core/profiles/policy';
import { requestOptionsFor } from '../../src/core/profiles/apply';
import { totalTokens } from '../../src/core/ledger/session';
import type { ResolvedProfile } from '../../src/core/profiles/types';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 0 }); });
after(() => server.close());

const settings = () => settingsFromObject({ 'tack.providers': { local: { type: 'openai-compatible', baseUrl: server.baseUrl } } });
const session = () => new ChatSession({ keys: { getKey: async () => undefined }, log: { info() {}, warn() {}, error() {} }, systemPrompt: async () => 'sys' });
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
