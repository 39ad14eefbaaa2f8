/**
 * What a profile allows and limits, as pure functions the hosts call before each request: the providers a
 * profile permits (data residency), the session budget, and which fallback model to try after an error.
 */
import { parseModelRef } from '../config/settings';
import type { ErrorKind, StreamEvent } from '../events';
import type { ResolvedProfile } from './types';

type ErrorEvent = Extract<StreamEvent, { type: 'error' }>;

/**
 * A `policy` error when the profile does not allow `providerId`, naming the profile that forbids it; undefined
 * when allowed (or when the profile sets no `allowedProviders`).
 */
export function checkAllowedProvider(profile: ResolvedProfile | undefined, providerId: string): ErrorEvent | undefined {
  const allowed = profile?.allowedProviders;
  if (!allowed || allowed.includes(providerId)) return undefined;
  const list = allowed.length ? `only ${allowed.map(a => `"${a}"`).join(', ')}` : 'no provider at all';
  return {
    type: 'error',
    kind: 'policy',
    message: `Profile "${profile!.name}" does not allow provider "${providerId}": it allows ${list}. Pick a model from an allowed provider, or switch to another profile.`,
  };
}

export type BudgetLevel = 'ok' | 'warn' | 'stop';

export interface BudgetTotals {
  /** Session cost so far; null when no response could be priced. */
  costUsd: number | null;
  /** Tokens so far: input + cache read + cache write + output. */
  tokens: number;
}

export interface BudgetStatus {
  level: BudgetLevel;
  /** The larger of the used fractions (cost, tokens); 0 without a budget. */
  fraction: number;
  /** For the status bar and panel; absent when `ok` and nothing to say. */
  message?: string;
}

export const BUDGET_WARN_FRACTION = 0.8;

/**
 * `warn` from 80 % of either limit, `stop` from 100 % (the host then asks before the next request). A cost limit
 * cannot be checked while the cost is unknown; the status says so instead of pretending it is fine.
 */
export function checkBudget(totals: BudgetTotals, profile: Pick<ResolvedProfile, 'name' | 'budget'> | undefined): BudgetStatus {
  const budget = profile?.budget;
  if (!budget) return { level: 'ok', fraction: 0 };
  const parts: Array<{ fraction: number; text: string }> = [];
  let unknownCost = false;
  if (budget.sessionUsd !== undefined) {
    if (totals.costUsd === null) unknownCost = true;
    else parts.push({ fraction: totals.costUsd / budget.sessionUsd, text: `$${totals.costUsd.toFixed(2)} of $${budget.sessionUsd.toFixed(2)}` });
  }
  if (budget.sessionTokens !== undefined) {
    parts.push({ fraction: totals.tokens / budget.sessionTokens, text: `${totals.tokens.toLocaleString('en-US')} of ${budget.sessionTokens.toLocaleString('en-US')} tokens` });
  }
  const worst = parts.reduce<{ fraction: number; text: string } | undefined>((a, b) => (!a || b.fraction > a.fraction ? b : a), undefined);
  const fraction = worst?.fraction ?? 0;
  const note = unknownCost ? ' The cost limit cannot be checked: the cost of this model is unknown.' : '';
  if (worst && fraction >= 1) {
    return { level: 'stop', fraction, message: `Session budget of profile "${profile!.name}" reached: ${worst.text}. Continue to allow more requests in this session.${note}` };
  }
  if (worst && fraction >= BUDGET_WARN_FRACTION) {
    return { level: 'warn', fraction, message: `Session budget of profile "${profile!.name}" at ${Math.floor(fraction * 100)} %: ${worst.text}.${note}` };
  }
  return { level: 'ok', fraction, ...(note ? { message: note.trim() } : {}) };
}

/** The `policy` error a host yields when the budget says stop and the user has not chosen to continue. */
export function budgetStopError(status: BudgetStatus): ErrorEvent | undefined {
  return status.level === 'stop' ? { type: 'error', kind: 'policy', message: status.message! } : undefined;
}

/** Errors after which another model may succeed; auth, config, policy or a cancelled request do not qualify. */
export const FALLBACK_ERRORS: readonly ErrorKind[] = ['rate_limit', 'server'];

/**
 * The next model to try after `failedKind`, given the models already tried in this turn (as `<provider>/<model>`):
 * the profile's model and then `fallbackModels`, in order, skipping providers the profile forbids.
 * Undefined when the error does not qualify or every candidate was tried.
 */
export function nextFallbackModel(profile: ResolvedProfile | undefined, tried: readonly string[], failedKind: ErrorKind): string | undefined {
  if (!profile || !FALLBACK_ERRORS.includes(failedKind)) return undefined;
  const candidates = [...(profile.model ? [profile.model] : []), ...profile.fallbackModels];
  for (const ref of candidates) {
    if (tried.includes(ref)) continue;
    const parsed = parseModelRef(ref);
    if ('error' in parsed) continue;
    if (checkAllowedProvider(profile, parsed.providerId)) continue;
    return ref;
  }
  return undefined;
}
