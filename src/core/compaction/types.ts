/**
 * What a compaction did, as data: the session file records it, the loop reads it to build what is sent
 * (agent/transcript.ts), hosts show it (the compaction card). Compaction changes what is sent, never what is stored:
 * the transcript keeps every message, and these entries say how requests leave some of them out.
 */

/** `prune`: old tool outputs became one-line stubs; `summary`: older turns became a summary; both when both ran. */
export type CompactionStrategy = 'prune' | 'summary' | 'prune+summary';

/** `auto`: the threshold was passed; `overflow`: the provider said the prompt is too long; `manual`: Compact Now. */
export type CompactionTrigger = 'auto' | 'overflow' | 'manual';

export interface CompactionEntry {
  id: string;
  /** Epoch ms. */
  at: number;
  strategy: CompactionStrategy;
  trigger: CompactionTrigger;
  /** Prompt tokens before: the last request's reported input (or an estimate when none was reported yet). */
  before: number;
  /** Prompt tokens after: `before` minus the estimated tokens freed (estimated: the next response reports the real figure). */
  after: number;
  /** Tool result message ids whose text requests replace by a stub (stage 1). */
  pruned?: string[];
  /** Stage 2: the summary that replaces every message before `firstKeptId` in requests. */
  summary?: string;
  /** The first message sent verbatim after the summary. */
  firstKeptId?: string;
  /** The messages the summary replaced, as a range of the transcript (for "open what was replaced"). */
  replaced?: { firstId: string; lastId: string; count: number };
  /** The model that wrote the summary. */
  model?: string;
  /** Instructions the person gave with Compact Now. */
  instructions?: string;
}

/** A session's compactions and the guard rails' memory. */
export interface CompactionState {
  entries: CompactionEntry[];
  /** Set when automatic compaction stopped for this session (it freed too little): the sentence saying why. */
  autoOff?: string;
  /** The ledger's response count when the last automatic compaction ran: at most one per request. */
  autoAtResponse?: number;
}

export function emptyCompactionState(): CompactionState {
  return { entries: [] };
}
