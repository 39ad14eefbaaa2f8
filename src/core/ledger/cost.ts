/**
 * What one model response cost. The provider's own figure wins (OpenRouter reports `cost`); otherwise the price
 * table is applied, with cache reads and writes at their own prices. A price that is not known is never made up:
 * the cost is then null and only tokens are shown.
 */
import type { Usage } from '../events';
import type { Price } from '../models/types';

/** A price table lookup (the catalog, an endpoint's model list); undefined when the model's price is unknown. */
export type PriceLookup = (providerId: string, modelId: string) => Price | undefined;

export type CostSource = 'provider' | 'price-table' | 'unknown';

export interface PricedUsage {
  usage: Usage;
  costSource: CostSource;
}

const PER_MILLION = 1_000_000;

/**
 * USD for `usage` at `price`, or null when any token kind that occurred has no price. `usage.input` excludes
 * cache reads and writes (each is priced on its own); reasoning tokens are part of `output`. There is no default
 * for cache prices: a table whose vendor bills cache writes at the input price says so by setting `cacheWrite`.
 */
export function costFromPrice(usage: Usage, price: Price | undefined): number | null {
  if (!price) return null;
  const parts: Array<[number, number | undefined]> = [
    [usage.input, price.input],
    [usage.output, price.output],
    [usage.cacheRead, price.cacheRead],
    [usage.cacheWrite, price.cacheWrite],
  ];
  let total = 0;
  for (const [tokens, perMillion] of parts) {
    if (tokens === 0) continue;
    if (perMillion === undefined || !Number.isFinite(perMillion)) return null;
    total += (tokens * perMillion) / PER_MILLION;
  }
  return total;
}

/** The usage with its cost filled in: the provider's figure if it reported one, else the price table's. */
export function priceUsage(usage: Usage, price: Price | undefined): PricedUsage {
  if (usage.costUsd !== null) return { usage, costSource: 'provider' };
  const cost = costFromPrice(usage, price);
  return { usage: { ...usage, costUsd: cost }, costSource: cost === null ? 'unknown' : 'price-table' };
}

/**
 * OpenRouter's `pricing` (USD per token, as strings) → a Price (USD per million tokens). Missing or unparsable
 * entries stay undefined; a cache price is only set when OpenRouter states it.
 */
export function priceFromOpenRouter(pricing: unknown): Price | undefined {
  const p = (pricing ?? {}) as Record<string, unknown>;
  const perMillion = (v: unknown): number | undefined => {
    const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
    return Number.isFinite(n) && n >= 0 ? Math.round(n * PER_MILLION * 1e6) / 1e6 : undefined;
  };
  const input = perMillion(p.prompt);
  const output = perMillion(p.completion);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = perMillion(p.input_cache_read);
  const cacheWrite = perMillion(p.input_cache_write);
  return { input, output, ...(cacheRead !== undefined ? { cacheRead } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) };
}

/** A lookup over a list of model descriptions (the catalog, a probed model list). */
export function priceLookupFrom(models: ReadonlyArray<{ providerId: string; id: string; price?: Price }>): PriceLookup {
  const map = new Map(models.filter(m => m.price).map(m => [`${m.providerId}/${m.id}`, m.price!]));
  return (providerId, modelId) => map.get(`${providerId}/${modelId}`);
}
