// One conversation with tool calls moved across openai (Responses) → anthropic → ollama → a custom OpenAI-compatible
// endpoint. Each request is checked at the wire: the fixtures reject what the real APIs reject (unpaired tool ids,
// foreign thinking signatures, non-alternating roles, string tool arguments for Ollama), and the test checks the
// rest (no reasoning or signatures where the target does not take them, ids in each target's format).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { startOllamaServer, type OllamaServer } from '../fixtures/ollama-server';
import { streamResponse } from '../../src/core/providers/stream';
import type { AssistantMessage, TranscriptMessage } from '../../src/core/conversation';
import type { StreamEvent } from '../../src/core/events';
import type { Endpoint } from '../../src/core/providers/registry';
import type { RequestOptions } from '../../src/core/providers/request';
import { collect, endpointFor, errorOf, makeRequest } from './support';

let openai: FakeServer;
let custom: FakeServer;
let claude: AnthropicServer;
let ollama: OllamaServer;
before(async () => {
  [openai, custom, claude, ollama] = await Promise.all([
    startOpenAIServer({ chunkDelayMs: 0 }), startOpenAIServer({ chunkDelayMs: 0 }),
    startAnthropicServer({ chunkDelayMs: 0 }), startOllamaServer({ chunkDelayMs: 0 }),
  ]);
});
after(() => Promise.all([openai.close(), custom.close(), claude.close(), ollama.close()]));

const TOOLS = [
  { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
  { name: 'grep', description: 'Search', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } },
];

/** What an agent loop would record from one response. */
function answerFrom(evs: StreamEvent[], model: string): AssistantMessage {
  const a: AssistantMessage = { role: 'assistant', text: '', model };
  for (const ev of evs) {
    if (ev.type === 'text') a.text += ev.delta;
    else if (ev.type === 'reasoning') a.reasoning = (a.reasoning ?? '') + ev.delta;
    else if (ev.type === 'reasoning_end') (a.reasoningBlocks ??= []).push(ev.block);
    else if (ev.type === 'tool_call_end') (a.toolCalls ??= []).push({ id: ev.id, name: ev.name, args: ev.args });
  }
  return a;
}

const transcript: TranscriptMessage[] = [];

/** One user turn on `endpoint`: the model calls tools, the results go back, the model answers. */
async function turn(endpoint: Endpoint, model: string, prompt: string, options: RequestOptions = {}): Promise<void> {
  transcript.push({ role: 'user', text: prompt });
  const first = await collect(streamResponse(makeRequest(endpoint, model, { messages: [...transcript], tools: TOOLS, options })));
  assert.equal(errorOf(first), undefined, `${endpoint.id}: ${JSON.stringify(errorOf(first))}`);
  const withCalls = answerFrom(first, `${endpoint.id}/${model}`);
  assert.equal(withCalls.toolCalls?.length, 2, `${endpoint.id} made two tool calls`);
  transcript.push(withCalls);
  for (const c of withCalls.toolCalls!) transcript.push({ role: 'tool', toolCallId: c.id, name: c.name, text: `${c.name} via ${endpoint.id}` });
  const second = await collect(streamResponse(makeRequest(endpoint, model, { messages: [...transcript], tools: TOOLS, options })));
  assert.equal(errorOf(second), undefined, `${endpoint.id}: ${JSON.stringify(errorOf(second))}`);
  const final = answerFrom(second, `${endpoint.id}/${model}`);
  assert.match(final.text, /^Tool results: /, endpoint.id);
  transcript.push(final);
}

const noSignatures = (body: unknown) => !/sig-|enc-|encrypted_content|"signature"|redacted/.test(JSON.stringify(body));

test('one conversation with tool calls across Responses → Anthropic → Ollama → OpenAI-compatible stays well formed', async () => {
  // 1. OpenAI (Responses): reasoning items with encrypted content, function calls.
  await turn(endpointFor('openai', { baseUrl: openai.baseUrl }), 'gpt-5-tools', 'Read the README', { reasoning: 'low' });
  const resp = openai.requests.at(-1)!.body.input;
  assert.deepEqual(resp.filter((i: { type?: string }) => i.type === 'reasoning').length, 1, 'Responses gets its own reasoning back in the current turn');

  // 2. Anthropic: the OpenAI turn arrives as tool_use/tool_result without any OpenAI reasoning; its own thinking is signed.
  await turn(endpointFor('anthropic', { baseUrl: claude.baseUrl }), 'tools', 'Now check it with Claude', { reasoning: 'low' });
  const a1 = claude.requests.at(-2)!.body;
  assert.deepEqual(a1.messages.map((m: { role: string }) => m.role), ['user', 'assistant', 'user', 'assistant', 'user']);
  assert.ok(noSignatures(a1), 'no OpenAI reasoning goes to Anthropic');
  assert.deepEqual(a1.messages[1].content.map((b: { type: string; id?: string }) => `${b.type}:${b.id}`), ['tool_use:call_read01', 'tool_use:call_grep02']);
  const a2 = claude.requests.at(-1)!.body;
  const current = a2.messages.at(-2).content.map((b: { type: string }) => b.type);
  assert.deepEqual(current, ['thinking', 'tool_use', 'tool_use'], 'Anthropic gets its own signed thinking back in the current turn');
  for (const m of a2.messages) for (const b of m.content) if (b.type === 'tool_use') assert.match(b.id, /^[A-Za-z0-9_-]+$/);

  // 3. Ollama: object arguments, tool_name on results, no reasoning or signatures; its ids repeat OpenAI's.
  await turn(endpointFor('ollama', { baseUrl: ollama.baseUrl }), 'tools', 'And locally?', { reasoning: 'low' });
  const o = ollama.requests.at(-1)!.body;
  assert.ok(noSignatures(o));
  assert.ok(o.messages.every((m: { thinking?: unknown }) => m.thinking === undefined));
  assert.deepEqual(o.messages.filter((m: { role: string }) => m.role === 'tool').map((m: { tool_name: string }) => m.tool_name), ['read_file', 'grep', 'read_file', 'grep', 'read_file', 'grep']);

  // 4. A custom OpenAI-compatible endpoint: tool_calls paired with tool messages, ids ≤ 40 and unique, no reasoning.
  const lab = endpointFor('lab', { type: 'openai-compatible', baseUrl: custom.baseUrl, label: 'Lab' });
  await turn(lab, 'tools', 'Summarise everything');
  const c = custom.requests.at(-1)!.body.messages;
  assert.ok(noSignatures(c));
  const ids = c.flatMap((m: { tool_calls?: Array<{ id: string }> }) => (m.tool_calls ?? []).map(t => t.id));
  assert.equal(ids.length, 8);
  assert.equal(new Set(ids).size, 8, `Ollama's repeated ids were made unique: ${ids.join(', ')}`);
  assert.deepEqual(c.filter((m: { role: string }) => m.role === 'tool').map((m: { tool_call_id: string }) => m.tool_call_id), ids);

  // Back to Anthropic once more: the repeated Ollama ids must still be unique there, and every earlier turn's
  // thinking is left out (only the current turn's counts).
  await turn(endpointFor('anthropic', { baseUrl: claude.baseUrl }), 'tools', 'Last check', { reasoning: 'low' });
  const final = claude.requests.at(-2)!.body;
  assert.equal(final.messages.flatMap((m: { content: Array<{ type: string }> }) => m.content).filter((b: { type: string }) => b.type === 'thinking').length, 0);
  assert.equal(transcript.filter(m => m.role === 'user').length, 5);
});

test('a turn cut after its tool calls gets synthetic results, so the next provider still accepts the history', async () => {
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'go' },
    { role: 'assistant', text: 'Let me look.', model: 'openai/x', toolCalls: [{ id: 'call_zz', name: 'grep', args: '{"pattern":"x"' }] },
    { role: 'user', text: 'never mind, just say hi' },
  ];
  for (const [endpoint, model] of [
    [endpointFor('anthropic', { baseUrl: claude.baseUrl }), 'echo'],
    [endpointFor('openai', { baseUrl: openai.baseUrl }), 'echo'],
    [endpointFor('lab', { type: 'openai-compatible', baseUrl: custom.baseUrl }), 'echo'],
    [endpointFor('ollama', { baseUrl: ollama.baseUrl }), 'echo'],
  ] as const) {
    const evs = await collect(streamResponse(makeRequest(endpoint, model, { messages })));
    assert.equal(errorOf(evs), undefined, `${endpoint.id}: ${JSON.stringify(errorOf(evs))}`);
  }
  const sent = claude.requests.at(-1)!.body.messages;
  assert.equal(sent[1].content[1].input._raw, '{"pattern":"x"', 'invalid JSON arguments are kept, not invented');
  assert.match(JSON.stringify(sent[2].content[0]), /did not run/);
});
