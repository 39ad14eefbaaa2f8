/**
 * Tack's user settings, shared by the VS Code extension (user-level values only) and the CLI
 * (`~/.config/tack/settings.json` or `$TACK_CONFIG`). Keys use the same names in both.
 */

export interface ProviderSetting {
  type?: string;
  baseUrl?: string;
  label?: string;
}

export interface NetworkSettings {
  /** Time to wait for response headers, ms. */
  connectTimeoutMs: number;
  /** Longest silence between two chunks of a stream, ms. */
  idleTimeoutMs: number;
}

export interface TackSettings {
  providers: Record<string, ProviderSetting>;
  /** `<providerId>/<modelId>`, or '' when not chosen. */
  model: string;
  network: NetworkSettings;
}

export const DEFAULT_NETWORK: NetworkSettings = { connectTimeoutMs: 10_000, idleTimeoutMs: 120_000 };

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

function seconds(v: unknown, fallbackMs: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : fallbackMs;
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
  const providers: Record<string, ProviderSetting> = {};
  for (const [id, v] of Object.entries(asRecord(get('providers')))) {
    providers[id] = asRecord(v) as ProviderSetting;
  }
  return {
    providers,
    model: typeof get('model') === 'string' ? (get('model') as string) : '',
    network: {
      connectTimeoutMs: seconds(get('network.connectTimeoutSeconds') ?? network.connectTimeoutSeconds, DEFAULT_NETWORK.connectTimeoutMs),
      idleTimeoutMs: seconds(get('network.idleTimeoutSeconds') ?? network.idleTimeoutSeconds, DEFAULT_NETWORK.idleTimeoutMs),
    },
  };
}
