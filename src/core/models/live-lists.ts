/**
 * Reads the model list an endpoint offers, with whatever numbers it reports: OpenAI-compatible `/models` (OpenRouter's
 * pricing and context length, Together's array form, vLLM's `max_model_len`, Groq's `context_window`, Mistral's
 * capabilities), Anthropic's models API (through the SDK, so auth matches the Messages client), Ollama's `/api/tags`.
 * Never throws: failures are `{ error }` with a message a person can act on.
 */
import { networkWithDefaults, type NetworkSettings } from '../config/settings';
import { createTimedFetch, type FetchFn } from '../net/timed-fetch';
import { redactSecrets } from '../providers/redact';
import type { Logger } from '../ports';
import type { Endpoint } from '../providers/registry';
import { anthropicClient } from '../providers/sdk-clients';
import type { ModelInfo, Price } from './types';

export type LiveList = { models: ModelInfo[] } | { error: string; status?: number };

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** OpenRouter prices are USD per token as strings; Together's are per million. */
function priceOf(p: any): Price | undefined {
  if (!p || typeof p !== 'object') return undefined;
  if (p.prompt !== undefined || p.completion !== undefined) {
    const perToken = (v: unknown) => (typeof v === 'string' || typeof v === 'number') && Number.isFinite(Number(v)) && Number(v) >= 0 ? Math.round(Number(v) * 1e6 * 1e6) / 1e6 : undefined;
    const input = perToken(p.prompt);
    const output = perToken(p.completion);
    if (input === undefined || output === undefined) return undefined;
    const cacheRead = perToken(p.input_cache_read);
    const cacheWrite = perToken(p.input_cache_write);
    return { input, output, ...(cacheRead !== undefined ? { cacheRead } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) };
  }
  if (typeof p.input === 'number' && typeof p.output === 'number') return { input: p.input, output: p.output };
  return undefined;
}

export function parseOpenAIModel(providerId: string, m: any): ModelInfo | undefined {
  if (typeof m?.id !== 'string') return undefined;
  const params: unknown[] = Array.isArray(m.supported_parameters) ? m.supported_parameters : [];
  const modalities: unknown[] = Array.isArray(m.architecture?.input_modalities) ? m.architecture.input_modalities : [];
  const caps = m.capabilities && typeof m.capabilities === 'object' ? m.capabilities : {};
  const capabilities = {
    ...(params.length ? { tools: params.includes('tools'), reasoning: params.includes('reasoning') } : {}),
    ...(modalities.length ? { vision: modalities.includes('image') } : {}),
    ...(typeof caps.function_calling === 'boolean' ? { tools: caps.function_calling } : {}),
    ...(typeof caps.vision === 'boolean' ? { vision: caps.vision } : {}),
  };
  const contextWindow = num(m.context_length) ?? num(m.max_model_len) ?? num(m.context_window) ?? num(m.max_context_length) ?? num(m.top_provider?.context_length);
  const maxOutput = num(m.top_provider?.max_completion_tokens) ?? num(m.max_completion_tokens);
  const price = priceOf(m.pricing);
  const any = contextWindow !== undefined || maxOutput !== undefined || price !== undefined || Object.keys(capabilities).length > 0;
  return {
    providerId,
    id: m.id,
    ...(typeof m.name === 'string' && m.name !== m.id ? { label: m.name } : {}),
    ...(contextWindow !== undefined ? { contextWindow } : {}),
    ...(maxOutput !== undefined ? { maxOutput } : {}),
    ...(price ? { price } : {}),
    ...(Object.keys(capabilities).length ? { capabilities } : {}),
    source: any ? 'api' : 'unknown',
  };
}

function errorMessage(body: string): string {
  try {
    const v = JSON.parse(body);
    const m = v?.error?.message ?? v?.error ?? v?.message;
    if (typeof m === 'string') return m;
  } catch { /* not JSON */ }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Largest model list Tack reads (a list is a few hundred KB at most; OpenRouter's is about 1 MB). */
const LIST_MAX_BYTES = 16 * 1024 * 1024;
/** Most models kept from one listing. */
const MAX_MODELS = 5000;

/**
 * Every listing ends: the whole listing (all pages) has a deadline, at most `maxListPages` pages are read, and a
 * body is capped at LIST_MAX_BYTES, whatever the server says about more pages.
 */
function listingSignal(network: NetworkSettings, signal?: AbortSignal): AbortSignal {
  const deadline = AbortSignal.timeout(networkWithDefaults(network).listTimeoutMs);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

function listNetwork(network: NetworkSettings): NetworkSettings {
  return { ...network, maxResponseBytes: Math.min(network.maxResponseBytes ?? LIST_MAX_BYTES, LIST_MAX_BYTES) };
}

async function getJson(url: string, headers: Record<string, string>, network: NetworkSettings, signal?: AbortSignal, fetchFn?: FetchFn): Promise<{ body: any } | { error: string; status?: number }> {
  const f = createTimedFetch({ ...listNetwork(network), fetch: fetchFn }, {});
  const secrets = Object.values(headers).map(h => h.replace(/^Bearer\s+/i, ''));
  const all = listingSignal(network, signal);
  try {
    const res = await f(url, { headers, signal: all });
    const text = await res.text();
    if (!res.ok) return { error: redactSecrets(`answered ${res.status} for the model list: ${errorMessage(text)}`, secrets), status: res.status };
    return { body: JSON.parse(text) };
  } catch (err) {
    const e = err as { cause?: { code?: string }; message?: string };
    const why = all.aborted && !signal?.aborted ? 'the model list took too long' : e.cause?.code ?? e.message ?? 'error';
    return { error: redactSecrets(`is not reachable (${why})`, secrets) };
  }
}

export async function fetchLiveModels(endpoint: Endpoint, apiKey: string | undefined, network: NetworkSettings, log: Logger, signal?: AbortSignal, fetchFn?: FetchFn): Promise<LiveList> {
  const where = `${endpoint.label} (${endpoint.baseUrl})`;
  const bearer: Record<string, string> = apiKey ? { Authorization: `Bearer ${apiKey}` } : {};
  switch (endpoint.type) {
    case 'bedrock':
    case 'vertex':
    case 'azure-openai':
      return { error: `${endpoint.label} offers no model list here; enter the model (or deployment) id as ${endpoint.id}/<id>.` };
    case 'ollama': {
      const r = await getJson(`${endpoint.baseUrl}/api/tags`, bearer, network, signal, fetchFn);
      if ('error' in r) return { error: `${where} ${r.error}`, status: r.status };
      const list: any[] = Array.isArray(r.body?.models) ? r.body.models.slice(0, MAX_MODELS) : [];
      return {
        models: list.filter(m => typeof m?.name === 'string').map(m => ({
          providerId: endpoint.id,
          id: m.name,
          ...(typeof m.details?.quantization_level === 'string' && m.details.quantization_level
            ? { quantization: { value: m.details.quantization_level, source: 'server' as const, detail: '/api/tags details.quantization_level' } } : {}),
          source: 'unknown' as const,
        })),
      };
    }
    case 'anthropic': {
      const all = listingSignal(network, signal);
      const secrets = apiKey ? [apiKey] : [];
      try {
        const client = await anthropicClient({ endpoint, apiKey, network: listNetwork(network), log, fetch: fetchFn, state: {} });
        const models: ModelInfo[] = [];
        // Pages are walked by hand: a server that always says `has_more` (even with empty pages) must not keep Tack
        // listing forever.
        let page = await (client as any).models.list({ limit: 100 }, { signal: all });
        for (let pages = 1; ; pages++) {
          for (const m of page.getPaginatedItems() as any[]) {
            if (typeof m?.id === 'string' && models.length < MAX_MODELS) {
              models.push({
                providerId: endpoint.id, id: m.id, ...(typeof m.display_name === 'string' ? { label: m.display_name } : {}),
                ...(num(m.max_input_tokens) ? { contextWindow: num(m.max_input_tokens) } : {}),
                ...(num(m.max_tokens) ? { maxOutput: num(m.max_tokens) } : {}),
                source: num(m.max_input_tokens) ? 'api' : 'unknown',
              });
            }
          }
          if (!page.hasNextPage() || pages >= networkWithDefaults(network).maxListPages || models.length >= MAX_MODELS) break;
          page = await page.getNextPage();
        }
        return { models };
      } catch (err) {
        const e = err as { status?: number; message?: string; cause?: { code?: string } };
        if (all.aborted && !signal?.aborted) return { error: `${where} is not reachable (the model list took too long)` };
        return typeof e.status === 'number'
          ? { error: redactSecrets(`${where} answered ${e.status} for the model list: ${(e.message ?? '').replace(/^\d{3}\s+/, '').slice(0, 200)}`, secrets), status: e.status }
          : { error: redactSecrets(`${where} is not reachable (${e.cause?.code ?? e.message ?? 'error'})`, secrets) };
      }
    }
    default: {
      const r = await getJson(`${endpoint.baseUrl}/models`, bearer, network, signal, fetchFn);
      if ('error' in r) return { error: `${where} ${r.error}`, status: r.status };
      const list: any[] = Array.isArray(r.body) ? r.body : Array.isArray(r.body?.data) ? r.body.data : [];
      return { models: list.slice(0, MAX_MODELS).map(m => parseOpenAIModel(endpoint.id, m)).filter((m): m is ModelInfo => !!m) };
    }
  }
}
