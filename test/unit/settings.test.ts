import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModelRef, settingsFromObject } from '../../src/core/config/settings';
import { isLocalUrl, listEndpoints, resolveEndpoint } from '../../src/core/providers/registry';

test('model refs split at the first slash; model ids may hold / and :', () => {
  assert.deepEqual(parseModelRef('ollama/qwen3:8b'), { providerId: 'ollama', modelId: 'qwen3:8b' });
  assert.deepEqual(parseModelRef('vllm/Qwen/Qwen3-8B-AWQ'), { providerId: 'vllm', modelId: 'Qwen/Qwen3-8B-AWQ' });
  assert.deepEqual(parseModelRef('  local/echo '), { providerId: 'local', modelId: 'echo' });
});

test('a model without a provider is refused with a message that shows the right form', () => {
  const r = parseModelRef('qwen3:8b');
  assert.ok('error' in r);
  assert.match(r.error, /does not name a provider/);
  assert.match(r.error, /"ollama\/qwen3:8b"/);
  for (const bad of ['', '/x', 'x/']) assert.ok('error' in parseModelRef(bad), bad);
});

test('settings are read from flat VS Code keys or a nested object, with defaults', () => {
  const flat = settingsFromObject({ 'tack.model': 'vllm/m', 'tack.providers': { a: { baseUrl: 'http://h/v1' } }, 'tack.network.connectTimeoutSeconds': 2 });
  assert.equal(flat.model, 'vllm/m');
  assert.equal(flat.providers.a.baseUrl, 'http://h/v1');
  assert.equal(flat.network.connectTimeoutMs, 2000);
  assert.equal(flat.network.idleTimeoutMs, 120_000);
  const nested = settingsFromObject({ tack: { model: 'ollama/x', network: { idleTimeoutSeconds: 5 } } });
  assert.equal(nested.model, 'ollama/x');
  assert.equal(nested.network.idleTimeoutMs, 5000);
  assert.equal(nested.network.connectTimeoutMs, 10_000);
  const junk = settingsFromObject({ 'tack.model': 42, 'tack.providers': 'nope', 'tack.network.connectTimeoutSeconds': -1 });
  assert.equal(junk.model, '');
  assert.deepEqual(junk.providers, {});
  assert.equal(junk.network.connectTimeoutMs, 10_000);
});

test('presets resolve to their local default URLs', () => {
  const s = settingsFromObject({});
  const o = resolveEndpoint(s, 'ollama');
  assert.ok('endpoint' in o);
  assert.equal(o.endpoint.baseUrl, 'http://127.0.0.1:11434');
  assert.equal(o.endpoint.dialect, 'ollama');
  assert.equal(o.endpoint.label, 'Ollama');
  const v = resolveEndpoint(s, 'vllm');
  assert.ok('endpoint' in v);
  assert.equal(v.endpoint.baseUrl, 'http://127.0.0.1:8000/v1');
});

test('a settings entry overrides a preset baseUrl or defines a custom endpoint', () => {
  const s = settingsFromObject({ 'tack.providers': {
    vllm: { baseUrl: 'http://gpu-box:9000/v1/' },
    lab: { type: 'openai-compatible', baseUrl: 'https://llm.example.com/v1', label: 'Lab server' },
  } });
  const v = resolveEndpoint(s, 'vllm');
  assert.ok('endpoint' in v);
  assert.equal(v.endpoint.baseUrl, 'http://gpu-box:9000/v1');
  assert.equal(v.endpoint.label, 'vLLM');
  const lab = resolveEndpoint(s, 'lab');
  assert.ok('endpoint' in lab);
  assert.equal(lab.endpoint.label, 'Lab server');
  assert.equal(lab.endpoint.local, false);
});

test('unknown providers, bad URLs and unsupported types give actionable errors', () => {
  const s = settingsFromObject({ 'tack.providers': {
    nourl: { type: 'openai-compatible' },
    bad: { baseUrl: 'ftp://x' },
    weird: { type: 'grpc', baseUrl: 'http://x' },
  } });
  const unknown = resolveEndpoint(s, 'nope');
  assert.ok('error' in unknown);
  assert.match(unknown.error, /Unknown provider "nope"/);
  assert.match(unknown.error, /openai, anthropic, .*ollama, vllm, lmstudio, llamacpp/);
  const nourl = resolveEndpoint(s, 'nourl');
  assert.ok('error' in nourl && /no baseUrl/.test(nourl.error));
  const bad = resolveEndpoint(s, 'bad');
  assert.ok('error' in bad && /invalid baseUrl/.test(bad.error));
  const weird = resolveEndpoint(s, 'weird');
  assert.ok('error' in weird && /does not support/.test(weird.error) && /openai-compatible, anthropic, ollama/.test(weird.error));
  const all = listEndpoints(s);
  assert.ok(all.endpoints.some(e => e.id === 'ollama') && all.endpoints.some(e => e.id === 'vllm'));
  assert.ok(!all.endpoints.some(e => ['nourl', 'bad', 'weird'].includes(e.id)));
  assert.equal(all.errors.length, 3, 'only the user\'s own bad entries are reported (Azure without a baseUrl is simply not offered)');
});

test('loopback and private hosts count as local', () => {
  for (const u of ['http://127.0.0.1:1/v1', 'http://localhost/v1', 'http://[::1]:8/v1', 'http://192.168.1.2/v1', 'http://10.0.0.5/v1']) assert.ok(isLocalUrl(u), u);
  for (const u of ['https://api.openai.com/v1', 'http://172.32.0.1/v1', 'not a url']) assert.ok(!isLocalUrl(u), u);
});
