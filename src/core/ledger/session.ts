/**
 * A session's running totals for the status bar, its tooltip, the panel and budgets. Cost stays null until some
 * response could be priced; once some are priced and others not, the total is marked partial rather than
 * presented as complete.
 */
import type { Usage, TokenCounts } from '../events';
import type { Price } from '../models/types';
import { priceUsage, type CostSource, type PricedUsage } from './cost';

export interface SessionTotals extends TokenCounts {
  /** Sum of the known costs; null while no response had a known cost. */
  costUsd: number | null;
  /** True when at least one response's cost is unknown, so `costUsd` is a lower bound. */
  costPartial: boolean;
  responses: number;
  unpricedResponses: number;
  /** The last response's prompt size (input + cache read + cache write), for context fill. */
  lastInputTokens: number;
}

export function emptyTotals(): SessionTotals {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null, costPartial: false, responses: 0, unpricedResponses: 0, lastInputTokens: 0 };
}

/** Every token the session used: prompt (incl. cache) and output. What `budget.sessionTokens` counts. */
export function totalTokens(t: Pick<SessionTotals, 'input' | 'output' | 'cacheRead' | 'cacheWrite'>): number {
  return t.input + t.cacheRead + t.cacheWrite + t.output;
}

export function addToTotals(t: SessionTotals, usage: Usage): SessionTotals {
  const priced = usage.costUsd !== null;
  return {
    input: t.input + usage.input,
    output: t.output + usage.output,
    cacheRead: t.cacheRead + usage.cacheRead,
    cacheWrite: t.cacheWrite + usage.cacheWrite,
    reasoning: t.reasoning + usage.reasoning,
    costUsd: priced ? (t.costUsd ?? 0) + usage.costUsd! : t.costUsd,
    costPartial: t.costPartial || !priced,
    responses: t.responses + 1,
    unpricedResponses: t.unpricedResponses + (priced ? 0 : 1),
    lastInputTokens: usage.input + usage.cacheRead + usage.cacheWrite,
  };
}

export interface LedgerEntry extends PricedUsage {
  provider: string;
  model: string;
}

/** One session's ledger: add each response's reported usage; read the totals. */
export class SessionLedger {
  private t = emptyTotals();
  readonly entries: LedgerEntry[] = [];

  /** Prices the usage (provider's cost, else `price`), records it and returns it with its cost. */
  add(provider: string, model: string, usage: Usage, price?: Price): LedgerEntry {
    const entry: LedgerEntry = { provider, model, ...priceUsage(usage, price) };
    this.entries.push(entry);
    this.t = addToTotals(this.t, entry.usage);
    return entry;
  }

  get totals(): SessionTotals {
    return { ...this.t };
  }

  reset(): void {
    this.t = emptyTotals();
    this.entries.length = 0;
  }
}

export type { CostSource };
