// Quantization with its source: each server's field, the vLLM name inference table, vendor-managed, expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkExpectedQuantization, declaredQuantization, ggufQuantType, inferQuantizationFromName, normalizeQuantization,
  parseOpenRouterEndpoints, quantizationFromLlamaCppProps, quantizationFromLmStudio, quantizationFromOllamaShow,
  quantizationFromOpenRouter, quantizationLabel, vendorOf, VENDOR_NOT_DISCLOSED,
} from '../../src/core/models/quantization';

test('Ollama: details.quantization_level, from the server', () => {
  assert.deepEqual(quantizationFromOllamaShow({ details: { format: 'gguf', quantization_level: 'Q4_K_M' } }),
    { value: 'Q4_K_M', source: 'server', detail: 'Ollama /api/show details.quantization_level' });
  for (const junk of [null, {}, { details: {} }, { details: { quantization_level: 4 } }, 'x']) assert.equal(quantizationFromOllamaShow(junk), undefined);
});

test('LM Studio: the model entry\'s quantization', () => {
  assert.equal(quantizationFromLmStudio({ id: 'qwen3-8b', quantization: '4bit', arch: 'qwen3' })?.value, '4bit');
  assert.equal(quantizationFromLmStudio({ id: 'x' }), undefined);
});

test('llama.cpp: the GGUF quant type from /props model_path', () => {
  const q = quantizationFromLlamaCppProps({ model_path: '/models/Qwen3-8B-Q4_K_M.gguf' });
  assert.deepEqual(q, { value: 'Q4_K_M', source: 'server', detail: 'llama.cpp /props model file Qwen3-8B-Q4_K_M.gguf' });
  const cases: Array<[string, string | undefined]> = [
    ['C:\\models\\llama-3-8b.Q8_0.gguf', 'Q8_0'],
    ['gemma-3-27b-it-UD-Q4_K_XL.gguf', 'Q4_K_XL'],
    ['model-IQ4_XS-00001-of-00002.gguf', 'IQ4_XS'],
    ['Qwen3-30B-A3B-BF16.gguf', 'BF16'],
    ['ggml-model-f16.gguf', 'F16'],
    ['tinyllama-q2_k.gguf', 'Q2_K'],
    ['IQ2_XXS.gguf', 'IQ2_XXS'],
    ['qwen2.5-coder-7b-instruct.gguf', undefined],
  ];
  for (const [file, want] of cases) assert.equal(ggufQuantType(file), want, file);
  assert.equal(quantizationFromLlamaCppProps({ model_path: '/m/unknown.gguf' }), undefined);
});

test('vLLM: inferred from the served name, labelled inferred; unmarked names stay unknown', () => {
  const table: Array<[string, string | undefined]> = [
    ['Qwen/Qwen3-32B-AWQ', 'AWQ (4-bit)'],
    ['Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4', 'GPTQ (4-bit)'],
    ['TheBloke/Llama-2-7B-GPTQ', 'GPTQ'],
    ['neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8', 'FP8'],
    ['RedHatAI/Llama-3.1-8B-Instruct-FP8-dynamic', 'FP8'],
    ['RedHatAI/Qwen3-8B-quantized.w4a16', 'W4A16 (4-bit weights)'],
    ['RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8', 'W8A8 (8-bit weights)'],
    ['nvidia/Llama-3.3-70B-Instruct-NVFP4', 'NVFP4 (4-bit)'],
    ['someone/gpt-oss-20b-MXFP4', 'MXFP4 (4-bit)'],
    ['org/model-INT8', 'INT8'],
    ['org/model-int4', 'INT4'],
    ['unsloth/Qwen3-8B-unsloth-bnb-4bit', 'bitsandbytes (4-bit)'],
    ['mlx-community/Qwen3-8B-4bit', '4-bit'],
    ['ggml-org/Qwen3-8B-GGUF:Q4_K_M', 'Q4_K_M'],
    ['Qwen/Qwen3-8B-Instruct-BF16', 'BF16'],
    ['Qwen/Qwen3-8B', undefined],
    ['openai/gpt-oss-20b', undefined],
    ['meta-llama/Llama-3.1-8B-Instruct', undefined],
  ];
  for (const [name, want] of table) {
    const q = inferQuantizationFromName(name);
    assert.equal(q?.value, want, name);
    if (q) {
      assert.equal(q.source, 'inferred', name);
      assert.match(q.detail!, /inferred from the model name/);
    }
  }
});

test('a declared value is labelled declared', () => {
  assert.deepEqual(declaredQuantization('FP8', 'lab'), { value: 'FP8', source: 'declared', detail: 'declared on provider "lab"' });
  assert.equal(declaredQuantization('  ', 'lab'), undefined);
  assert.equal(declaredQuantization(8, 'lab'), undefined);
});

test('first-party hosts are vendor-managed; a preset pointed elsewhere is not', () => {
  assert.equal(vendorOf('openai', 'https://api.openai.com/v1'), 'OpenAI');
  assert.equal(vendorOf('anthropic', 'https://api.anthropic.com'), 'Anthropic');
  assert.equal(vendorOf('gemini', 'https://generativelanguage.googleapis.com/v1beta/openai'), 'Google');
  assert.equal(vendorOf('vertex', 'https://us-east5-aiplatform.googleapis.com/v1'), 'Google Vertex AI');
  assert.equal(vendorOf('azure-openai', 'https://myres.openai.azure.com'), 'Azure OpenAI');
  assert.equal(vendorOf('bedrock', 'https://bedrock-runtime.us-east-1.amazonaws.com'), 'Amazon Bedrock');
  assert.equal(vendorOf('openai', 'http://127.0.0.1:4000/v1'), undefined);
  assert.equal(vendorOf('openai', undefined), 'OpenAI');
  assert.equal(vendorOf('vllm', 'http://127.0.0.1:8000/v1'), undefined);
});

const ENDPOINTS = {
  data: {
    id: 'qwen/qwen3-coder',
    endpoints: [
      { name: 'DeepInfra | qwen/qwen3-coder', provider_name: 'DeepInfra', tag: 'deepinfra/fp8', quantization: 'fp8', context_length: 262144, pricing: { prompt: '0.0000003', completion: '0.0000012' } },
      { name: 'Together', provider_name: 'Together', quantization: 'bf16', context_length: 131072 },
      { name: 'Mystery', provider_name: 'Mystery', quantization: 'unknown' },
      { provider_name: 42 },
    ],
  },
};

test('OpenRouter: the endpoint of the provider that served the request', () => {
  const eps = parseOpenRouterEndpoints(ENDPOINTS);
  assert.equal(eps.length, 3);
  assert.equal(eps[0].contextLength, 262144);
  assert.deepEqual(quantizationFromOpenRouter(eps, 'DeepInfra'), { value: 'fp8', source: 'server', detail: 'OpenRouter endpoints: served by DeepInfra' });
  assert.equal(quantizationFromOpenRouter(eps, 'together')?.value, 'bf16');
  assert.equal(quantizationFromOpenRouter(eps, 'Mystery'), undefined, '"unknown" is not a value');
  assert.equal(quantizationFromOpenRouter(eps, 'Elsewhere'), undefined);
  assert.equal(quantizationFromOpenRouter(eps, undefined), undefined, 'providers disagree: no guess');
  assert.equal(quantizationFromOpenRouter([eps[0]], undefined)?.value, 'fp8');
  const vendor = quantizationFromOpenRouter([{ provider: 'OpenAI' }], 'OpenAI');
  assert.deepEqual([vendor?.value, vendor?.source], [VENDOR_NOT_DISCLOSED, 'vendor']);
  assert.deepEqual(parseOpenRouterEndpoints({ data: null }), []);
});

test('expectQuantization: case and format do not matter; mismatches and unknowns say why', () => {
  assert.equal(normalizeQuantization('q4_k_m'), normalizeQuantization('Q4_K_M'));
  assert.equal(normalizeQuantization('fp8'), normalizeQuantization('FP8'));
  assert.equal(normalizeQuantization('F16'), normalizeQuantization('fp16'));
  assert.equal(normalizeQuantization('AWQ (4-bit)'), 'AWQ');
  const server = { value: 'Q4_K_M', source: 'server' as const };
  assert.deepEqual(checkExpectedQuantization([], server), { status: 'none' });
  assert.deepEqual(checkExpectedQuantization(['q4_k_m'], server), { status: 'match' });
  assert.deepEqual(checkExpectedQuantization(['Q8_0', 'q4-k-m'], server), { status: 'match' });
  const mismatch = checkExpectedQuantization(['Q8_0'], server, 'exact');
  assert.equal(mismatch.status, 'mismatch');
  assert.match((mismatch as { message: string }).message, /Profile "exact" expects Q8_0, but the server reports Q4_K_M/);
  const inferred = checkExpectedQuantization(['fp8'], { value: 'AWQ (4-bit)', source: 'inferred' });
  assert.match((inferred as { message: string }).message, /the model name suggests AWQ/);
  assert.equal(checkExpectedQuantization(['fp8'], { value: 'FP8', source: 'inferred' }).status, 'match');
  assert.equal(checkExpectedQuantization(['fp8'], undefined).status, 'unknown');
  assert.equal(checkExpectedQuantization(['fp8'], { value: VENDOR_NOT_DISCLOSED, source: 'vendor' }).status, 'unknown');
});

test('status bar labels say where a value comes from', () => {
  assert.equal(quantizationLabel({ value: 'Q4_K_M', source: 'server' }), 'Q4_K_M');
  assert.equal(quantizationLabel({ value: 'FP8', source: 'inferred' }), 'FP8 (inferred)');
  assert.equal(quantizationLabel({ value: 'W8A8', source: 'declared' }), 'W8A8 (declared)');
  assert.equal(quantizationLabel({ value: VENDOR_NOT_DISCLOSED, source: 'vendor' }), VENDOR_NOT_DISCLOSED);
  assert.equal(quantizationLabel(undefined), 'quantization unknown');
});
