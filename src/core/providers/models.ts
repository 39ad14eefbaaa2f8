/** Lists the models an endpoint serves (`GET <baseUrl>/models`). Never throws. */
import type { NetworkSettings } from '../config/settings';
import { createTimedFetch, type FetchFn } from '../net/timed-fetch';
import type { Endpoint } from './registry';

export interface ModelListing {
  endpoint: Endpoint;
  models: string[];
  /** Set when the list could not be read; `models` is then empty. */
  error?: string;
}

export async function listModels(endpoint: Endpoint, apiKey: string | undefined, network: NetworkSettings, signal?: AbortSignal, fetchFn?: FetchFn): Promise<ModelListing> {
  const f = createTimedFetch({ ...network, fetch: fetchFn }, {});
  try {
    const res = await f(`${endpoint.baseUrl}/models`, {
      headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
      signal,
    });
    if (!res.ok) return { endpoint, models: [], error: `${endpoint.label} answered ${res.status} for the model list.` };
    const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
    const models = (body.data ?? []).map(m => m.id).filter((id): id is string => typeof id === 'string');
    return { endpoint, models: [...new Set(models)].sort((a, b) => a.localeCompare(b)) };
  } catch (err) {
    const e = err as { cause?: { code?: string }; message?: string };
    return { endpoint, models: [], error: `${endpoint.label} is not reachable at ${endpoint.baseUrl} (${e.cause?.code ?? e.message ?? 'error'}).` };
  }
}
