// Ollama's native /api/chat (NDJSON) against a local server speaking the real protocol.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOllamaServer, type OllamaServer } from '../fixtures/ollama-server';
import { streamOllama } from '../../src/core/providers/ollama';
import { streamResponse } from '../../src/core/providers/stream';
import { listModels } from '../../src/core/providers/models';
import { settingsFromObject } from '../../src/core/config/settings';
import { resolveEndpoint } from '../../src/core/providers/registry';
import type { TranscriptMessage } from '../../src/core/conversation';
import { collect, endpointFor, errorOf, last, makeRequest, newLogs, ofType, reasoningOf, textOf } from './support';

let server: OllamaServer;
before(async () => { server = await startOllamaServer({ chunkDelayMs: 1 }); });
after(() => server.close());

const ollama = () => endpointFor('ollama', { baseUrl: server.baseUrl });
const TOOLS = [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];

test('the preset is native and accepts both the server root and a pasted …/v1 base URL', () => {
  for (const url of [server.baseUrl, `${server.baseUrl}/v1`, `${server.baseUrl}/`, `${server.baseUrl}/api`]) {
    const r = resolveEndpoint(settingsFromObject({ 'tack.providers': { ollama: { baseUrl: url } } }), 'ollama');
    assert.ok('endpoint' in r);
    assert.equal(r.endpoint.baseUrl, server.baseUrl, url);
    assert.equal(r.endpoint.dialect, 'ollama');
  }
  const custom = resolveEndpoint(settingsFromObject({ 'tack.providers': { box: { type: 'ollama', baseUrl: 'http://gpu-box:11434/v1' } } }), 'box');
  assert.ok('endpoint' in custom && custom.endpoint.baseUrl === 'http://gpu-box:11434' && custom.endpoint.dialect === 'ollama');
});

test('text with num_ctx and sampling options sent natively; usage from prompt_eval_count / eval_count', async () => {
  const evs = await collect(streamResponse(makeRequest(ollama(), 'echo', { options: { numCtx: 32768, temperature: 0.1, maxOutputTokens: 500 } })));
  assert.match(textOf(evs), /^You said: Hello there/);
  assert.deepEqual(last(evs), { type: 'done', stopReason: 'stop' });
  const r = server.requests.at(-1)!;
  assert.equal(r.path, '/api/chat');
  assert.deepEqual(r.body.options, { num_ctx: 32768, temperature: 0.1, num_predict: 500 });
  assert.deepEqual(r.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
  const [u] = ofType(evs, 'usage');
  assert.equal(u.usage.input, r.wireUsage!.prompt_eval_count);
  assert.equal(u.usage.output, r.wireUsage!.eval_count);
});

test('thinking: `think` follows reasoning; the thinking field becomes reasoning events', async () => {
  const evs = await collect(streamOllama(makeRequest(ollama(), 'reason', { options: { reasoning: 'high' } })));
  assert.equal(server.requests.at(-1)!.body.think, true);
  assert.equal(reasoningOf(evs), 'Let me think. The user greets me.');
  await collect(streamOllama(makeRequest(ollama(), 'echo', { options: { reasoning: 'off' } })));
  assert.equal(server.requests.at(-1)!.body.think, false);
});

test('tool calls arrive whole (with or without ids); results go back with tool_name and object arguments', async () => {
  const single = await collect(streamResponse(makeRequest(ollama(), 'tool', { tools: TOOLS })));
  const [call] = ofType(single, 'tool_call_end');
  assert.equal(call.name, 'read_file');
  assert.match(call.id, /^call_[a-f0-9]{24}$/, 'a unique id is made up when Ollama gives none');
  assert.deepEqual(JSON.parse(call.args), { path: 'README.md' });
  assert.deepEqual(last(single), { type: 'done', stopReason: 'tool_calls' });
  assert.equal(server.requests.at(-1)!.body.tools[0].function.name, 'read_file');
  const parallel = ofType(await collect(streamResponse(makeRequest(ollama(), 'tools', { tools: TOOLS }))), 'tool_call_end');
  assert.deepEqual(parallel.map(c => c.id), ['call_read01', 'call_grep02']);
  const messages: TranscriptMessage[] = [
    { role: 'user', text: 'Hello there' },
    { role: 'assistant', text: '', model: 'ollama/tools', toolCalls: parallel.map(c => ({ id: c.id, name: c.name, args: c.args })) },
    { role: 'tool', toolCallId: 'call_read01', name: 'read_file', text: '# Tack', images: [{ mediaType: 'image/png', data: 'AAAA' }] },
    { role: 'tool', toolCallId: 'call_grep02', name: 'grep', text: 'none' },
  ];
  const evs = await collect(streamResponse(makeRequest(ollama(), 'tools', { tools: TOOLS, messages })));
  assert.equal(textOf(evs), 'Tool results: # Tack | none');
  const sent = server.requests.at(-1)!.body.messages;
  assert.deepEqual(sent[2].tool_calls[1], { function: { name: 'grep', arguments: { pattern: 'TODO', path: 'src' } } });
  assert.deepEqual([sent[3].role, sent[3].tool_name, sent[3].images], ['tool', 'read_file', ['AAAA']]);
});

test('an error line mid-stream, a stream without its done line, a cut and a bad line', async () => {
  const mid = await collect(streamResponse(makeRequest(ollama(), 'error-mid')));
  assert.equal(textOf(mid), 'You said: Hello th');
  assert.match(errorOf(mid)!.message, /unexpected EOF/);
  const noDone = await collect(streamOllama(makeRequest(ollama(), 'no-done')));
  assert.match(errorOf(noDone)!.message, /ended before its last line/);
  const cut = await collect(streamResponse(makeRequest(ollama(), 'cut')));
  assert.ok(textOf(cut).startsWith('You said'));
  assert.equal(errorOf(cut)?.kind, 'network');
  const logs = newLogs();
  const bad = await collect(streamResponse(makeRequest(ollama(), 'garbage', {}, logs)));
  assert.equal(errorOf(bad)?.kind, 'bad_response');
  assert.ok(logs.error.some(l => l.includes('{"model": not json')), logs.error.join('\n'));
});

test('an unknown model is not_found with the models from /api/tags; the list carries quantization', async () => {
  const nf = errorOf(await collect(streamResponse(makeRequest(ollama(), 'qwen9:1b'))))!;
  assert.equal(nf.kind, 'not_found');
  assert.match(nf.message, /model "qwen9:1b" not found, try pulling it first.*Ollama has: agent-edit, agent-task, cut, cut-tool, echo/);
  const listing = await listModels(ollama(), undefined, makeRequest(ollama(), 'x').network);
  assert.ok(listing.models.includes('echo'));
  assert.deepEqual(listing.infos.find(i => i.id === 'echo')?.quantization, { value: 'Q4_K_M', source: 'server', detail: '/api/tags details.quantization_level' });
});

test('/api/show reveals quantization, context length, num_ctx and capabilities (for the probes)', async () => {
  const res = await fetch(`${server.baseUrl}/api/show`, { method: 'POST', body: JSON.stringify({ model: 'echo' }) });
  const show = await res.json() as { details: { quantization_level: string }; model_info: Record<string, number>; parameters: string; capabilities: string[] };
  assert.equal(show.details.quantization_level, 'Q4_K_M');
  assert.equal(show.model_info['qwen3.context_length'], 40960);
  assert.match(show.parameters, /num_ctx\s+8192/);
  assert.ok(show.capabilities.includes('tools'));
});
