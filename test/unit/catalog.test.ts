// The bundled model table, live lists with their numbers, and "needs key" instead of failing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { catalogModels, CATALOG_AS_OF, completeFromCatalog, lookupModel } from '../../src/core/models/catalog';
import { parseOpenAIModel } from '../../src/core/models/live-lists';
import { listModels, refreshModels } from '../../src/core/providers/models';
import { PRESETS } from '../../src/core/providers/presets';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { endpointFor } from './support';

const network = { connectTimeoutMs: 2000, idleTimeoutMs: 2000 };

test('every preset named in the issue exists with a base URL rule, dialect and key variable', () => {
  const ids = ['openai', 'anthropic', 'bedrock', 'vertex', 'azure-openai', 'openrouter', 'together', 'fireworks', 'deepseek', 'moonshot', 'qwen',
    'zhipu', 'xai', 'groq', 'cerebras', 'mistral', 'gemini', 'gmi', 'ollama', 'vllm', 'lmstudio', 'llamacpp'];
  assert.deepEqual(Object.keys(PRESETS).sort(), [...ids].sort());
  assert.equal(PRESETS.lmstudio.baseUrl, 'http://127.0.0.1:1234/v1');
  assert.equal(PRESETS.llamacpp.baseUrl, 'http://127.0.0.1:8080/v1');
  assert.equal(PRESETS.ollama.baseUrl, 'http://127.0.0.1:11434');
  for (const p of Object.values(PRESETS)) {
    assert.equal(p.local, !p.keyEnv, `${p.id}: cloud presets have a key variable, local ones none`);
    if (p.id !== 'azure-openai') assert.match(p.baseUrl, /^https?:\/\//, p.id);
  }
  assert.equal(endpointFor('qwen', {}).keyEnvs.join(','), 'QWEN_API_KEY,DASHSCOPE_API_KEY');
  assert.equal(endpointFor('bedrock', { region: 'eu-west-1' }).baseUrl, 'https://bedrock-runtime.eu-west-1.amazonaws.com');
  assert.equal(endpointFor('vertex', { region: 'us-east5' }).baseUrl, 'https://us-east5-aiplatform.googleapis.com/v1');
  assert.equal(endpointFor('azure-openai', { baseUrl: 'https://res.openai.azure.com' }).apiVersion, '2024-10-21');
});

test('catalog lookups: dated, aliased, Bedrock and Vertex ids; unknown stays unknown', () => {
  assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(CATALOG_AS_OF));
  const sonnet = lookupModel('anthropic', 'claude-sonnet-4-5-20250929')!;
  assert.deepEqual(sonnet.price, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
  assert.equal(sonnet.contextWindow, 200_000);
  assert.equal(sonnet.source, 'catalog');
  assert.equal(lookupModel('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')?.price?.input, 3);
  assert.equal(lookupModel('vertex', 'claude-opus-4-1@20250805')?.maxOutput, 32_000);
  assert.equal(lookupModel('anthropic', 'claude-opus-4-0')?.price?.output, 75);
  assert.equal(lookupModel('openai', 'gpt-4o-2024-08-06')?.contextWindow, 128_000);
  assert.equal(lookupModel('gemini', 'models/gemini-2.5-pro')?.capabilities?.reasoning, true);
  assert.equal(lookupModel('openai', 'gpt-nonexistent'), undefined);
  assert.equal(lookupModel('vllm', 'Qwen/Qwen3-8B'), undefined);
  assert.ok(catalogModels('openai').length >= 5);
});

test('OpenRouter-style entries: per-token prices become per million, context, tools and vision from the API', () => {
  const m = parseOpenAIModel('openrouter', {
    id: 'anthropic/claude-sonnet-4.5', name: 'Claude Sonnet 4.5', context_length: 1_000_000,
    pricing: { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375' },
    top_provider: { max_completion_tokens: 64000 }, supported_parameters: ['tools', 'reasoning', 'temperature'],
    architecture: { input_modalities: ['text', 'image'] },
  })!;
  assert.deepEqual(m.price, { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
  assert.equal(m.contextWindow, 1_000_000);
  assert.equal(m.maxOutput, 64000);
  assert.deepEqual(m.capabilities, { tools: true, reasoning: true, vision: true });
  assert.equal(m.source, 'api');
  const vllm = parseOpenAIModel('vllm', { id: 'Qwen/Qwen3-8B-AWQ', max_model_len: 32768 })!;
  assert.equal(vllm.contextWindow, 32768);
  const bare = completeFromCatalog(parseOpenAIModel('openai', { id: 'gpt-4.1-mini' })!);
  assert.equal(bare.price?.input, 0.4);
  assert.equal(bare.catalogAsOf, CATALOG_AS_OF);
});

let anthropicServer: AnthropicServer;
let orServer: http.Server;
let orHits = 0;
before(async () => {
  anthropicServer = await startAnthropicServer({ chunkDelayMs: 0 });
  orServer = http.createServer((req, res) => {
    orHits++;
    if (req.headers.authorization !== 'Bearer or-key') { res.writeHead(401, { 'content-type': 'application/json' }); res.end('{"error":{"message":"No auth credentials found"}}'); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [{ id: 'z/model', context_length: 8192, pricing: { prompt: '0.000001', completion: '0.000002' } }] }));
  });
  await new Promise<void>(r => orServer.listen(0, '127.0.0.1', r));
});
after(async () => { await anthropicServer.close(); orServer.close(); });

test('a cloud provider without a key reports needsKey with the catalog instead of failing; no request is made', async () => {
  const l = await listModels(endpointFor('openai', {}), undefined, network);
  assert.equal(l.needsKey, true);
  assert.deepEqual(l.models, []);
  assert.ok(l.infos.some(i => i.id === 'gpt-4.1'));
  assert.match(l.error ?? '', /Set an API key for OpenAI .*OPENAI_API_KEY/);
});

test('live lists: the Anthropic models API through the SDK; cached cloud lists until refreshModels', async () => {
  const a = await listModels(endpointFor('claude-proxy', { type: 'anthropic', baseUrl: anthropicServer.baseUrl }), undefined, network);
  assert.ok(a.models.includes('echo'), a.error);
  assert.equal(a.infos.find(i => i.id === 'echo')?.label, 'Test echo');
  const port = (orServer.address() as AddressInfo).port;
  // A cloud-looking endpoint (not local) whose key belongs to it: cached between calls.
  const ep = { ...endpointFor('or', { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/api/v1` }), local: false };
  const key = { key: 'or-key', origin: `http://127.0.0.1:${port}` };
  const first = await listModels(ep, key, network);
  assert.deepEqual(first.infos[0].price, { input: 1, output: 2 });
  const before = orHits;
  await listModels(ep, key, network);
  assert.equal(orHits, before, 'served from the cache');
  refreshModels();
  await listModels(ep, key, network);
  assert.equal(orHits, before + 1);
  const denied = await listModels(ep, undefined, network);
  assert.match(denied.error ?? '', /answered 401 for the model list: No auth credentials found/);
});
