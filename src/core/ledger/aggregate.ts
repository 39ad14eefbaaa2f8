/**
 * Views of the usage log for "Tack: Show Usage": totals per workspace, per day and per model, and CSV export.
 */
import type { TokenCounts } from '../events';
import type { UsageRecord } from './usage-log';

export type UsageGrouping = 'workspace' | 'day' | 'model';

export interface UsageAggregate extends TokenCounts {
  key: string;
  responses: number;
  /** Sum of the known costs; null when none of the responses had a known cost. */
  costUsd: number | null;
  /** True when some responses in the group had no known cost. */
  costPartial: boolean;
}

export function groupKey(r: UsageRecord, by: UsageGrouping): string {
  // Terminal and CI runs are marked, so they never pass for the editor's.
  return by === 'workspace' ? (r.host === 'cli' ? `${r.workspace} (CLI)` : r.workspace) : by === 'day' ? r.day : `${r.provider}/${r.model}`;
}

/** Totals per group, sorted by key (days ascending, names alphabetically). */
export function aggregateUsage(records: readonly UsageRecord[], by: UsageGrouping): UsageAggregate[] {
  const groups = new Map<string, UsageAggregate>();
  for (const r of records) {
    const key = groupKey(r, by);
    let g = groups.get(key);
    if (!g) {
      g = { key, responses: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null, costPartial: false };
      groups.set(key, g);
    }
    g.responses++;
    g.input += r.input;
    g.output += r.output;
    g.cacheRead += r.cacheRead;
    g.cacheWrite += r.cacheWrite;
    g.reasoning += r.reasoning;
    if (r.costUsd === null) g.costPartial = true;
    else g.costUsd = (g.costUsd ?? 0) + r.costUsd;
  }
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. Text that a
 * spreadsheet would run as a formula (= + - @ at the start) gets a leading apostrophe: model and workspace names
 * come from servers and folders, not from Tack.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map(r => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function usageRecordsCsv(records: readonly UsageRecord[]): string {
  return toCsv(
    ['time', 'day', 'workspace', 'provider', 'model', 'profile', 'input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'costUsd', 'costSource'],
    records.map(r => [r.ts, r.day, r.workspace, r.provider, r.model, r.profile ?? '', r.input, r.output, r.cacheRead, r.cacheWrite, r.reasoning, r.costUsd, r.costSource]),
  );
}

export function usageAggregatesCsv(rows: readonly UsageAggregate[], by: UsageGrouping): string {
  return toCsv(
    [by, 'responses', 'input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'costUsd', 'costPartial'],
    rows.map(a => [a.key, a.responses, a.input, a.output, a.cacheRead, a.cacheWrite, a.reasoning, a.costUsd, a.costPartial]),
  );
}
