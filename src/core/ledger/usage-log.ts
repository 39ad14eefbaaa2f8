/**
 * The usage log: one JSON Lines record per model response, appended, never rewritten. The host supplies the file
 * (through `UsageLogPort`) and its path; core only formats, appends and reads. A reader skips a torn last line
 * (a crash mid-write) and any other damaged line, never the whole file; a writer starts on a fresh line after one.
 * Records hold names and numbers only: never message text, never a key.
 */
import type { Usage, TokenCounts } from '../events';
import type { CostSource } from './cost';

/** File access for the log; the VS Code host and the CLI each implement it. */
export interface UsageLogPort {
  /** The whole file, or undefined when it does not exist yet. */
  readText(): Promise<string | undefined>;
  /** Appends to the end of the file, creating it when needed. */
  appendText(text: string): Promise<void>;
}

export interface UsageRecord extends TokenCounts {
  v: 1;
  /** ISO time of the response. */
  ts: string;
  /** Local calendar day, YYYY-MM-DD: the unit of the per-day view. */
  day: string;
  workspace: string;
  provider: string;
  model: string;
  profile?: string;
  costUsd: number | null;
  costSource: CostSource;
  /** Set by the CLI (terminal and CI runs); absent for the editor's records. */
  host?: 'cli';
}

/** The local calendar day of a moment (the person's day, not UTC's). */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export interface RecordInput {
  now: Date;
  workspace: string;
  provider: string;
  model: string;
  profile?: string;
  usage: Usage;
  costSource: CostSource;
  host?: 'cli';
}

export function usageRecord(i: RecordInput): UsageRecord {
  const u = i.usage;
  return {
    v: 1, ts: i.now.toISOString(), day: localDay(i.now), workspace: i.workspace, provider: i.provider, model: i.model,
    ...(i.profile ? { profile: i.profile } : {}),
    input: u.input, output: u.output, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, reasoning: u.reasoning,
    costUsd: u.costUsd, costSource: i.costSource, ...(i.host ? { host: i.host } : {}),
  };
}

const COUNTS = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning'] as const;

function isRecord(v: any): v is UsageRecord {
  return v && typeof v === 'object' && v.v === 1
    && ['ts', 'day', 'workspace', 'provider', 'model'].every(k => typeof v[k] === 'string')
    && COUNTS.every(k => typeof v[k] === 'number' && Number.isFinite(v[k]) && v[k] >= 0)
    && (v.costUsd === null || (typeof v.costUsd === 'number' && Number.isFinite(v.costUsd)))
    && (v.profile === undefined || typeof v.profile === 'string')
    && (v.host === undefined || v.host === 'cli');
}

export interface UsageLogContents {
  records: UsageRecord[];
  /** Lines that could not be read (a torn last line, damage); 1-based line numbers. */
  skippedLines: number[];
}

export function parseUsageLog(text: string): UsageLogContents {
  const records: UsageRecord[] = [];
  const skippedLines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line);
      if (isRecord(v)) records.push(v); else skippedLines.push(i + 1);
    } catch {
      skippedLines.push(i + 1);
    }
  });
  return { records, skippedLines };
}

export class UsageLog {
  /** Whether the file is known to end with a newline; checked once before the first append. */
  private endsClean?: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly port: UsageLogPort) {}

  /** Appends one record. Appends are serialised, so records never interleave. Rejects only if the port fails. */
  append(record: UsageRecord): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.endsClean === undefined) {
        const text = await this.port.readText();
        this.endsClean = !text || text.endsWith('\n');
      }
      // After a torn last line, start on a fresh line so the new record is not glued to the fragment.
      const prefix = this.endsClean ? '' : '\n';
      await this.port.appendText(prefix + JSON.stringify(record) + '\n');
      this.endsClean = true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async read(): Promise<UsageLogContents> {
    const text = await this.port.readText();
    return text ? parseUsageLog(text) : { records: [], skippedLines: [] };
  }
}

