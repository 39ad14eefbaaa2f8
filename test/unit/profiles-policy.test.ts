// What a profile allows and limits: allowedProviders, budgets, fallbacks, request options, the system prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetStopError, checkAllowedProvider, checkBudget, nextFallbackModel } from '../../src/core/profiles/policy';
import { modelForTurn, requestOptionsFor } from '../../src/core/profiles/apply';
import { composeSystemPrompt, instructionFiles, systemPromptSource } from '../../src/core/profiles/prompt';
import { builtinLayer, resolveProfiles } from '../../src/core/profiles/resolve';
import { parseProfilesValue } from '../../src/core/profiles/parse';
import type { ResolvedProfile } from '../../src/core/profiles/types';

function profile(spec: Record<string, unknown>, name = 'p'): ResolvedProfile {
  const layer = parseProfilesValue({ profiles: { [name]: spec } }, { source: 'workspace', file: 'f' });
  assert.deepEqual(layer.diagnostics, []);
  return resolveProfiles([builtinLayer(), layer], { userProviderIds: [], trusted: true }).profiles[name];
}

test('allowedProviders: a request to another provider is a policy error naming the profile', () => {
  const p = profile({ allowedProviders: ['ollama', 'vllm'] }, 'secure');
  assert.equal(checkAllowedProvider(p, 'ollama'), undefined);
  const e = checkAllowedProvider(p, 'openai')!;
  assert.equal(e.type, 'error');
  assert.equal(e.kind, 'policy');
  assert.match(e.message, /Profile "secure" does not allow provider "openai": it allows only "ollama", "vllm"\./);
  assert.equal(checkAllowedProvider(profile({}), 'openai'), undefined, 'no list: everything allowed');
  assert.equal(checkAllowedProvider(undefined, 'openai'), undefined);
});

test('budget: 79 % ok, 80 % warn, 100 % stop — for cost and for tokens', () => {
  const usd = profile({ budget: { sessionUsd: 1 } }, 'b');
  assert.equal(checkBudget({ costUsd: 0.79, tokens: 0 }, usd).level, 'ok');
  const warn = checkBudget({ costUsd: 0.8, tokens: 0 }, usd);
  assert.equal(warn.level, 'warn');
  assert.match(warn.message!, /Session budget of profile "b" at 80 %: \$0\.80 of \$1\.00/);
  const stop = checkBudget({ costUsd: 1, tokens: 0 }, usd);
  assert.equal(stop.level, 'stop');
  assert.match(stop.message!, /reached: \$1\.00 of \$1\.00\. Continue to allow more requests/);
  assert.equal(budgetStopError(stop)?.kind, 'policy');
  assert.equal(budgetStopError(warn), undefined);

  const tok = profile({ budget: { sessionTokens: 1000 } });
  assert.deepEqual([790, 800, 999, 1000, 5000].map(t => checkBudget({ costUsd: null, tokens: t }, tok).level), ['ok', 'warn', 'warn', 'stop', 'stop']);
  const both = profile({ budget: { sessionUsd: 10, sessionTokens: 1000 } });
  assert.equal(checkBudget({ costUsd: 1, tokens: 850 }, both).level, 'warn', 'the larger fraction counts');
  const unknown = checkBudget({ costUsd: null, tokens: 0 }, usd);
  assert.equal(unknown.level, 'ok');
  assert.match(unknown.message!, /cannot be checked: the cost of this model is unknown/);
  assert.deepEqual(checkBudget({ costUsd: 100, tokens: 1e9 }, profile({})), { level: 'ok', fraction: 0 });
});

test('fallbackModels: tried in order on rate_limit and server errors only, skipping forbidden providers', () => {
  const p = profile({ model: 'openrouter/a/b', fallbackModels: ['openai/gpt-5', 'ollama/qwen3:8b', 'vllm/x'], allowedProviders: ['openrouter', 'ollama', 'vllm'] });
  assert.equal(nextFallbackModel(p, ['openrouter/a/b'], 'rate_limit'), 'ollama/qwen3:8b');
  assert.equal(nextFallbackModel(p, ['openrouter/a/b', 'ollama/qwen3:8b'], 'server'), 'vllm/x');
  assert.equal(nextFallbackModel(p, ['openrouter/a/b', 'ollama/qwen3:8b', 'vllm/x'], 'server'), undefined);
  for (const kind of ['auth', 'config', 'policy', 'cancelled', 'not_found', 'network'] as const) {
    assert.equal(nextFallbackModel(p, ['openrouter/a/b'], kind), undefined, kind);
  }
});

test('the model for a turn: explicit choice > profile > setting', () => {
  const p = profile({ model: 'ollama/a' });
  assert.equal(modelForTurn('vllm/x', p, { model: 'lab/s' }), 'vllm/x');
  assert.equal(modelForTurn(undefined, p, { model: 'lab/s' }), 'ollama/a');
  assert.equal(modelForTurn(undefined, profile({}), { model: 'lab/s' }), 'lab/s');
});

test('request options come from the profile; OpenRouter routing is sent as its provider object', () => {
  const p = profile({
    temperature: 0.2, topP: 0.9, maxOutputTokens: 1000, reasoning: 'low', numCtx: 8192,
    fallbackModels: ['openrouter/qwen/qwen3-coder', 'ollama/x'],
    openrouter: { quantizations: ['fp8', 'bf16'], only: ['DeepInfra'], allowFallbacks: false, sort: 'price' },
  });
  assert.deepEqual(requestOptionsFor(p, 'openrouter', undefined), {
    temperature: 0.2, topP: 0.9, maxOutputTokens: 1000, reasoning: 'low', numCtx: 8192,
    openrouterProvider: { quantizations: ['fp8', 'bf16'], only: ['DeepInfra'], allow_fallbacks: false, sort: 'price' },
    openrouterModels: ['qwen/qwen3-coder'],
  });
  assert.equal(requestOptionsFor(p, 'ollama', 32768).numCtx, 32768, 'the computed num_ctx wins');
  assert.equal(requestOptionsFor(p, 'ollama').openrouterModels, undefined);
  assert.deepEqual(requestOptionsFor(undefined, 'ollama', 4096), { numCtx: 4096 });
});

test('system prompt: a built-in name or a workspace path, then the instruction files', () => {
  assert.deepEqual(systemPromptSource({ systemPrompt: 'system' }), { kind: 'builtin', name: 'system' });
  assert.deepEqual(systemPromptSource({ systemPrompt: '.tack/prompt.md' }), { kind: 'workspace', path: '.tack/prompt.md' });
  assert.deepEqual(instructionFiles({}).map(f => [f.path, f.optional]), [['AGENTS.md', true], ['CLAUDE.md', true], ['.github/copilot-instructions.md', true]]);
  assert.deepEqual(instructionFiles({ instructions: ['docs/A.md', '../x'] }), [{ path: 'docs/A.md', optional: false }]);
  assert.deepEqual(instructionFiles({ instructions: [] }), []);
  assert.equal(composeSystemPrompt('Base.\n', [{ path: 'AGENTS.md', text: 'Use tabs.' }, { path: 'CLAUDE.md', text: '  ' }]),
    'Base.\n\n# Instructions from AGENTS.md\n\nUse tabs.');
});
