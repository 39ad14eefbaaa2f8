// Small truths about what a provider serves and how it is reached: `tack models --json` carries the quantization with
// its source and Ollama's context window from /api/show; custom Anthropic endpoints send the key as a bearer token (the
// default) or in the x-api-key header when their entry says `auth: "x-api-key"`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { startOllamaServer, type OllamaServer } from '../fixtures/ollama-server';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { settingsFromObject } from '../../src/core/config/settings';
import { resolveEndpoint } from '../../src/core/providers/registry';
import { streamResponse } from '../../src/core/providers/stream';
import { collect, endpointFor, last, makeRequest } from './support';
import { jsonLines, runCli } from './cli-support';

let claude: AnthropicServer;
let ollama: OllamaServer;
let vllm: FakeServer;
let dir: string;
before(async () => {
  [claude, ollama, vllm] = await Promise.all([
    startAnthropicServer({ chunkDelayMs: 0 }),
    startOllamaServer({ chunkDelayMs: 0, models: { 'qwen3:32b': { quantization: 'Q8_0', contextLength: 131072 } } }),
    startOpenAIServer({ chunkDelayMs: 0, extraModels: ['Qwen/Qwen3-8B-AWQ'] }),
  ]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-models-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'tack.providers': {
      ollama: { baseUrl: ollama.baseUrl },
      box: { type: 'openai-compatible', baseUrl: vllm.baseUrl, quantization: 'fp8' },
      vllm: { baseUrl: vllm.baseUrl },
    },
  }));
});
after(async () => { await Promise.all([claude.close(), ollama.close(), vllm.close()]); fs.rmSync(dir, { recursive: true, force: true }); });

const cli = (args: string[]) => runCli(dir, path.join(dir, 'settings.json'), args);

test('models --json: Ollama models carry the context window and quantization from /api/show', async () => {
  const r = await cli(['models', '--provider', 'ollama', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = jsonLines(r.stdout);
  const big = rows.find(x => x.model === 'qwen3:32b');
  assert.equal(big.contextWindow, 131072);
  assert.deepEqual(big.quantization, { value: 'Q8_0', source: 'server' });
  const echo = rows.find(x => x.model === 'echo');
  assert.equal(echo.contextWindow, 40960);
  assert.deepEqual(echo.quantization, { value: 'Q4_K_M', source: 'server' });
  assert.ok(ollama.requests.some(q => q.path === '/api/show' && q.model === 'qwen3:32b'));
});

test('models --json: a declared quantization says so; a name that shows one is labelled inferred; none is null', async () => {
  const box = jsonLines((await cli(['models', '--provider', 'box', '--json'])).stdout);
  assert.deepEqual(box.find(x => x.model === 'echo').quantization, { value: 'fp8', source: 'declared' });
  const plain = jsonLines((await cli(['models', '--provider', 'vllm', '--json'])).stdout);
  assert.equal(plain.find(x => x.model === 'Qwen/Qwen3-8B-AWQ').quantization.source, 'inferred');
  assert.equal(plain.find(x => x.model === 'echo').quantization, null);
});

test('custom anthropic endpoint: the key goes as a bearer token by default, as x-api-key with auth "x-api-key"', async () => {
  const byDefault = endpointFor('claude', { type: 'anthropic', baseUrl: claude.baseUrl });
  assert.equal(last(await collect(streamResponse(makeRequest(byDefault, 'echo', { apiKey: 'sk-ant-default' })))).type, 'done');
  let h = claude.requests.at(-1)!.headers;
  assert.equal(h.authorization, 'Bearer sk-ant-default');
  assert.equal(h['x-api-key'], undefined);

  const explicit = endpointFor('claude', { type: 'anthropic', baseUrl: claude.baseUrl, auth: 'bearer' });
  assert.equal(last(await collect(streamResponse(makeRequest(explicit, 'echo', { apiKey: 'sk-ant-bearer' })))).type, 'done');
  assert.equal(claude.requests.at(-1)!.headers.authorization, 'Bearer sk-ant-bearer');

  const header = endpointFor('gateway', { type: 'anthropic', baseUrl: claude.baseUrl, auth: 'x-api-key' });
  assert.equal(last(await collect(streamResponse(makeRequest(header, 'echo', { apiKey: 'gw-key' })))).type, 'done');
  h = claude.requests.at(-1)!.headers;
  assert.equal(h['x-api-key'], 'gw-key');
  assert.equal(h.authorization, undefined);

  assert.equal(last(await collect(streamResponse(makeRequest(header, 'echo')))).type, 'done');
  h = claude.requests.at(-1)!.headers;
  assert.equal(h.authorization, undefined, 'no key, no header');
  assert.equal(h['x-api-key'], undefined);
});

test('auth: only for Anthropic-type endpoints, and only the two known values', () => {
  const r = (entry: Record<string, unknown>) => resolveEndpoint(settingsFromObject({ 'tack.providers': { p: entry } }), 'p');
  assert.match((r({ type: 'anthropic', baseUrl: 'https://gw.example', auth: 'basic' }) as { error: string }).error, /"auth": "basic". Use "bearer" .* or "x-api-key"/);
  assert.match((r({ type: 'openai-compatible', baseUrl: 'https://gw.example', auth: 'bearer' }) as { error: string }).error, /only Anthropic-type endpoints/);
  assert.equal((r({ type: 'anthropic', baseUrl: 'https://gw.example', auth: 'x-api-key' }) as { endpoint: { anthropicAuth?: string } }).endpoint.anthropicAuth, 'x-api-key');
});
