/**
 * Turns presets plus the user's `tack.providers` into concrete endpoints, and reports bad entries as
 * messages a person can act on (never throws).
 */
import type { ProviderSetting, TackSettings } from '../config/settings';
import { scopeFromSpelling } from '../net/local-address';
import { ANTHROPIC_AUTH, AZURE_API_VERSION, CUSTOM_TYPES, DIALECT_OF, PRESETS, type AnthropicAuth, type Dialect, type ProviderType, type ToolIdStyle } from './presets';

export interface Endpoint {
  id: string;
  label: string;
  type: ProviderType;
  dialect: Dialect;
  /** Normalized: no trailing slash; for Ollama the server root (no `/v1`, no `/api`). */
  baseUrl: string;
  local: boolean;
  /** Requests need an API key (cloud presets; custom entries never require one but send one when stored). */
  needsKey: boolean;
  /** The origin a stored key belongs to by default: the preset's own origin; undefined for custom entries. */
  presetOrigin?: string;
  /**
   * A cloud preset (OpenAI, Azure, Bedrock, …): its key or credentials are a cloud credential, which never goes to a
   * local or LAN address — also for presets without a fixed origin (Azure).
   */
  cloudPreset?: boolean;
  /** The CLI's key variables, in order of preference. */
  keyEnvs: string[];
  region?: string;
  projectId?: string;
  apiVersion?: string;
  toolIdStyle?: ToolIdStyle;
  /** OpenRouter `provider` routing object and fallback `models`, from settings. */
  routing?: Record<string, unknown>;
  fallbackModels?: string[];
  /** Anthropic dialect only, set when the entry says how the key goes (`auth`); absent means `bearer`. */
  anthropicAuth?: AnthropicAuth;
}

export type EndpointResult = { endpoint: Endpoint } | { error: string };

function normalizeBaseUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Ollama's native API lives at the server root (`/api/chat`); people often paste the OpenAI-compatible
 * `…:11434/v1` instead, so both are accepted.
 */
function ollamaRoot(url: string): string {
  return url.replace(/\/(v1|api)$/, '');
}

export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Loopback and private-network hosts count as local: they never get a cloud key. Decided from the spelling only
 * (IP literals in every form the URL parser accepts, localhost, .local); names that need DNS are checked by
 * keys.ts from their resolved addresses before a key is sent.
 */
export function isLocalUrl(url: string): boolean {
  const scope = scopeFromSpelling(url);
  return scope === 'loopback' || scope === 'private';
}

/** `<ID>_API_KEY`: provider id upper-cased, `-` becomes `_`. */
export function envKeyName(providerId: string): string {
  return `${providerId.toUpperCase().replace(/-/g, '_')}_API_KEY`;
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function extrasError(id: string, entry: ProviderSetting | undefined): string | undefined {
  if (entry?.routing !== undefined && (typeof entry.routing !== 'object' || entry.routing === null || Array.isArray(entry.routing))) {
    return `Provider "${id}" has a "routing" that is not an object. Write it as OpenRouter's provider object, e.g. { "quantizations": ["fp8"] }.`;
  }
  if (entry?.fallbackModels !== undefined && (!Array.isArray(entry.fallbackModels) || entry.fallbackModels.some(m => typeof m !== 'string'))) {
    return `Provider "${id}" has "fallbackModels" that is not a list of model ids.`;
  }
  return undefined;
}

function authError(id: string, entry: ProviderSetting | undefined, type: string): string | undefined {
  if (entry?.auth === undefined) return undefined;
  if (type !== 'anthropic') return `Provider "${id}" sets "auth", which only Anthropic-type endpoints take (how their key is sent).`;
  if (!ANTHROPIC_AUTH.includes(entry.auth as AnthropicAuth)) return `Provider "${id}" has "auth": "${entry.auth}". Use "bearer" (Authorization: Bearer, the default) or "x-api-key" (Anthropic's own header).`;
  return undefined;
}

export function resolveEndpoint(settings: TackSettings, providerId: string): EndpointResult {
  const preset = Object.hasOwn(PRESETS, providerId) ? PRESETS[providerId] : undefined;
  const entry = Object.hasOwn(settings.providers, providerId) ? settings.providers[providerId] : undefined;
  if (!preset && !entry) {
    const known = providerIds(settings).join(', ');
    return { error: `Unknown provider "${providerId}". Known providers: ${known}. Add a custom endpoint under \`tack.providers\` in your user settings.` };
  }
  const type = (entry?.type ?? preset?.type ?? 'openai-compatible') as string;
  if (type !== preset?.type && !CUSTOM_TYPES.includes(type as ProviderType)) {
    return { error: `Provider "${providerId}" has type "${type}", which Tack does not support for custom endpoints. Supported: ${CUSTOM_TYPES.join(', ')}.` };
  }
  const region = optionalString(entry?.region) ?? preset?.region;
  const rawUrl = optionalString(entry?.baseUrl) ?? preset?.baseUrl.replace('{region}', region ?? '');
  if (!rawUrl) {
    const example = type === 'azure-openai' ? 'https://<resource>.openai.azure.com' : 'http://127.0.0.1:8000/v1';
    return { error: `Provider "${providerId}" has no baseUrl. Set \`tack.providers.${providerId}.baseUrl\`, e.g. "${example}".` };
  }
  let baseUrl = normalizeBaseUrl(rawUrl);
  if (!baseUrl) {
    return { error: `Provider "${providerId}" has an invalid baseUrl "${rawUrl}": it must be an http:// or https:// URL.` };
  }
  const extras = extrasError(providerId, entry) ?? authError(providerId, entry, type);
  if (extras) return { error: extras };
  if (type === 'ollama') baseUrl = ollamaRoot(baseUrl);
  // Vertex's regional hosts follow the region unless the user set a baseUrl.
  if (type === 'vertex' && !entry?.baseUrl && region && region !== 'global') baseUrl = `https://${region}-aiplatform.googleapis.com/v1`;
  const presetUrl = preset?.baseUrl ? preset.baseUrl.replace('{region}', preset.region ?? '') : undefined;
  const keyEnvs = [envKeyName(providerId), ...(preset?.altKeyEnv ? [preset.altKeyEnv] : [])];
  return {
    endpoint: {
      id: providerId,
      label: optionalString(entry?.label) || preset?.label || providerId,
      type: type as ProviderType,
      dialect: DIALECT_OF[type as ProviderType],
      baseUrl,
      local: preset?.local === true && !entry?.baseUrl ? true : isLocalUrl(baseUrl),
      needsKey: preset ? preset.needsKey && !(entry?.baseUrl && isLocalUrl(baseUrl)) : false,
      presetOrigin: presetUrl ? originOf(presetUrl) : undefined,
      ...(preset && !preset.local ? { cloudPreset: true } : {}),
      keyEnvs,
      ...(region ? { region } : {}),
      ...(optionalString(entry?.projectId) ? { projectId: optionalString(entry?.projectId) } : {}),
      ...(type === 'azure-openai' ? { apiVersion: optionalString(entry?.apiVersion) ?? AZURE_API_VERSION } : {}),
      ...(preset?.toolIdStyle ? { toolIdStyle: preset.toolIdStyle } : {}),
      ...(entry?.routing ? { routing: entry.routing } : {}),
      ...(entry?.fallbackModels ? { fallbackModels: entry.fallbackModels } : {}),
      ...(entry?.auth ? { anthropicAuth: entry.auth as AnthropicAuth } : {}),
    },
  };
}

/** Every provider id the user can pick: presets first, then custom entries. */
export function providerIds(settings: TackSettings): string[] {
  return [...new Set([...Object.keys(PRESETS), ...Object.keys(settings.providers)])];
}

export function listEndpoints(settings: TackSettings): { endpoints: Endpoint[]; errors: string[] } {
  const endpoints: Endpoint[] = [];
  const errors: string[] = [];
  for (const id of providerIds(settings)) {
    const r = resolveEndpoint(settings, id);
    if ('endpoint' in r) endpoints.push(r.endpoint); else if (Object.hasOwn(settings.providers, id)) errors.push(r.error);
  }
  return { endpoints, errors };
}
