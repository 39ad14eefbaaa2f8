// Preparing the transcript for any target: pairing of calls and results, id rules, what reasoning goes where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ID_RULES, NOT_RUN, toolIdMapper, wellFormed } from '../../src/core/providers/transcript';
import { toAnthropicInput } from '../../src/core/providers/anthropic-input';
import { toResponsesInput } from '../../src/core/providers/openai-responses-input';
import { toChatMessages } from '../../src/core/providers/openai-chat-input';
import { toOllamaMessages } from '../../src/core/providers/ollama';
import type { TranscriptMessage } from '../../src/core/conversation';

const call = (id: string, name = 'grep') => ({ id, name, args: '{}' });

test('wellFormed: results follow their calls in call order; missing ones are synthesized; orphans and empty answers dropped', () => {
  const out = wellFormed([
    { role: 'tool', toolCallId: 'orphan', name: 'x', text: 'lost' },
    { role: 'user', text: 'u' },
    { role: 'assistant', text: '', model: 'm' },
    { role: 'assistant', text: '', model: 'm', toolCalls: [call('a'), call('b')] },
    { role: 'tool', toolCallId: 'b', name: 'grep', text: 'B' },
    { role: 'tool', toolCallId: 'zzz', name: 'grep', text: 'not ours' },
    { role: 'user', text: 'next' },
  ]);
  assert.deepEqual(out.map(m => (m.role === 'tool' ? `tool:${m.toolCallId}:${m.text}` : m.role)), [
    'user', 'assistant', `tool:a:${NOT_RUN}`, 'tool:b:B', 'user',
  ]);
});

test('id mapping: valid ids kept, invalid ones hashed, ids repeated by a later turn made unique, stable as the history grows', () => {
  const history: TranscriptMessage[] = [
    { role: 'user', text: 'u' },
    { role: 'assistant', text: '', model: 'm', toolCalls: [call('call_0'), call('weird id!')] },
    { role: 'tool', toolCallId: 'call_0', name: 'grep', text: '' },
    { role: 'tool', toolCallId: 'weird id!', name: 'grep', text: '' },
    { role: 'assistant', text: '', model: 'm', toolCalls: [call('call_0')] },
    { role: 'tool', toolCallId: 'call_0', name: 'grep', text: '' },
  ];
  const ids = toolIdMapper(history, ID_RULES.anthropic);
  assert.equal(ids(1)('call_0'), 'call_0');
  assert.match(ids(1)('weird id!'), /^toolu_[A-Za-z0-9]{24}$/);
  assert.notEqual(ids(4)('call_0'), 'call_0');
  const longer = toolIdMapper([...history, { role: 'user', text: 'more' }], ID_RULES.anthropic);
  assert.equal(longer(4)('call_0'), ids(4)('call_0'));
  assert.match(toolIdMapper(history, ID_RULES.mistral)(1)('call_0'), /^[A-Za-z0-9]{9}$/);
});

const mixed: TranscriptMessage[] = [
  { role: 'user', text: 'first' },
  { role: 'assistant', text: 'old answer', model: 'anthropic/x', reasoningBlocks: [{ origin: 'anthropic', text: 'old thought', signature: 'sig-old' }] },
  { role: 'user', text: 'second' },
  {
    role: 'assistant', text: '', model: 'openai/y', toolCalls: [call('call_1')],
    reasoningBlocks: [{ origin: 'anthropic', text: 'claude thought', signature: 'sig-1' }, { origin: 'openai-responses', text: 'summary', id: 'rs_1', encrypted: 'enc' }, { origin: 'ollama', text: 'local thought' }],
  },
  { role: 'tool', toolCallId: 'call_1', name: 'grep', text: 'found' },
];

test('reasoning goes back only to its own dialect, and only in the current turn', () => {
  const a = toAnthropicInput('sys', mixed, undefined);
  const anthropicTypes = a.messages.map(m => m.content.map(b => b.type).join('+'));
  assert.deepEqual(anthropicTypes, ['text', 'text', 'text', 'thinking+tool_use', 'tool_result']);
  assert.ok(!JSON.stringify(a).includes('sig-old'), 'an earlier turn\'s thinking is not sent');
  assert.ok(!JSON.stringify(a).includes('enc'), 'no OpenAI reasoning');
  const r = toResponsesInput(mixed);
  assert.deepEqual(r.map(i => ('type' in i ? i.type : i.role)), ['user', 'assistant', 'user', 'reasoning', 'function_call', 'function_call_output']);
  assert.ok(!JSON.stringify(r).includes('sig-'));
  const c = toChatMessages('sys', mixed);
  assert.ok(!/sig-|enc|thought|summary/.test(JSON.stringify(c)));
  const o = toOllamaMessages('sys', mixed);
  assert.ok(!/sig-|enc|thought|summary/.test(JSON.stringify(o)));
});

test('Anthropic: consecutive user messages merge (tool results first); thinking is refused when the turn continues from a non-Anthropic answer', () => {
  const a = toAnthropicInput(undefined, [
    { role: 'user', text: 'a' },
    { role: 'user', text: 'b' },
    { role: 'assistant', text: 'calling', model: 'openai/x', toolCalls: [call('c1')] },
    { role: 'tool', toolCallId: 'c1', name: 'grep', text: 'r' },
  ], [{ name: 'grep', description: 'd', parameters: { type: 'object' } }]);
  assert.deepEqual(a.messages.map(m => m.role), ['user', 'assistant', 'user']);
  assert.deepEqual(a.messages[0].content.map(b => b.type), ['text', 'text']);
  assert.equal(a.thinkingAllowed, false);
  assert.equal(a.system, undefined);
  const marks = JSON.stringify(a).match(/cache_control/g)?.length;
  assert.equal(marks, 3, 'tools + the last two user messages');
});
