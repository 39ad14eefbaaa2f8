// Scoring of the verification suite on recorded answers: schema validity (ajv), similarity, medians, the measures of
// a target, the shipped suite and its version, the plan before a run, and drift between kept results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  checkToolCall, exactMatch, median, normalizeAnswer, scoreTarget, textSimilarity, type Observation,
} from '../../src/core/verify/score';
import { loadSuite, parseSuite, type ProbeSuite } from '../../src/core/verify/suite';
import { describePlan, highlights, modelKey, planVerify, verifyJson } from '../../src/core/verify/report';
import { driftNotes, parseVerifyHistory, verifyRecords } from '../../src/core/verify/history';
import type { VerifyRow } from '../../src/core/verify/run';

const PROMPTS = path.resolve(__dirname, '../../../prompts');

test('the shipped suite parses, is versioned, and mixes tool probes (call and none) with checkable answers', async () => {
  const suite = await loadSuite(PROMPTS);
  assert.equal(suite.version, '1');
  const kinds = suite.probes.map(p => (p.kind === 'tool' ? `tool-${p.expect}` : 'answer'));
  assert.ok(kinds.filter(k => k === 'tool-call').length >= 3);
  assert.ok(kinds.filter(k => k === 'tool-none').length >= 2);
  assert.ok(kinds.filter(k => k === 'answer').length >= 3);
  const schemas = JSON.stringify(suite.probes.filter(p => p.kind === 'tool').map(p => (p as { tools: unknown }).tools));
  for (const shape of ['"enum"', '"type":"array"', '"required"', 'reminderMinutes']) assert.ok(schemas.includes(shape), `the schemas include ${shape}`);
});

test('a malformed suite is refused with the place of the problem', () => {
  assert.throws(() => parseSuite({ version: '1', system: '', probes: [{ id: 'a', kind: 'tool', prompt: 'p', expect: 'call', tool: 'x', tools: [{ name: 'y', description: '', parameters: {} }] }] }), /probes\[0\] \(a\): "tool" must name one of its tools/);
  assert.throws(() => parseSuite({ version: '1', system: '', probes: [{ id: 'a', kind: 'answer', prompt: 'p', expected: ['1'] }, { id: 'a', kind: 'answer', prompt: 'q', expected: ['2'] }] }), /appears twice/);
  assert.throws(() => parseSuite({ system: '', probes: [] }), /needs a version/);
});

test('median: odd, even, empty, non-finite values left out', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
  assert.equal(median([Number.NaN, 7]), 7);
});

test('answers are compared after normalization; similarity is 1 − edit distance / length', () => {
  assert.equal(normalizeAnswer('  "Canberra." '), 'canberra');
  assert.equal(normalizeAnswer('```json\n{"a":1}\n```'), '{"a":1}');
  assert.ok(exactMatch('canberra', ['Canberra']));
  assert.ok(exactMatch('{"a": 1, "b": [true, null]}', ['{"a":1,"b":[true,null]}']), 'whitespace inside JSON does not matter');
  assert.ok(!exactMatch('Sydney', ['Canberra']));
  assert.equal(textSimilarity('Canberra', 'canberra.'), 1);
  assert.equal(textSimilarity('abcd', 'abcx'), 0.75);
  assert.equal(textSimilarity('', ''), 1);
  assert.equal(textSimilarity('abc', ''), 0);
});

const weather = {
  tools: [{ name: 'get_weather', description: '', parameters: {
    type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'array', items: { type: 'integer' } } },
    required: ['city', 'unit'], additionalProperties: false,
  } }],
};

test('tool-call arguments: valid JSON and valid against the schema (ajv), or which rule failed', () => {
  assert.deepEqual(checkToolCall(weather, { name: 'get_weather', args: '{"city":"Paris","unit":"celsius","days":[1,2]}' }), { ok: true });
  const missing = checkToolCall(weather, { name: 'get_weather', args: '{"city":"Paris"}' });
  assert.equal(missing.ok, false);
  assert.equal(!missing.ok && missing.reason, 'schema');
  assert.match(!missing.ok ? missing.detail : '', /unit/);
  const badEnum = checkToolCall(weather, { name: 'get_weather', args: '{"city":"Paris","unit":"kelvin"}' });
  assert.equal(!badEnum.ok && badEnum.reason, 'schema');
  const nested = checkToolCall(weather, { name: 'get_weather', args: '{"city":"Paris","unit":"celsius","days":["x"]}' });
  assert.equal(!nested.ok && nested.reason, 'schema');
  assert.equal((checkToolCall(weather, { name: 'get_weather', args: '{"city": "Par' }) as { reason: string }).reason, 'invalid_json');
  assert.equal((checkToolCall(weather, { name: 'get_time', args: '{}' }) as { reason: string }).reason, 'unknown_tool');
});

const suite: ProbeSuite = parseSuite({
  version: 't1', system: 's', probes: [
    { id: 'call', kind: 'tool', prompt: 'weather in Paris', expect: 'call', tool: 'get_weather', ...weather },
    { id: 'call2', kind: 'tool', prompt: 'weather in Rome', expect: 'call', tool: 'get_weather', ...weather },
    { id: 'none', kind: 'tool', prompt: '2+2', expect: 'none', ...weather },
    { id: 'capital', kind: 'answer', prompt: 'capital?', expected: ['Canberra'] },
    { id: 'num', kind: 'answer', prompt: '17*23?', expected: ['391'] },
  ],
});

const obs = (probeId: string, over: Partial<Observation> = {}): Observation => ({
  probeId, run: 1, text: '', toolCalls: [], stopReason: 'stop', ttftMs: 100, latencyMs: 1100, outputTokens: 50, costUsd: 0.001, ...over,
});
const call = (args: string) => ({ toolCalls: [{ name: 'get_weather', args }], stopReason: 'tool_calls' as const });

// Recorded answers of a faithful host and of one with broken tool calls, slower.
const faithful: Observation[] = [
  obs('call', call('{"city":"Paris","unit":"celsius"}')), obs('call2', call('{"city":"Rome","unit":"celsius"}')),
  obs('none', { text: '4' }), obs('capital', { text: 'Canberra' }), obs('num', { text: '391' }),
];
const broken: Observation[] = [
  obs('call', { ...call('{"city":"Paris"}'), ttftMs: 400, latencyMs: 2400 }),
  obs('call2', { text: 'I would check the weather.', ttftMs: 500, latencyMs: 2500 }),
  obs('none', { ...call('{"city":"Paris","unit":"celsius"}'), ttftMs: 300, latencyMs: 2300 }),
  obs('capital', { text: 'Sydney', ttftMs: 450, latencyMs: 2450 }),
  obs('num', { text: '391', ttftMs: 350, latencyMs: 2350 }),
  obs('num', { run: 2, error: { kind: 'rate_limit', message: 'Too many requests' }, ttftMs: undefined, latencyMs: 20, outputTokens: 0, costUsd: null }),
];

test('the measures of a target from its recorded answers', () => {
  const f = scoreTarget(suite, faithful);
  assert.deepEqual({ ...f }, {
    toolCallTriggered: 1, toolCallValid: 1, unexpectedCalls: 0, similarity: null, exactMatch: 1,
    ttftMs: 100, tokensPerSec: 50, latencyMs: 1100, costUsd: 0.005, requests: 5,
  });
  const b = scoreTarget(suite, broken, faithful);
  assert.equal(b.toolCallTriggered, 0.5, 'one of two expected calls made');
  assert.equal(b.toolCallValid, 0, 'the one call made misses a required argument');
  assert.equal(b.unexpectedCalls, 1);
  assert.equal(b.exactMatch, 0.5);
  assert.equal(b.ttftMs, 400);
  assert.equal(b.tokensPerSec, 25);
  assert.equal(b.requests, 6, 'the failed request counts as sent');
  // Decisions: call (same), call2 (text instead of a call: 0), none (a call instead of none: 0); answers by text.
  const expected = (1 + 0 + 0 + textSimilarity('Sydney', 'Canberra') + 1) / 5;
  assert.ok(Math.abs(b.similarity! - expected) < 1e-9, `similarity ${b.similarity} vs ${expected}`);
  assert.equal(scoreTarget(suite, faithful, faithful).similarity, 1);
  assert.deepEqual(scoreTarget(suite, []), { toolCallTriggered: null, toolCallValid: null, unexpectedCalls: null, similarity: null, exactMatch: null, ttftMs: null, tokensPerSec: null, latencyMs: null, costUsd: null, requests: 0 });
});

const row = (target: string, m: ReturnType<typeof scoreTarget>, over: Partial<VerifyRow> = {}): VerifyRow => ({
  type: 'verify', target, reference: false, quantization: null, contextWindow: null, servedBy: null, price: null, errors: [], ...m, ...over,
});

test('highlights name what stands out; a target that only failed says why', () => {
  const rows = [
    row('vendor/k2', scoreTarget(suite, faithful), { reference: true }),
    row('cheap/k2', scoreTarget(suite, broken, faithful), { errors: [{ kind: 'rate_limit', message: 'Too many requests', count: 1 }] }),
    row('nokey/k2', scoreTarget(suite, [obs('call', { error: { kind: 'auth', message: 'Invalid key' } })]), { errors: [{ kind: 'auth', message: 'Invalid key', count: 1 }] }),
  ];
  const h = highlights(rows);
  assert.match(h['vendor/k2'], /nothing stands out/);
  assert.match(h['cheap/k2'], /1 of 6 requests failed \(rate_limit\)/);
  assert.match(h['cheap/k2'], /only 50% of the expected tool calls/);
  assert.match(h['cheap/k2'], /first token 4× slower/);
  assert.equal(h['nokey/k2'], 'Could not be measured: Invalid key');
  const json = verifyJson(rows[1]);
  for (const k of ['type', 'target', 'toolCallTriggered', 'toolCallValid', 'unexpectedCalls', 'similarity', 'exactMatch', 'ttftMs', 'tokensPerSec', 'quantization', 'costUsd', 'requests', 'errors']) {
    assert.ok(k in json, `the JSON row has ${k}`);
  }
});

test('the plan counts the requests and bounds the cost where a price is known', () => {
  const plan = planVerify(suite, ['a/x', 'b/y'], 3, ref => (ref === 'a/x' ? { input: 1, output: 2 } : undefined));
  assert.equal(plan.requests, 30);
  assert.equal(plan.perTarget, 15);
  assert.deepEqual(plan.unpriced, ['b/y']);
  assert.ok(plan.estimatedCostUsd! > 400 * 15 * 2 / 1e6, 'every answer at the output limit');
  assert.match(describePlan(plan), /^30 requests \(15 per target\), at most about \$0\.0\d+ plus b\/y \(price unknown\)\.$/);
  assert.match(describePlan(planVerify(suite, ['b/y'], 1, () => undefined)), /cost unknown/);
});

test('kept results: records without error texts; drift against the last run of the same target and suite version', () => {
  const earlier = verifyRecords([row('host/k2', scoreTarget(suite, faithful, faithful))], { now: new Date(2026, 10, 3, 12), suiteVersion: 't1', versions: { tack: '0.1.0' }, runs: 1, reference: 'vendor/k2' });
  const otherVersion = verifyRecords([row('host/k2', scoreTarget(suite, broken, faithful))], { now: new Date(2026, 10, 4, 12), suiteVersion: 't0', versions: {}, runs: 1, reference: 'vendor/k2' });
  const text = [...earlier, ...otherVersion].map(r => JSON.stringify(r)).join('\n') + '\n{"torn';
  const history = parseVerifyHistory(text);
  assert.equal(history.length, 2, 'the torn line is skipped');
  const now = [row('host/k2', scoreTarget(suite, broken, faithful), { errors: [{ kind: 'rate_limit', message: 'secret-ish server text', count: 1 }] }), row('new/k2', scoreTarget(suite, faithful))];
  const drift = driftNotes(history, now, 't1');
  assert.ok(drift['host/k2'].some(n => n === 'got worse since 2026-11-03: expected tool calls made 100% → 50%'), JSON.stringify(drift));
  assert.ok(drift['host/k2'].some(n => /got slower since 2026-11-03: first token 100 → 400 ms/.test(n)));
  assert.equal(drift['new/k2'], undefined, 'a target seen for the first time has no drift');
  const kept = verifyRecords(now, { now: new Date(), suiteVersion: 't1', versions: {}, runs: 1, reference: 'vendor/k2' });
  assert.ok(!JSON.stringify(kept).includes('secret-ish'), 'error messages are not kept');
});

test('one model under the names different hosts give it', () => {
  const names = ['kimi-k2', 'moonshotai/Kimi-K2-Instruct', 'moonshotai/kimi-k2:exacto', 'moonshotai/Kimi-K2-Instruct-0905'];
  assert.deepEqual([...new Set(names.map(modelKey))], ['kimi-k2']);
  assert.notEqual(modelKey('qwen3:8b'), modelKey('qwen3:32b'), 'sizes are different models');
});
