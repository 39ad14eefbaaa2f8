/**
 * The session file format: JSON Lines, one record per line, append-only. The first line is the header; every later
 * line adds to what the header started. Format version 1.
 *
 *   {"type":"session","v":1,"id","workspace","created", "forkedFrom"?}
 *   {"type":"message","at","message":StoredMessage}          a finished message (user, assistant, tool result)
 *   {"type":"remove","at","ids":[…]}                          messages a retry or a budget override took back
 *   {"type":"usage","at","messageId","modelRef","usage","costSource"}   one response's usage, priced
 *   {"type":"compaction","at",…CompactionEntry}
 *   {"type":"meta","at","title"?,"model"?,"profile"?}         a rename, the model and profile of a run
 *
 * Readers skip what they do not understand (unknown record types, damaged lines) and say so; a torn last line (a
 * crash mid-write) is skipped the same way — never the whole file.
 */
import type { Usage } from '../events';
import type { CostSource } from '../ledger/cost';
import type { CompactionEntry } from '../compaction/types';
import type { StoredMessage } from '../agent/transcript';
import type { Logger } from '../ports';

export const SESSION_FORMAT_VERSION = 1;

export interface HeaderRecord { type: 'session'; v: number; id: string; workspace: string; created: number; forkedFrom?: string }
export interface MessageRecord { type: 'message'; at: number; message: StoredMessage }
export interface RemoveRecord { type: 'remove'; at: number; ids: string[] }
export interface UsageRecord { type: 'usage'; at: number; messageId: string; modelRef: string; usage: Usage; costSource: CostSource }
export type CompactionRecord = { type: 'compaction' } & CompactionEntry;
export interface MetaRecord { type: 'meta'; at: number; title?: string; model?: string; profile?: string }

export type SessionRecord = HeaderRecord | MessageRecord | RemoveRecord | UsageRecord | CompactionRecord | MetaRecord;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A record of a known type with the fields readers rely on; anything else is undefined. */
export function asRecord(v: unknown): SessionRecord | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'session': return typeof v.id === 'string' && typeof v.v === 'number' ? v as unknown as HeaderRecord : undefined;
    case 'message': return isObj(v.message) && typeof v.message.id === 'string' && typeof v.message.role === 'string' ? v as unknown as MessageRecord : undefined;
    case 'remove': return Array.isArray(v.ids) ? v as unknown as RemoveRecord : undefined;
    case 'usage': return isObj(v.usage) && typeof v.modelRef === 'string' ? v as unknown as UsageRecord : undefined;
    case 'compaction': return typeof v.id === 'string' && typeof v.strategy === 'string' ? v as unknown as CompactionRecord : undefined;
    case 'meta': return v as unknown as MetaRecord;
    default: return undefined;
  }
}

export interface ParsedLines {
  records: SessionRecord[];
  /** 1-based line numbers skipped as damaged (not JSON, or not a record Tack knows). */
  skipped: number[];
  /** True when the text did not end with a newline and its last line was not a whole record: a torn write. */
  tornTail: boolean;
}

/**
 * Parses session text. Never throws: a line that is not a record is skipped and counted; the last line, when it has
 * no newline and does not parse, is a torn write (the process died while writing it).
 */
export function parseLines(text: string): ParsedLines {
  const records: SessionRecord[] = [];
  const skipped: number[] = [];
  let tornTail = false;
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (!line.trim()) continue;
    let rec: SessionRecord | undefined;
    try {
      rec = asRecord(JSON.parse(line));
    } catch {
      rec = undefined; // not JSON: reported below, as a torn tail or a damaged line
    }
    if (rec) { records.push(rec); continue; }
    if (n === lines.length - 1 && !endsClean) tornTail = true;
    else skipped.push(n + 1);
  }
  return { records, skipped, tornTail };
}

/** Says what a reader skipped, through the host's logger. */
export function reportSkipped(file: string, p: ParsedLines, log: Logger): void {
  if (p.tornTail) log.warn(`Session ${file}: the last line was cut off by a crash or a kill while it was written; it was skipped (at most the message being streamed is lost).`);
  if (p.skipped.length) log.warn(`Session ${file}: skipped ${p.skipped.length} damaged line(s) (line ${p.skipped.slice(0, 5).join(', ')}${p.skipped.length > 5 ? ', …' : ''}).`);
}
