/**
 * Stage 1: old tool outputs (outside the newest `keepRecentTokens`) become one-line stubs in requests. Outputs
 * already small are left alone; the whole stage is skipped when it would free little. Old outputs only, so the
 * prompt prefix rarely changes and provider caches survive.
 */
import type { StoredMessage } from '../agent/transcript';
import { estimateMessage, estimateText } from './estimate';
import { prunedStub } from './view';

/** Outputs smaller than this stay: a stub would save almost nothing. */
const MIN_OUTPUT_TOKENS = 50;

export interface PrunePlan { ids: string[]; freed: number }

/** `view` is what requests carry now (compactedView); ids already pruned are stubs there and are not counted again. */
export function planPrune(view: readonly StoredMessage[], keepRecentTokens: number, alreadyPruned: ReadonlySet<string>, minFreed: number): PrunePlan | undefined {
  let recent = 0;
  let boundary = view.length;
  for (let i = view.length - 1; i >= 0; i--) {
    recent += estimateMessage(view[i]);
    if (recent >= keepRecentTokens) { boundary = i; break; }
    boundary = i;
  }
  if (recent < keepRecentTokens) return undefined;
  const ids: string[] = [];
  let freed = 0;
  for (let i = 0; i < boundary; i++) {
    const m = view[i];
    if (m.role !== 'tool' || alreadyPruned.has(m.id)) continue;
    const size = estimateMessage(m);
    if (size < MIN_OUTPUT_TOKENS) continue;
    ids.push(m.id);
    freed += size - estimateText(prunedStub(m.name, undefined, m.text.length)) - 50;
  }
  return freed >= minFreed && ids.length ? { ids, freed } : undefined;
}
