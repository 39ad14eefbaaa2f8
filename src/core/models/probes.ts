/**
 * Asks the serving software what it serves: quantization and context window, for the status bar and for
 * Ollama's `num_ctx`. One small probe per server kind; `probeModel` picks one. Probes never throw, time out on
 * their own, and are only called by a host for endpoints it may contact (workspace endpoints only after trust).
 */
import { createTimedFetch, type FetchFn } from '../net/timed-fetch';
import { ollamaContextLength, ollamaNumCtxParameter } from './context-window';
import {
  declaredQuantization, ggufQuantType, inferQuantizationFromName, parseOpenRouterEndpoints, quantizationFromLlamaCppProps,
  quantizationFromLmStudio, quantizationFromOllamaShow, quantizationFromOpenRouter, vendorOf, vendorQuantization,
} from './quantization';
import type { Quantization } from './types';

export type ServerKind = 'ollama' | 'lmstudio' | 'llamacpp' | 'vllm' | 'openrouter' | 'vendor' | 'unknown';

export interface ProbeTarget {
  providerId: string;
  /** The endpoint's baseUrl as configured (`…/v1`, or the server root for Ollama). */
  baseUrl: string;
  modelId: string;
  /** The endpoint's type from the registry (`ollama` for the native dialect), if known. */
  type?: string;
  /** Sent only to this endpoint's own routes; never to OpenRouter's public model API. */
  apiKey?: string;
  /** `quantization` from the provider entry: used when the server does not report one. */
  declared?: string;
  /** OpenRouter: the upstream provider that served the last response (its `provider` field). */
  servedBy?: string;
}

export interface ProbeOptions {
  fetch?: FetchFn;
  /** Per HTTP call; default 5 s. A probe is a nicety, it must never hold anything up. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Tack's proxy setting; empty: direct. Environment proxies never apply (net/dispatcher.ts). */
  proxy?: string;
}

/** A probe answer is a small JSON object; anything larger is not what a probe asked for. */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

export interface ProbeResult {
  server: ServerKind;
  quantization?: Quantization;
  /** The model's maximum context (trained, or what the server allows). */
  contextWindow?: number;
  /** The context the server loaded the model with. */
  loadedContext?: number;
  /** Ollama: `num_ctx` from the Modelfile. */
  numCtx?: number;
  /** Ollama: `capabilities` (tools, vision, thinking, …). */
  capabilities?: string[];
  /** Why something could not be read; the rest of the result is still usable. */
  error?: string;
}

const KIND_BY_ID: Record<string, ServerKind> = {
  ollama: 'ollama', lmstudio: 'lmstudio', 'lm-studio': 'lmstudio', llamacpp: 'llamacpp', 'llama-cpp': 'llamacpp', vllm: 'vllm', openrouter: 'openrouter',
};
const KIND_BY_PORT: Record<string, ServerKind> = { '11434': 'ollama', '1234': 'lmstudio', '8080': 'llamacpp', '8000': 'vllm' };

/** Which serving software an endpoint is: by vendor host, type, preset id, then default port. */
export function serverKindOf(providerId: string, baseUrl: string, type?: string): ServerKind {
  if (vendorOf(providerId, baseUrl)) return 'vendor';
  let url: URL | undefined;
  try { url = new URL(baseUrl); } catch { /* an invalid URL has no kind; the registry reports it */ }
  if (url && /(^|\.)openrouter\.ai$/i.test(url.hostname)) return 'openrouter';
  if (type === 'ollama') return 'ollama';
  if (KIND_BY_ID[providerId]) return KIND_BY_ID[providerId];
  return (url && KIND_BY_PORT[url.port]) || 'unknown';
}

/** The server root: `http://h:1234/v1` → `http://h:1234`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/(v1|api(\/v0)?)$/, '');
}

type JsonResult = { ok: true; body: unknown } | { ok: false; error: string };

async function requestJson(url: string, init: RequestInit, opts: ProbeOptions): Promise<JsonResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 5000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const ms = opts.timeoutMs ?? 5000;
    const f = createTimedFetch({ connectTimeoutMs: ms, idleTimeoutMs: ms, fetch: opts.fetch, proxy: opts.proxy, maxResponseBytes: PROBE_MAX_BYTES }, {});
    const res = await f(url, { ...init, signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, error: `${new URL(url).pathname} answered ${res.status}` };
    }
    return { ok: true, body: await res.json() };
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'no answer in time' : e.cause?.code ?? e.message ?? 'error';
    return { ok: false, error: `${url}: ${why}` };
  }
}

const bearer = (key?: string): Record<string, string> => (key ? { Authorization: `Bearer ${key}` } : {});

export async function probeOllama(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const r = await requestJson(`${serverRoot(t.baseUrl)}/api/show`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: t.modelId }),
  }, opts);
  if (!r.ok) return { server: 'ollama', ...withDeclared(undefined, t), error: r.error };
  const caps = (r.body as { capabilities?: unknown }).capabilities;
  return {
    server: 'ollama',
    ...withDeclared(quantizationFromOllamaShow(r.body), t),
    ...defined('contextWindow', ollamaContextLength(r.body)),
    ...defined('numCtx', ollamaNumCtxParameter(r.body)),
    ...(Array.isArray(caps) ? { capabilities: caps.filter((c): c is string => typeof c === 'string') } : {}),
  };
}

export async function probeLmStudio(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const r = await requestJson(`${serverRoot(t.baseUrl)}/api/v0/models`, { headers: bearer(t.apiKey) }, opts);
  if (!r.ok) return { server: 'lmstudio', ...withDeclared(undefined, t), error: r.error };
  const list = (r.body as { data?: unknown }).data;
  const entry = Array.isArray(list) ? list.find(m => m?.id === t.modelId) : undefined;
  if (!entry) return { server: 'lmstudio', ...withDeclared(undefined, t), error: `LM Studio does not list "${t.modelId}"` };
  const loaded = entry.state === 'loaded' ? int(entry.loaded_context_length) ?? int(entry.loaded_instances?.[0]?.config?.context_length) : undefined;
  return {
    server: 'lmstudio',
    ...withDeclared(quantizationFromLmStudio(entry), t),
    ...defined('contextWindow', int(entry.max_context_length)),
    ...defined('loadedContext', loaded),
  };
}

export async function probeLlamaCpp(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const root = serverRoot(t.baseUrl);
  const [props, models] = await Promise.all([
    requestJson(`${root}/props`, { headers: bearer(t.apiKey) }, opts),
    requestJson(`${root}/v1/models`, { headers: bearer(t.apiKey) }, opts),
  ]);
  let quantization: Quantization | undefined;
  let loadedContext: number | undefined;
  if (props.ok) {
    const p = props.body as { default_generation_settings?: { n_ctx?: unknown }; n_ctx?: unknown };
    quantization = quantizationFromLlamaCppProps(props.body);
    loadedContext = int(p.default_generation_settings?.n_ctx) ?? int(p.n_ctx);
  }
  let contextWindow: number | undefined;
  if (models.ok) {
    const list = (models.body as { data?: unknown }).data;
    const entry = Array.isArray(list) ? list.find(m => m?.id === t.modelId) ?? (list.length === 1 ? list[0] : undefined) : undefined;
    contextWindow = int(entry?.meta?.n_ctx_train);
    const id = typeof entry?.id === 'string' ? entry.id : undefined;
    const fromId = id ? ggufQuantType(id) : undefined;
    if (!quantization && fromId) quantization = { value: fromId, source: 'server', detail: `llama.cpp /v1/models id ${id}` };
  }
  const error = !props.ok && !models.ok ? props.error : undefined;
  return { server: 'llamacpp', ...withDeclared(quantization, t), ...defined('contextWindow', contextWindow), ...defined('loadedContext', loadedContext), ...(error ? { error } : {}) };
}

/** vLLM: `max_model_len` from `/v1/models`; quantization is not reported, so declared or inferred from the name. */
export async function probeVllm(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const r = await requestJson(`${serverRoot(t.baseUrl)}/v1/models`, { headers: bearer(t.apiKey) }, opts);
  const list = r.ok ? (r.body as { data?: unknown }).data : undefined;
  const entry = Array.isArray(list) ? list.find(m => m?.id === t.modelId) : undefined;
  const maxLen = int(entry?.max_model_len);
  // `root` is the repository the weights came from, usually more telling than a served alias.
  const names = [typeof entry?.root === 'string' ? entry.root : undefined, t.modelId].filter((n): n is string => !!n);
  const inferred = names.map(inferQuantizationFromName).find(Boolean);
  return {
    server: 'vllm',
    quantization: declaredQuantization(t.declared, t.providerId) ?? inferred,
    ...defined('contextWindow', maxLen),
    ...defined('loadedContext', maxLen),
    ...(r.ok ? {} : { error: r.error }),
  };
}

/** OpenRouter: the endpoints API, matched with the upstream provider that served the request. No key is sent. */
export async function probeOpenRouter(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const slug = t.modelId.replace(/:[^/]*$/, '');
  if (!/^[^/]+\/[^/]+$/.test(slug)) return { server: 'openrouter', error: `"${t.modelId}" is not an OpenRouter model id (author/slug)` };
  const path = slug.split('/').map(encodeURIComponent).join('/');
  const r = await requestJson(`${t.baseUrl.replace(/\/+$/, '')}/models/${path}/endpoints`, {}, opts);
  if (!r.ok) return { server: 'openrouter', error: r.error };
  const endpoints = parseOpenRouterEndpoints(r.body);
  const served = t.servedBy ? endpoints.find(e => e.provider.toLowerCase() === t.servedBy!.toLowerCase()) : undefined;
  const contexts = endpoints.map(e => e.contextLength).filter((n): n is number => n !== undefined);
  return {
    server: 'openrouter',
    ...defined('quantization', quantizationFromOpenRouter(endpoints, t.servedBy)),
    ...defined('contextWindow', served?.contextLength ?? (contexts.length ? Math.max(...contexts) : undefined)),
  };
}

/** Picks the probe for the endpoint's kind. Unknown servers get the model list and name inference. */
export async function probeModel(t: ProbeTarget, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const kind = serverKindOf(t.providerId, t.baseUrl, t.type);
  switch (kind) {
    case 'vendor': return { server: 'vendor', quantization: vendorQuantization(vendorOf(t.providerId, t.baseUrl)!) };
    case 'ollama': return probeOllama(t, opts);
    case 'lmstudio': return probeLmStudio(t, opts);
    case 'llamacpp': return probeLlamaCpp(t, opts);
    case 'vllm': return probeVllm(t, opts);
    case 'openrouter': return probeOpenRouter(t, opts);
    default: return { ...(await probeVllm(t, opts)), server: 'unknown' };
  }
}

function withDeclared(fromServer: Quantization | undefined, t: ProbeTarget): { quantization?: Quantization } {
  const q = fromServer ?? declaredQuantization(t.declared, t.providerId) ?? inferQuantizationFromName(t.modelId);
  return q ? { quantization: q } : {};
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
