/**
 * Tack's user settings, shared by the VS Code extension (user-level values only) and the CLI
 * (`~/.config/tack/settings.json` or `$TACK_CONFIG`). Keys use the same names in both.
 */

export interface ProviderSetting {
  /** For custom entries: `openai-compatible`, `anthropic` or `ollama`. */
  type?: string;
  baseUrl?: string;
  label?: string;
  /** Bedrock (AWS region, default us-east-1) and Vertex (Google Cloud region, default `global`). */
  region?: string;
  /** Vertex: the Google Cloud project; otherwise taken from the usual Google sources. */
  projectId?: string;
  /** Azure OpenAI `api-version` (default in presets.ts). */
  apiVersion?: string;
  /** OpenRouter: the `provider` routing object (order, only, ignore, quantizations, sort, …), passed through. */
  routing?: Record<string, unknown>;
  /** OpenRouter: fallback models, passed through as `models`. */
  fallbackModels?: string[];
  /** Anthropic-dialect endpoints: how the key is sent (`bearer`, the default: `Authorization: Bearer`; or `x-api-key`). */
  auth?: string;
}

export interface NetworkSettings {
  /** Time to wait for response headers, ms. */
  connectTimeoutMs: number;
  /** Longest silence between two chunks of a stream, ms. */
  idleTimeoutMs: number;
  /** Longest wait from sending a request to its first token (text, reasoning or tool call), ms. */
  firstTokenTimeoutMs?: number;
  /** How often a failed request is sent again (429, 5xx, dropped connections; only before the first token). */
  maxRetries?: number;
  /** Backoff base for retries without a `retry-after`, ms (default 500; tests make it small). */
  retryBaseDelayMs?: number;
  /** Longest wait Tack accepts from a `retry-after`, ms (default 60 s); a longer one ends the turn instead. */
  maxRetryWaitMs?: number;
  /**
   * The proxy for Tack's own requests (`tack.network.proxy`, or the editor's `http.proxy` passed in by the host);
   * empty or absent: direct connections. Environment variables (`HTTPS_PROXY`, `NODE_USE_ENV_PROXY`) never apply.
   */
  proxy?: string;
  /** Longest line of a response body, bytes (default 8 MiB; tests make it small). */
  maxLineBytes?: number;
  /** Largest response body after decompression, bytes (default 128 MiB; tests make it small). */
  maxResponseBytes?: number;
  /** Longest time one model listing may take, all pages together, ms (default 30 s). */
  listTimeoutMs?: number;
  /** Most pages one model listing reads (default 20). */
  maxListPages?: number;
}

export interface TackSettings {
  providers: Record<string, ProviderSetting>;
  /** `<providerId>/<modelId>`, or '' when not chosen. */
  model: string;
  network: NetworkSettings;
}

export const DEFAULT_NETWORK: Required<NetworkSettings> = {
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  firstTokenTimeoutMs: 120_000,
  maxRetries: 2,
  retryBaseDelayMs: 500,
  maxRetryWaitMs: 60_000,
  proxy: '',
  maxLineBytes: 8 * 1024 * 1024,
  maxResponseBytes: 128 * 1024 * 1024,
  listTimeoutMs: 30_000,
  maxListPages: 20,
};

/** NetworkSettings with every optional value filled from the defaults. */
export function networkWithDefaults(n: NetworkSettings): Required<NetworkSettings> {
  return {
    connectTimeoutMs: n.connectTimeoutMs,
    idleTimeoutMs: n.idleTimeoutMs,
    firstTokenTimeoutMs: n.firstTokenTimeoutMs ?? DEFAULT_NETWORK.firstTokenTimeoutMs,
    maxRetries: n.maxRetries ?? DEFAULT_NETWORK.maxRetries,
    retryBaseDelayMs: n.retryBaseDelayMs ?? DEFAULT_NETWORK.retryBaseDelayMs,
    maxRetryWaitMs: n.maxRetryWaitMs ?? DEFAULT_NETWORK.maxRetryWaitMs,
    proxy: n.proxy ?? DEFAULT_NETWORK.proxy,
    maxLineBytes: n.maxLineBytes ?? DEFAULT_NETWORK.maxLineBytes,
    maxResponseBytes: n.maxResponseBytes ?? DEFAULT_NETWORK.maxResponseBytes,
    listTimeoutMs: n.listTimeoutMs ?? DEFAULT_NETWORK.listTimeoutMs,
    maxListPages: n.maxListPages ?? DEFAULT_NETWORK.maxListPages,
  };
}

export interface ModelRef {
  providerId: string;
  modelId: string;
}

/**
 * Splits `<providerId>/<modelId>` at the first `/`: the model id may itself contain `/` or `:`
 * (`vllm/Qwen/Qwen3-8B`, `ollama/qwen3:8b`). Returns an error message a person can act on otherwise.
 */
export function parseModelRef(ref: string): ModelRef | { error: string } {
  const s = ref.trim();
  if (!s) return { error: 'No model is chosen. Pick one with "Tack: Switch Model", or set `tack.model` to "<provider>/<model>", e.g. "ollama/qwen3:8b".' };
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) {
    return { error: `The model "${s}" does not name a provider. Write it as "<provider>/<model>", e.g. "ollama/${slash === -1 ? s : 'qwen3:8b'}".` };
  }
  return { providerId: s.slice(0, slash), modelId: s.slice(slash + 1) };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.providerId}/${ref.modelId}`;
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A proxy URL (http/https), trimmed; anything else counts as no proxy and the registry reports it. */
function proxySetting(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function seconds(v: unknown, fallbackMs: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : fallbackMs;
}

/** A whole number from 0 to 10 (more retries only delay the error a person must see). */
function retries(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? Math.min(v, 10) : fallback;
}

/**
 * Builds settings from a flat key/value view (`"tack.model": ...`) or a nested one (`{tack: {model}}`).
 * Unknown or mistyped values fall back to defaults here; the provider registry reports bad entries.
 */
export function settingsFromObject(raw: unknown): TackSettings {
  const obj = asRecord(raw);
  const nested = asRecord(obj.tack);
  const get = (key: string): unknown => (`tack.${key}` in obj ? obj[`tack.${key}`] : nested[key]);
  const network = asRecord(get('network'));
  // Defined, not assigned: an id such as `__proto__` becomes a plain own key instead of replacing the prototype.
  // Readers look ids up with Object.hasOwn, so `constructor` or `toString` never find Object.prototype members.
  const providers: Record<string, ProviderSetting> = {};
  for (const [id, v] of Object.entries(asRecord(get('providers')))) {
    Object.defineProperty(providers, id, { value: asRecord(v) as ProviderSetting, enumerable: true, writable: true, configurable: true });
  }
  const proxy = proxySetting(get('network.proxy') ?? network.proxy);
  return {
    providers,
    model: typeof get('model') === 'string' ? (get('model') as string) : '',
    network: {
      connectTimeoutMs: seconds(get('network.connectTimeoutSeconds') ?? network.connectTimeoutSeconds, DEFAULT_NETWORK.connectTimeoutMs),
      idleTimeoutMs: seconds(get('network.idleTimeoutSeconds') ?? network.idleTimeoutSeconds, DEFAULT_NETWORK.idleTimeoutMs),
      firstTokenTimeoutMs: seconds(get('network.firstTokenTimeoutSeconds') ?? network.firstTokenTimeoutSeconds, DEFAULT_NETWORK.firstTokenTimeoutMs),
      maxRetries: retries(get('network.maxRetries') ?? network.maxRetries, DEFAULT_NETWORK.maxRetries),
      ...(proxy ? { proxy } : {}),
    },
  };
}
