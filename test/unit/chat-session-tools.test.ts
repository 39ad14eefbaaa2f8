// The agent session with tools offered (not run), reasoning blocks and provider switches between turns; retry events reach the host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { chatSession } from './agent-support';
import { settingsFromObject } from '../../src/core/config/settings';
import { collect, errorOf, ofType } from './support';

let chat: FakeServer;
let claude: AnthropicServer;
before(async () => { [chat, claude] = await Promise.all([startOpenAIServer({ chunkDelayMs: 0 }), startAnthropicServer({ chunkDelayMs: 0 })]); });
after(() => Promise.all([chat.close(), claude.close()]));

const settings = () => settingsFromObject({
  'tack.providers': {
    local: { type: 'openai-compatible', baseUrl: chat.baseUrl },
    claude: { type: 'anthropic', baseUrl: claude.baseUrl },
  },
});
const session = () => chatSession();
const signal = () => new AbortController().signal;
const TOOLS = [{ name: 'read_file', description: 'Read', parameters: { type: 'object' } }];

test('tool calls of a turn are recorded on the answer; the next request stays well formed without a loop', async () => {
  const s = session();
  await collect(s.send('read it', settings(), 'local/tool', signal(), { tools: TOOLS }));
  const answer = s.messages[1];
  assert.ok(answer.role === 'assistant');
  assert.deepEqual(answer.toolCalls, [{ id: 'call_read01', name: 'read_file', args: '{"path":"README.md"}' }]);
  assert.deepEqual(chat.requests.at(-1)!.body.tools[0].function.name, 'read_file');
  const evs = await collect(s.send('thanks', settings(), 'local/echo', signal()));
  assert.equal(errorOf(evs), undefined, JSON.stringify(errorOf(evs)));
  const sent = chat.requests.at(-1)!.body.messages;
  assert.deepEqual(sent.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'tool', 'user']);
});

test('reasoning blocks are kept on the answer; switching to another dialect leaves them out of the request', async () => {
  const s = session();
  await collect(s.send('think', settings(), 'claude/reason', signal(), { options: () => ({ reasoning: 'low' }) }));
  const answer = s.messages[1];
  assert.ok(answer.role === 'assistant');
  assert.equal(answer.reasoningBlocks?.length, 2);
  assert.equal(answer.reasoning, 'Let me think. The user greets me.');
  await collect(s.send('and now?', settings(), 'local/echo', signal()));
  const sent = JSON.stringify(chat.requests.at(-1)!.body.messages);
  assert.ok(!/sig-|redacted|Let me think/.test(sent), sent);
  const back = await collect(s.send('back to claude', settings(), 'claude/echo', signal()));
  assert.equal(errorOf(back), undefined, JSON.stringify(errorOf(back)));
});

test('retry events pass through a turn (the panel shows the countdown); the answer completes', async () => {
  const s = session();
  const evs = await collect(s.send('busy?', { ...settings(), network: { ...settings().network, retryBaseDelayMs: 5 } }, 'local/ratelimit-ms50-1', signal()));
  assert.equal(ofType(evs, 'retry').length, 1);
  assert.equal(evs.at(-1)!.type, 'done');
  const answer = s.messages[1];
  assert.ok(answer.role === 'assistant' && answer.text.startsWith('You said: busy?') && !answer.interrupted);
});
