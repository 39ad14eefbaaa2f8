/**
 * What a verification run says, for people: the plan before it runs (requests, estimated cost), a table, the
 * public JSON row of each target, and one sentence per host about what stands out.
 */
import type { Price } from '../models/types';
import { estimateTokens } from '../inspect/tokens';
import type { VerifyRow } from './run';
import type { ProbeSuite } from './suite';

/**
 * Hosts name one model differently (`kimi-k2`, `moonshotai/Kimi-K2-Instruct`, `moonshotai/kimi-k2:exacto`): one key for
 * all, to offer the hosts of a model together. Router variants and an `-instruct` suffix are dropped; sizes and
 * quantization tags (`qwen3:8b`) are kept, they are different models.
 */
export function modelKey(modelId: string): string {
  return modelId.toLowerCase().split('/').pop()!.replace(/:(exacto|free|nitro|floor|online|beta)$/, '').replace(/-instruct(-\d+)?$/, '');
}

export interface VerifyPlan {
  requests: number;
  perTarget: number;
  /** An upper bound (every answer at the output limit) over the targets with a known price; null when none is priced. */
  estimatedCostUsd: number | null;
  unpriced: string[];
}

export function planVerify(suite: ProbeSuite, targets: readonly string[], runs: number, price: (ref: string) => Price | undefined): VerifyPlan {
  const perTarget = suite.probes.length * runs;
  const input = suite.probes.reduce((n, p) => n + estimateTokens(suite.system) + estimateTokens(p.prompt)
    + (p.kind === 'tool' ? estimateTokens(JSON.stringify(p.tools)) : 0), 0) * runs;
  const output = suite.maxOutputTokens * perTarget;
  let cost: number | null = null;
  const unpriced: string[] = [];
  for (const t of targets) {
    const p = price(t);
    if (!p) { unpriced.push(t); continue; }
    cost = (cost ?? 0) + (input * p.input + output * p.output) / 1e6;
  }
  return { requests: perTarget * targets.length, perTarget, estimatedCostUsd: cost, unpriced };
}

export function describePlan(plan: VerifyPlan): string {
  const cost = plan.estimatedCostUsd === null ? 'cost unknown (no price known for these models)'
    : `at most about $${plan.estimatedCostUsd.toFixed(4)}${plan.unpriced.length ? ` plus ${plan.unpriced.join(', ')} (price unknown)` : ''}`;
  return `${plan.requests} requests (${plan.perTarget} per target), ${cost}.`;
}

/** The public JSON shape of `tack verify --json`: one object per target. */
export function verifyJson(row: VerifyRow): Record<string, unknown> {
  return {
    type: 'verify', target: row.target, reference: row.reference,
    toolCallTriggered: row.toolCallTriggered, toolCallValid: row.toolCallValid, unexpectedCalls: row.unexpectedCalls,
    similarity: row.similarity, exactMatch: row.exactMatch, ttftMs: row.ttftMs, tokensPerSec: row.tokensPerSec,
    latencyMs: row.latencyMs, quantization: row.quantization ? { value: row.quantization.value, source: row.quantization.source } : null,
    contextWindow: row.contextWindow, servedBy: row.servedBy, price: row.price, costUsd: row.costUsd, requests: row.requests,
    errors: row.errors, ...(row.stopped ? { stopped: true } : {}),
  };
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
const num = (v: number | null, unit = '') => (v === null ? '—' : `${v >= 100 ? Math.round(v) : +v.toFixed(1)}${unit}`);

export function verifyTable(rows: readonly VerifyRow[]): string {
  const head = ['target', 'calls made', 'calls valid', 'unexpected', 'similarity', 'exact', 'ttft', 'tok/s', 'latency', 'quantization', 'cost', 'requests'];
  const body = rows.map(r => [
    r.target + (r.reference ? ' (reference)' : ''), pct(r.toolCallTriggered), pct(r.toolCallValid), pct(r.unexpectedCalls),
    r.reference ? 'ref' : pct(r.similarity), pct(r.exactMatch), num(r.ttftMs, ' ms'), num(r.tokensPerSec), num(r.latencyMs, ' ms'),
    r.quantization ? `${r.quantization.value} (${r.quantization.source})` : '—', r.costUsd === null ? '—' : `$${r.costUsd.toFixed(4)}`, String(r.requests),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(head), ...body.map(line)];
  for (const r of rows) for (const e of r.errors) out.push(`${r.target}: ${e.kind}${e.count > 1 ? ` ×${e.count}` : ''}: ${e.message}`);
  return out.join('\n');
}

/**
 * One sentence per target naming what stands out against the best of the others: failures first, then tool calling,
 * fidelity and speed. Neutral when nothing does.
 */
export function highlights(rows: readonly VerifyRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  const ok = rows.filter(r => r.requests > 0 && r.errors.every(e => e.count < r.requests));
  const best = (f: (r: VerifyRow) => number | null, high = true) => {
    const v = ok.map(f).filter((x): x is number => x !== null);
    return v.length ? (high ? Math.max(...v) : Math.min(...v)) : null;
  };
  const bTrig = best(r => r.toolCallTriggered), bValid = best(r => r.toolCallValid), bUnexp = best(r => r.unexpectedCalls, false);
  const bSim = best(r => r.similarity), bExact = best(r => r.exactMatch), bTtft = best(r => r.ttftMs, false), bTps = best(r => r.tokensPerSec);
  for (const r of rows) {
    const notes: string[] = [];
    if (!r.requests || r.errors.some(e => e.count >= r.requests)) {
      out[r.target] = `Could not be measured: ${r.errors[0]?.message ?? 'no request was sent.'}`;
      continue;
    }
    if (r.errors.length) notes.push(`${r.errors.reduce((n, e) => n + e.count, 0)} of ${r.requests} requests failed (${[...new Set(r.errors.map(e => e.kind))].join(', ')})`);
    const gap = (v: number | null, b: number | null) => v !== null && b !== null && b - v >= 0.1;
    if (gap(r.toolCallTriggered, bTrig)) notes.push(`made only ${pct(r.toolCallTriggered)} of the expected tool calls (best ${pct(bTrig)})`);
    if (gap(r.toolCallValid, bValid)) notes.push(`${pct(r.toolCallValid)} of its tool calls had valid arguments (best ${pct(bValid)})`);
    if (r.unexpectedCalls !== null && bUnexp !== null && r.unexpectedCalls - bUnexp >= 0.1) notes.push(`called a tool where none was needed in ${pct(r.unexpectedCalls)} of cases`);
    if (gap(r.similarity, bSim) || (r.similarity !== null && r.similarity < 0.9)) notes.push(`its answers are ${pct(r.similarity)} similar to the reference's`);
    if (gap(r.exactMatch, bExact)) notes.push(`${pct(r.exactMatch)} exact answers (best ${pct(bExact)})`);
    if (r.ttftMs !== null && bTtft !== null && rows.length > 1 && r.ttftMs > bTtft * 1.5 && r.ttftMs - bTtft > 50) notes.push(`first token ${num(r.ttftMs / bTtft)}× slower than the fastest`);
    if (r.tokensPerSec !== null && bTps !== null && rows.length > 1 && r.tokensPerSec < bTps / 1.5) notes.push(`${num(r.tokensPerSec)} tokens/s against ${num(bTps)} for the fastest`);
    out[r.target] = notes.length ? `${notes.join('; ')}.`.replace(/^./, c => c.toUpperCase())
      : r.reference ? 'The reference: nothing stands out on this suite.' : 'Nothing stands out: it matches the best host on this suite.';
  }
  return out;
}
