/**
 * Scoring of recorded answers: pure functions from what each request returned (an Observation) to the measures of
 * a target. Shares are 0–1, speeds are medians; a measure that had nothing to measure is null, never 0.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { ErrorKind, StopReason } from '../events';
import type { ProbeSuite, ToolProbe } from './suite';

/** What one request returned, as recorded. */
export interface Observation {
  probeId: string;
  run: number;
  text: string;
  toolCalls: Array<{ name: string; args: string }>;
  stopReason?: StopReason;
  error?: { kind: ErrorKind; message: string };
  /** From sending to the first content (text, reasoning or a tool call). */
  ttftMs?: number;
  /** From sending to the end of the response. */
  latencyMs: number;
  /** Reported output tokens, or the o200k estimate of the output when none was reported. */
  outputTokens: number;
  costUsd: number | null;
  servedBy?: string;
}

export interface Measures {
  toolCallTriggered: number | null;
  toolCallValid: number | null;
  unexpectedCalls: number | null;
  similarity: number | null;
  exactMatch: number | null;
  ttftMs: number | null;
  tokensPerSec: number | null;
  latencyMs: number | null;
  costUsd: number | null;
  requests: number;
}

export function median(values: readonly number[]): number | null {
  const v = values.filter(Number.isFinite).slice().sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function share(hits: number, of: number): number | null {
  return of > 0 ? hits / of : null;
}

/** Trimmed, lower-cased, without code fences, surrounding quotes/backticks and a final period; whitespace collapsed. */
export function normalizeAnswer(s: string): string {
  let t = s.trim().replace(/^```[a-z]*\s*\n?/i, '').replace(/\n?```$/, '').trim();
  t = t.replace(/^["'`]+|["'`]+$/g, '').replace(/\.$/, '').trim();
  return t.replace(/\s+/g, ' ').toLowerCase();
}

export function exactMatch(answer: string, expected: readonly string[]): boolean {
  const a = normalizeAnswer(answer);
  return expected.some(e => normalizeAnswer(e) === a) || expected.some(e => a.replace(/\s/g, '') === normalizeAnswer(e).replace(/\s/g, ''));
}

const SIM_CAP = 2000;

/** 1 − Levenshtein distance / longer length, on normalized answers (capped at 2,000 characters each). */
export function textSimilarity(a: string, b: string): number {
  const x = normalizeAnswer(a).slice(0, SIM_CAP);
  const y = normalizeAnswer(b).slice(0, SIM_CAP);
  if (!x.length && !y.length) return 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return 1 - prev[y.length] / Math.max(x.length, y.length);
}

const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
const validators = new WeakMap<object, ValidateFunction>();

export type ArgsVerdict = { ok: true } | { ok: false; reason: 'unknown_tool' | 'invalid_json' | 'schema'; detail: string };

/** Whether a call names one of the probe's tools, its arguments are JSON, and they are valid against the tool's schema. */
export function checkToolCall(probe: Pick<ToolProbe, 'tools'>, call: { name: string; args: string }): ArgsVerdict {
  const tool = probe.tools.find(t => t.name === call.name);
  if (!tool) return { ok: false, reason: 'unknown_tool', detail: `no tool named "${call.name}"` };
  let args: unknown;
  try {
    args = JSON.parse(call.args || '{}');
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: (err as Error).message };
  }
  let validate = validators.get(tool.parameters);
  if (!validate) {
    try {
      validate = ajv.compile(tool.parameters);
    } catch (err) {
      return { ok: false, reason: 'schema', detail: `the tool's schema does not compile: ${(err as Error).message}` };
    }
    validators.set(tool.parameters, validate);
  }
  if (validate(args)) return { ok: true };
  return { ok: false, reason: 'schema', detail: ajv.errorsText(validate.errors) };
}

/** The decision a tool probe's answer made: the sorted names of the tools it called, or "" for none. */
function decision(o: Observation): string {
  return o.toolCalls.map(c => c.name).sort().join(',');
}

/**
 * Similarity of one answer to the reference's answer to the same probe: tool probes compare the decision (which tools,
 * or none: 1 or 0); answer probes the text (textSimilarity).
 */
function pairSimilarity(kind: 'tool' | 'answer', o: Observation, ref: Observation): number {
  return kind === 'tool' ? (decision(o) === decision(ref) ? 1 : 0) : textSimilarity(o.text, ref.text);
}

/**
 * The measures of one target from its observations. `reference` is the reference target's observations (undefined for
 * the reference itself, or when there is none): each answer is compared with the reference's answer to the same
 * probe in the same run (or its first run when runs differ). Failed requests count only in `requests`.
 */
export function scoreTarget(suite: ProbeSuite, obs: readonly Observation[], reference?: readonly Observation[]): Measures {
  const ok = obs.filter(o => !o.error);
  const kindOf = new Map(suite.probes.map(p => [p.id, p] as const));
  let expected = 0, triggered = 0, calls = 0, valid = 0, noCall = 0, unexpected = 0, answers = 0, exact = 0;
  const sims: number[] = [];
  for (const o of ok) {
    const probe = kindOf.get(o.probeId);
    if (!probe) continue;
    if (probe.kind === 'tool' && probe.expect === 'call') {
      expected++;
      if (o.stopReason === 'tool_calls' && o.toolCalls.length) triggered++;
      for (const c of o.toolCalls) { calls++; if (checkToolCall(probe, c).ok) valid++; }
    } else if (probe.kind === 'tool') {
      noCall++;
      if (o.toolCalls.length) unexpected++;
    } else {
      answers++;
      if (exactMatch(o.text, probe.expected)) exact++;
    }
    if (reference) {
      const refs = reference.filter(r => !r.error && r.probeId === o.probeId);
      const ref = refs.find(r => r.run === o.run) ?? refs[0];
      if (ref) sims.push(pairSimilarity(probe.kind, o, ref));
    }
  }
  const tps = ok.flatMap(o => {
    const genMs = o.latencyMs - (o.ttftMs ?? 0);
    return o.ttftMs !== undefined && genMs > 0 && o.outputTokens > 0 ? [o.outputTokens / (genMs / 1000)] : [];
  });
  const costs = obs.map(o => o.costUsd).filter((c): c is number => c !== null);
  return {
    toolCallTriggered: share(triggered, expected),
    toolCallValid: share(valid, calls),
    unexpectedCalls: share(unexpected, noCall),
    similarity: reference ? (sims.length ? sims.reduce((a, b) => a + b, 0) / sims.length : null) : null,
    exactMatch: share(exact, answers),
    ttftMs: median(ok.flatMap(o => (o.ttftMs === undefined ? [] : [o.ttftMs]))),
    tokensPerSec: median(tps),
    latencyMs: median(ok.map(o => o.latencyMs)),
    costUsd: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
    requests: obs.length,
  };
}
