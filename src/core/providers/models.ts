/**
 * The models each endpoint offers, for the model picker, `tack models` and error messages. Live lists are kept in
 * memory (cloud lists for 10 minutes, local servers not at all: a freshly pulled model must show up) until
 * `refreshModels()`. A provider that needs a key and has none reports `needsKey` with the bundled catalog's
 * models instead of failing. Never throws.
 */
import type { NetworkSettings } from '../config/settings';
import { catalogModels, completeFromCatalog } from '../models/catalog';
import { fetchLiveModels } from '../models/live-lists';
import type { ModelInfo } from '../models/types';
import type { FetchFn } from '../net/timed-fetch';
import { silentLogger, type Logger } from '../ports';
import { decideKey, type StoredKey } from './keys';
import type { Endpoint } from './registry';

export interface ModelListing {
  endpoint: Endpoint;
  /** Model ids, sorted. */
  models: string[];
  /** The same models with what is known about them (context window, price, capabilities). */
  infos: ModelInfo[];
  /** Set when the list could not be read; `models` is then empty. */
  error?: string;
  /** The provider needs an API key that is not set (or not allowed for this endpoint's origin); `infos` then lists the catalog's models. */
  needsKey?: boolean;
}

const CLOUD_TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; infos: ModelInfo[] }>();

/** Forgets every cached list (Tack: Refresh Models). */
export function refreshModels(): void {
  cache.clear();
}

export interface ListOptions {
  signal?: AbortSignal;
  fetch?: FetchFn;
  log?: Logger;
  /** Ignore the cache for this call. */
  fresh?: boolean;
}

function byId(a: ModelInfo, b: ModelInfo): number {
  return a.id.localeCompare(b.id);
}

/**
 * `key` is what the KeySource returned (a bare string is treated as a key without a known origin); it is sent
 * only if keys.ts allows it for this endpoint.
 */
export async function listModels(endpoint: Endpoint, key: StoredKey | string | undefined, network: NetworkSettings, signalOrOptions?: AbortSignal | ListOptions, fetchFn?: FetchFn): Promise<ModelListing> {
  const opts: ListOptions = signalOrOptions && 'aborted' in signalOrOptions ? { signal: signalOrOptions, fetch: fetchFn } : { fetch: fetchFn, ...(signalOrOptions as ListOptions | undefined) };
  const decision = await decideKey(endpoint, typeof key === 'string' ? { key } : key);
  const apiKey = decision.action === 'send' ? decision.key : undefined;
  if (endpoint.needsKey && !apiKey) {
    const why = decision.action === 'ask'
      ? `The stored key for ${endpoint.label} belongs to ${decision.from ?? 'another server'}; confirm it for ${decision.to} by sending a message, or set the key again`
      : `Set an API key for ${endpoint.label} (in VS Code: Tack: Set API Key; in the CLI: ${endpoint.keyEnvs.join(' or ')})`;
    const infos = catalogModels(endpoint.id).sort(byId);
    return { endpoint, models: [], infos, needsKey: true, error: `${why} to list its models.` };
  }
  const cacheKey = `${endpoint.id}|${endpoint.baseUrl}|${apiKey ? 'key' : 'nokey'}`;
  const hit = cache.get(cacheKey);
  if (hit && !opts.fresh && Date.now() - hit.at < CLOUD_TTL_MS) {
    return { endpoint, models: hit.infos.map(i => i.id), infos: hit.infos };
  }
  const live = await fetchLiveModels(endpoint, apiKey, network, opts.log ?? silentLogger, opts.signal, opts.fetch);
  if ('error' in live) {
    const needsKey = (live.status === 401 || live.status === 403) && !apiKey;
    return { endpoint, models: [], infos: needsKey ? catalogModels(endpoint.id).sort(byId) : [], error: live.error, ...(needsKey ? { needsKey } : {}) };
  }
  const seen = new Set<string>();
  const infos = live.models.filter(m => !seen.has(m.id) && seen.add(m.id)).map(completeFromCatalog).sort(byId);
  if (!endpoint.local) cache.set(cacheKey, { at: Date.now(), infos });
  return { endpoint, models: infos.map(i => i.id), infos };
}
