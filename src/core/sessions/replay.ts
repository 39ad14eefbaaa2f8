/** Session records → what they add up to: the transcript (ids kept), usage, compactions, title, model. */
import type { StoredMessage } from '../agent/transcript';
import type { CompactionEntry } from '../compaction/types';
import { totalTokens } from '../ledger/session';
import type { HeaderRecord, SessionRecord, UsageRecord } from './records';

export interface SessionData {
  id: string;
  workspace: string;
  /** Epoch ms. */
  created: number;
  /** Epoch ms of the last record. */
  updated: number;
  forkedFrom?: string;
  /** Format version of the file's header. */
  version: number;
  messages: StoredMessage[];
  usage: UsageRecord[];
  compactions: CompactionEntry[];
  /** A rename's title, else the first user message's first line (at most 80 characters). */
  title: string;
  model?: string;
  profile?: string;
}

/** One row of a session list. */
export interface SessionSummary {
  id: string;
  title: string;
  created: number;
  updated: number;
  model?: string;
  profile?: string;
  messages: number;
  /** Every token the session's responses used (prompt incl. cache, and output), as reported. */
  tokens: number;
  /** Sum of the known costs; null when no response had a known cost. */
  costUsd: number | null;
  forkedFrom?: string;
}

export function titleFrom(text: string): string {
  const line = text.split('\n').map(l => l.trim()).find(Boolean) ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || '(empty)';
}

/** Applies the records in order. Undefined when there is no header (not a session file). */
export function replay(records: readonly SessionRecord[]): SessionData | undefined {
  const header = records.find((r): r is HeaderRecord => r.type === 'session');
  if (!header) return undefined;
  const messages: StoredMessage[] = [];
  const index = new Map<string, number>();
  const data: SessionData = {
    id: header.id, workspace: header.workspace, created: header.created, updated: header.created, version: header.v,
    ...(header.forkedFrom ? { forkedFrom: header.forkedFrom } : {}), messages, usage: [], compactions: [], title: '',
  };
  let renamed: string | undefined;
  for (const r of records) {
    if ('at' in r && typeof r.at === 'number' && r.at > data.updated) data.updated = r.at;
    switch (r.type) {
      case 'message': {
        // A message written twice (a host re-recording it) replaces the earlier copy.
        const at = index.get(r.message.id);
        if (at !== undefined) messages[at] = r.message;
        else { index.set(r.message.id, messages.length); messages.push(r.message); }
        break;
      }
      case 'remove': {
        const gone = new Set(r.ids);
        const kept = messages.filter(m => !gone.has(m.id));
        messages.length = 0;
        messages.push(...kept);
        index.clear();
        messages.forEach((m, n) => index.set(m.id, n));
        break;
      }
      case 'usage': data.usage.push(r); data.model = r.modelRef; break;
      case 'compaction': { const { type: _t, ...entry } = r; data.compactions.push(entry); break; }
      case 'meta':
        if (typeof r.title === 'string' && r.title.trim()) renamed = r.title.trim();
        if (typeof r.model === 'string') data.model = r.model;
        if (typeof r.profile === 'string') data.profile = r.profile;
        break;
      default: break;
    }
  }
  const firstUser = messages.find(m => m.role === 'user');
  data.title = renamed ?? (firstUser && firstUser.role === 'user' ? titleFrom(firstUser.text) : '(no messages)');
  return data;
}

export function summarize(d: SessionData): SessionSummary {
  let tokens = 0;
  let cost: number | null = null;
  for (const u of d.usage) {
    tokens += totalTokens(u.usage);
    if (u.usage.costUsd !== null) cost = (cost ?? 0) + u.usage.costUsd;
  }
  return {
    id: d.id, title: d.title, created: d.created, updated: d.updated, messages: d.messages.length, tokens, costUsd: cost,
    ...(d.model ? { model: d.model } : {}), ...(d.profile ? { profile: d.profile } : {}), ...(d.forkedFrom ? { forkedFrom: d.forkedFrom } : {}),
  };
}
