/**
 * Kept verification results: one JSON Lines record per target and run, appended to a file in the user's storage,
 * never rewritten, so a later run can say how a host changed ("this host got worse since 2026-11-03"). Records hold
 * names and numbers only (never a key, never a prompt's answer). A reader skips damaged lines.
 */
import type { Measures } from './score';
import type { VerifyRow } from './run';
import type { UsageLogPort } from '../ledger/usage-log';
import { localDay } from '../ledger/usage-log';

export interface VerifyRecord {
  v: 1;
  ts: string;
  day: string;
  suiteVersion: string;
  /** Versions of everything that shaped the numbers: Tack, the host application, Node. */
  versions: Record<string, string>;
  runs: number;
  reference: string;
  row: Omit<VerifyRow, 'errors'> & { errors: Array<{ kind: string; count: number }> };
}

export function verifyRecords(rows: readonly VerifyRow[], meta: { now: Date; suiteVersion: string; versions: Record<string, string>; runs: number; reference: string }): VerifyRecord[] {
  return rows.map(r => ({
    v: 1, ts: meta.now.toISOString(), day: localDay(meta.now), suiteVersion: meta.suiteVersion, versions: meta.versions,
    runs: meta.runs, reference: meta.reference,
    // Error messages can quote a server's answer; only the kind and count are kept.
    row: { ...r, errors: r.errors.map(e => ({ kind: e.kind, count: e.count })) },
  }));
}

export function parseVerifyHistory(text: string): VerifyRecord[] {
  const out: VerifyRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      if (v?.v === 1 && typeof v.ts === 'string' && typeof v.suiteVersion === 'string' && typeof v.row?.target === 'string') out.push(v);
    } catch {
      // a torn or damaged line: skipped, the others stay readable
    }
  }
  return out;
}

/** Shares where higher is better, and how much of a change counts. Speeds: a relative change of 30 %. */
const HIGHER: Array<[keyof Measures, string]> = [
  ['toolCallTriggered', 'expected tool calls made'], ['toolCallValid', 'valid tool calls'], ['similarity', 'similarity to the reference'], ['exactMatch', 'exact answers'],
];

/**
 * For each row, what got worse or better since the last kept result of the same target on the same suite version.
 * Empty for a target seen for the first time.
 */
export function driftNotes(history: readonly VerifyRecord[], rows: readonly VerifyRow[], suiteVersion: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const prev = history.filter(h => h.row.target === r.target && h.suiteVersion === suiteVersion && h.row.requests > 0).at(-1);
    if (!prev || !r.requests) continue;
    const notes: string[] = [];
    const since = `since ${prev.day}`;
    for (const [k, label] of HIGHER) {
      const a = prev.row[k] as number | null, b = r[k] as number | null;
      if (a === null || b === null) continue;
      if (a - b >= 0.1) notes.push(`got worse ${since}: ${label} ${Math.round(a * 100)}% → ${Math.round(b * 100)}%`);
      else if (b - a >= 0.1) notes.push(`got better ${since}: ${label} ${Math.round(a * 100)}% → ${Math.round(b * 100)}%`);
    }
    const u0 = prev.row.unexpectedCalls, u1 = r.unexpectedCalls;
    if (u0 !== null && u1 !== null && u1 - u0 >= 0.1) notes.push(`got worse ${since}: unexpected tool calls ${Math.round(u0 * 100)}% → ${Math.round(u1 * 100)}%`);
    const t0 = prev.row.ttftMs, t1 = r.ttftMs;
    if (t0 && t1 && t1 > t0 * 1.3 && t1 - t0 > 50) notes.push(`got slower ${since}: first token ${Math.round(t0)} → ${Math.round(t1)} ms`);
    const s0 = prev.row.tokensPerSec, s1 = r.tokensPerSec;
    if (s0 && s1 && s1 < s0 / 1.3) notes.push(`got slower ${since}: ${s0.toFixed(1)} → ${s1.toFixed(1)} tokens/s`);
    if (prev.row.quantization?.value && r.quantization?.value && prev.row.quantization.value !== r.quantization.value) {
      notes.push(`reports another quantization ${since}: ${prev.row.quantization.value} → ${r.quantization.value}`);
    }
    if (notes.length) out[r.target] = notes;
  }
  return out;
}

/** Kept results on a file port (the same append-only port as the usage log). */
export class VerifyHistory {
  constructor(private readonly port: UsageLogPort) {}

  async read(): Promise<VerifyRecord[]> {
    const text = await this.port.readText();
    return text ? parseVerifyHistory(text) : [];
  }

  async append(records: readonly VerifyRecord[]): Promise<void> {
    if (!records.length) return;
    const text = await this.port.readText();
    const prefix = text && !text.endsWith('\n') ? '\n' : '';
    await this.port.appendText(prefix + records.map(r => JSON.stringify(r)).join('\n') + '\n');
  }
}
