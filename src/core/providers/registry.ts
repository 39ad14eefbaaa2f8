/**
 * Turns presets plus the user's `tack.providers` into concrete endpoints, and reports bad entries as
 * messages a person can act on (never throws).
 */
import type { TackSettings } from '../config/settings';
import { PRESETS, PROVIDER_TYPES, type ProviderType } from './presets';

export interface Endpoint {
  id: string;
  label: string;
  type: ProviderType;
  /** Normalized: no trailing slash. */
  baseUrl: string;
  local: boolean;
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

/** Loopback and private-network hosts count as local: they never get a cloud key. */
export function isLocalUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\./.test(h) || /^10\./.test(h) || /^192\.168\./.test(h)
      || /^172\.(1[6-9]|2\d|3[01])\./.test(h) || h.endsWith('.local');
  } catch {
    return false;
  }
}

export function resolveEndpoint(settings: TackSettings, providerId: string): EndpointResult {
  const preset = PRESETS[providerId];
  const entry = settings.providers[providerId];
  if (!preset && !entry) {
    const known = providerIds(settings).join(', ');
    return { error: `Unknown provider "${providerId}". Known providers: ${known}. Add a custom endpoint under \`tack.providers\` in your user settings.` };
  }
  const type = (entry?.type ?? preset?.type ?? 'openai-compatible') as string;
  if (!PROVIDER_TYPES.includes(type as ProviderType)) {
    return { error: `Provider "${providerId}" has type "${type}", which Tack does not support. Supported: ${PROVIDER_TYPES.join(', ')}.` };
  }
  const rawUrl = entry?.baseUrl ?? preset?.baseUrl;
  if (!rawUrl) {
    return { error: `Provider "${providerId}" has no baseUrl. Set \`tack.providers.${providerId}.baseUrl\`, e.g. "http://127.0.0.1:8000/v1".` };
  }
  const baseUrl = normalizeBaseUrl(rawUrl);
  if (!baseUrl) {
    return { error: `Provider "${providerId}" has an invalid baseUrl "${rawUrl}": it must be an http:// or https:// URL.` };
  }
  return {
    endpoint: {
      id: providerId,
      label: entry?.label || preset?.label || providerId,
      type: type as ProviderType,
      baseUrl,
      local: preset?.local === true && !entry?.baseUrl ? true : isLocalUrl(baseUrl),
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
    if ('endpoint' in r) endpoints.push(r.endpoint); else errors.push(r.error);
  }
  return { endpoints, errors };
}
