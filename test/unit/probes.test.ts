// Probes against small local servers shaped like Ollama, LM Studio, llama.cpp, vLLM and OpenRouter, and the
// context window / num_ctx rules that use them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  probeLlamaCpp, probeLmStudio, probeModel, probeOllama, probeOpenRouter, probeVllm, serverKindOf, serverRoot,
} from '../../src/core/models/probes';
import {
  chooseOllamaNumCtx, contextFillPercent, effectiveContextWindow, ollamaContextLength, ollamaNumCtxParameter,
} from '../../src/core/models/context-window';

interface Hit { method: string; path: string; body: string; auth?: string }
type Routes = Record<string, (body: any) => unknown>;

/** A JSON server: `"<METHOD> <path>"` → handler; `stall` never answers; anything else is 404. */
async function serve(routes: Routes): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const path = (req.url ?? '/').split('?')[0];
    hits.push({ method: req.method!, path, body, auth: req.headers.authorization });
    const handler = routes[`${req.method} ${path}`];
    if (!handler) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not found"}'); return; }
    const out = handler(body ? JSON.parse(body) : undefined);
    if (out === 'stall') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }) };
}

const OLLAMA_SHOW = {
  parameters: 'stop "<|im_start|>"\nnum_ctx 8192\ntemperature 0.6',
  details: { format: 'gguf', family: 'qwen3', parameter_size: '8.2B', quantization_level: 'Q4_K_M' },
  model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960, 'qwen3.embedding_length': 4096 },
  capabilities: ['completion', 'tools', 'thinking'],
};

let ollama: Awaited<ReturnType<typeof serve>>;
let lmstudio: Awaited<ReturnType<typeof serve>>;
let llamacpp: Awaited<ReturnType<typeof serve>>;
let vllm: Awaited<ReturnType<typeof serve>>;
let openrouter: Awaited<ReturnType<typeof serve>>;
let stall: Awaited<ReturnType<typeof serve>>;

before(async () => {
  ollama = await serve({ 'POST /api/show': body => (body?.model === 'qwen3:8b' ? OLLAMA_SHOW : { details: {} }) });
  lmstudio = await serve({
    'GET /api/v0/models': () => ({ object: 'list', data: [
      { id: 'qwen3-8b', type: 'llm', arch: 'qwen3', compatibility_type: 'gguf', quantization: 'Q6_K', state: 'loaded', max_context_length: 40960, loaded_context_length: 16384 },
      { id: 'gemma-3-12b', type: 'vlm', quantization: 'Q4_K_M', state: 'not-loaded', max_context_length: 131072 },
    ] }),
  });
  llamacpp = await serve({
    'GET /props': () => ({ model_path: '/models/Qwen3-8B-IQ4_XS.gguf', default_generation_settings: { n_ctx: 8192, params: {} }, total_slots: 1 }),
    'GET /v1/models': () => ({ object: 'list', data: [{ id: '/models/Qwen3-8B-IQ4_XS.gguf', object: 'model', owned_by: 'llamacpp', meta: { n_ctx_train: 40960, n_params: 8190735360 } }] }),
  });
  vllm = await serve({
    'GET /v1/models': () => ({ object: 'list', data: [
      { id: 'coder', object: 'model', owned_by: 'vllm', root: 'Qwen/Qwen3-Coder-30B-A3B-Instruct-FP8', max_model_len: 65536 },
      { id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'vllm', root: 'Qwen/Qwen3-8B', max_model_len: 32768 },
    ] }),
  });
  openrouter = await serve({
    'GET /api/v1/models/qwen/qwen3-coder/endpoints': () => ({ data: { id: 'qwen/qwen3-coder', endpoints: [
      { provider_name: 'DeepInfra', quantization: 'fp8', context_length: 262144 },
      { provider_name: 'Together', quantization: 'bf16', context_length: 131072 },
    ] } }),
  });
  stall = await serve({ 'POST /api/show': () => 'stall', 'GET /v1/models': () => 'stall' });
});
after(async () => { for (const s of [ollama, lmstudio, llamacpp, vllm, openrouter, stall]) await s.close(); });

test('Ollama: quantization, context length from <arch>.context_length, Modelfile num_ctx, capabilities', async () => {
  const r = await probeOllama({ providerId: 'ollama', baseUrl: `${ollama.url}/v1`, modelId: 'qwen3:8b' });
  assert.deepEqual(r, {
    server: 'ollama',
    quantization: { value: 'Q4_K_M', source: 'server', detail: 'Ollama /api/show details.quantization_level' },
    contextWindow: 40960,
    numCtx: 8192,
    capabilities: ['completion', 'tools', 'thinking'],
  });
  assert.deepEqual(ollama.hits.at(-1), { method: 'POST', path: '/api/show', body: '{"model":"qwen3:8b"}', auth: undefined });
});

test('LM Studio: quantization, max and loaded context', async () => {
  const r = await probeLmStudio({ providerId: 'lmstudio', baseUrl: `${lmstudio.url}/v1`, modelId: 'qwen3-8b' });
  assert.deepEqual([r.quantization?.value, r.quantization?.source, r.contextWindow, r.loadedContext], ['Q6_K', 'server', 40960, 16384]);
  const idle = await probeLmStudio({ providerId: 'lmstudio', baseUrl: `${lmstudio.url}/v1`, modelId: 'gemma-3-12b' });
  assert.deepEqual([idle.contextWindow, idle.loadedContext], [131072, undefined]);
  const missing = await probeLmStudio({ providerId: 'lmstudio', baseUrl: `${lmstudio.url}/v1`, modelId: 'nope' });
  assert.match(missing.error!, /does not list "nope"/);
});

test('llama.cpp: quant type from the GGUF file name, n_ctx loaded, n_ctx_train', async () => {
  const r = await probeLlamaCpp({ providerId: 'llamacpp', baseUrl: `${llamacpp.url}/v1`, modelId: 'whatever' });
  assert.deepEqual(r, {
    server: 'llamacpp',
    quantization: { value: 'IQ4_XS', source: 'server', detail: 'llama.cpp /props model file Qwen3-8B-IQ4_XS.gguf' },
    contextWindow: 40960,
    loadedContext: 8192,
  });
});

test('vLLM: max_model_len; quantization inferred from the served root, or declared by the user', async () => {
  const r = await probeVllm({ providerId: 'vllm', baseUrl: `${vllm.url}/v1`, modelId: 'coder', apiKey: 'sk-v' });
  assert.deepEqual([r.quantization?.value, r.quantization?.source, r.contextWindow, r.loadedContext], ['FP8', 'inferred', 65536, 65536]);
  assert.match(r.quantization!.detail!, /Qwen3-Coder-30B-A3B-Instruct-FP8/);
  assert.equal(vllm.hits.at(-1)!.auth, 'Bearer sk-v', 'the endpoint\'s own key goes to its own /v1/models');
  const plain = await probeVllm({ providerId: 'vllm', baseUrl: `${vllm.url}/v1`, modelId: 'Qwen/Qwen3-8B' });
  assert.equal(plain.quantization, undefined, 'no marker in the name: unknown, not guessed');
  const declared = await probeVllm({ providerId: 'lab', baseUrl: `${vllm.url}/v1`, modelId: 'coder', declared: 'W8A8' });
  assert.deepEqual([declared.quantization?.value, declared.quantization?.source], ['W8A8', 'declared']);
});

test('OpenRouter: the endpoints API matched with the provider that served the request, without a key', async () => {
  const base = `${openrouter.url}/api/v1`;
  const r = await probeOpenRouter({ providerId: 'openrouter', baseUrl: base, modelId: 'qwen/qwen3-coder:exacto', servedBy: 'Together', apiKey: 'sk-or' });
  assert.deepEqual([r.quantization?.value, r.quantization?.source, r.contextWindow], ['bf16', 'server', 131072]);
  assert.equal(openrouter.hits.at(-1)!.auth, undefined);
  const unknown = await probeOpenRouter({ providerId: 'openrouter', baseUrl: base, modelId: 'qwen/qwen3-coder' });
  assert.deepEqual([unknown.quantization, unknown.contextWindow], [undefined, 262144]);
});

test('probeModel picks the probe by host, type, id and port; vendors are never asked', async () => {
  assert.equal(serverKindOf('openai', 'https://api.openai.com/v1'), 'vendor');
  assert.equal(serverKindOf('or', 'https://openrouter.ai/api/v1'), 'openrouter');
  assert.equal(serverKindOf('box', 'http://10.0.0.2:11434', 'ollama'), 'ollama');
  assert.equal(serverKindOf('lmstudio', 'http://127.0.0.1:9/v1'), 'lmstudio');
  assert.equal(serverKindOf('gpu', 'http://10.0.0.2:8000/v1'), 'vllm');
  assert.equal(serverKindOf('gpu', 'http://10.0.0.2:9999/v1'), 'unknown');
  assert.equal(serverRoot('http://h:1234/v1/'), 'http://h:1234');
  assert.equal(serverRoot('http://h:11434/api'), 'http://h:11434');
  let fetched = false;
  const vendor = await probeModel({ providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', modelId: 'claude-x' }, { fetch: (async () => { fetched = true; throw new Error('no'); }) as any });
  assert.deepEqual([vendor.server, vendor.quantization?.value, vendor.quantization?.source, fetched], ['vendor', 'vendor-managed — not disclosed', 'vendor', false]);
  const viaType = await probeModel({ providerId: 'box', baseUrl: ollama.url, type: 'ollama', modelId: 'qwen3:8b' });
  assert.equal(viaType.contextWindow, 40960);
  const unknownKind = await probeModel({ providerId: 'custom', baseUrl: `${vllm.url}/v1`, modelId: 'coder' });
  assert.deepEqual([unknownKind.server, unknownKind.contextWindow, unknownKind.quantization?.value], ['unknown', 65536, 'FP8']);
});

test('probes never throw: unreachable, stalled and garbage answers become an error field', async () => {
  const t0 = Date.now();
  const stalled = await probeOllama({ providerId: 'ollama', baseUrl: stall.url, modelId: 'qwen3:8b-q8_0' }, { timeoutMs: 200 });
  assert.ok(Date.now() - t0 < 3000);
  assert.match(stalled.error!, /no answer in time/);
  assert.deepEqual([stalled.quantization?.value, stalled.quantization?.source], ['Q8_0', 'inferred'], 'the tag still says something');
  const refused = await probeVllm({ providerId: 'vllm', baseUrl: 'http://127.0.0.1:1/v1', modelId: 'm' }, { timeoutMs: 500 });
  assert.ok(refused.error);
  const notFound = await probeLlamaCpp({ providerId: 'llamacpp', baseUrl: ollama.url, modelId: 'm' });
  assert.match(notFound.error!, /answered 404/);
  const aborted = new AbortController();
  aborted.abort();
  const r = await probeLmStudio({ providerId: 'lmstudio', baseUrl: lmstudio.url, modelId: 'qwen3-8b' }, { signal: aborted.signal });
  assert.ok(r.error);
});

test('context length and Modelfile num_ctx from /api/show, tolerant of odd shapes', () => {
  assert.equal(ollamaContextLength(OLLAMA_SHOW), 40960);
  assert.equal(ollamaContextLength({ model_info: { 'llama.context_length': 131072 } }), 131072, 'one *.context_length without general.architecture');
  assert.equal(ollamaContextLength({ model_info: { 'a.context_length': 1, 'b.context_length': 2 } }), undefined);
  assert.equal(ollamaContextLength(null), undefined);
  assert.equal(ollamaNumCtxParameter(OLLAMA_SHOW), 8192);
  assert.equal(ollamaNumCtxParameter({ parameters: 'temperature 1' }), undefined);
});

test('num_ctx: profile > setting > model context length capped by maxNumCtx > Modelfile', () => {
  const base = { modelContextLength: 131072, modelfileNumCtx: 4096, maxNumCtx: 32768 };
  assert.deepEqual(chooseOllamaNumCtx({ ...base, profileNumCtx: 16384, settingNumCtx: 8192 }), { numCtx: 16384, source: 'profile' });
  assert.deepEqual(chooseOllamaNumCtx({ ...base, settingNumCtx: 8192 }), { numCtx: 8192, source: 'setting' });
  assert.deepEqual(chooseOllamaNumCtx(base), { numCtx: 32768, source: 'model' });
  assert.deepEqual(chooseOllamaNumCtx({ ...base, modelContextLength: 8192 }), { numCtx: 8192, source: 'model' });
  assert.deepEqual(chooseOllamaNumCtx({ maxNumCtx: 32768, modelfileNumCtx: 4096 }), { numCtx: 4096, source: 'modelfile' });
  const big = chooseOllamaNumCtx({ ...base, modelContextLength: 8192, settingNumCtx: 65536 });
  assert.equal(big.numCtx, 65536, 'the user\'s own setting is kept');
  assert.match(big.warning!, /larger than the model's context length \(8192\)/);
  const profileBig = chooseOllamaNumCtx({ ...base, modelContextLength: 8192, profileNumCtx: 65536 });
  assert.equal(profileBig.numCtx, 8192, 'a profile is capped by the model\'s context length');
  assert.match(profileBig.warning!, /asks for num_ctx 65536; Tack sends 8192/);
  const hostile = chooseOllamaNumCtx({ maxNumCtx: 32768, profileNumCtx: 2_000_000_000 });
  assert.equal(hostile.numCtx, 32768, 'and by tack.ollama.maxNumCtx when the model\'s length is unknown');
  assert.match(hostile.warning!, /tack\.ollama\.maxNumCtx/);
  const none = chooseOllamaNumCtx({ maxNumCtx: 32768 });
  assert.equal(none.numCtx, undefined);
  assert.match(none.warning!, /Set "numCtx" in the profile/);
});

test('the effective window: num_ctx sent > loaded > server maximum > catalog; fill percent', () => {
  assert.deepEqual(effectiveContextWindow({ contextWindow: 40960 }, { contextWindow: 1 }, 32768), { tokens: 32768, source: 'num_ctx' });
  assert.deepEqual(effectiveContextWindow({ contextWindow: 40960, loadedContext: 16384 }), { tokens: 16384, source: 'server-loaded' });
  assert.deepEqual(effectiveContextWindow({ contextWindow: 40960 }), { tokens: 40960, source: 'server' });
  assert.deepEqual(effectiveContextWindow(undefined, { contextWindow: 200000 }), { tokens: 200000, source: 'catalog' });
  assert.deepEqual(effectiveContextWindow({}, {}), { source: 'unknown' });
  assert.equal(contextFillPercent(8192, 32768), 25);
  assert.equal(contextFillPercent(1, 3), 33.3);
  assert.equal(contextFillPercent(5, undefined), undefined);
});
