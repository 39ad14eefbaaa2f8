/**
 * Which key may go where. A key belongs to one origin: the preset's own (api.openai.com for `openai`), or the
 * origin the user confirmed when storing it or when the provider's baseUrl changed. It is never sent anywhere
 * else, so a settings change or a planted `baseUrl` cannot collect it, and local/LAN endpoints never receive a
 * cloud key.
 */
import type { KeySource, Logger } from '../ports';
import type { Endpoint } from './registry';
import { isLocalUrl, originOf } from './registry';

export interface StoredKey {
  key: string;
  /** The origin the key was stored for (`https://api.openai.com`); absent for keys stored before origins were kept. */
  origin?: string;
}

/**
 * - `send`: the key goes with the request;
 * - `ask`: the endpoint's origin differs from the key's; the host must ask the user before sending it;
 * - `refuse`: never (a cloud key and a local endpoint); the request goes without a key;
 * - `none`: no key is stored.
 */
export type KeyDecision =
  | { action: 'send'; key: string }
  | { action: 'ask'; key: string; from: string | undefined; to: string }
  | { action: 'refuse'; reason: string }
  | { action: 'none' };

export function keyDecision(endpoint: Endpoint, stored: StoredKey | undefined): KeyDecision {
  if (!stored?.key) return { action: 'none' };
  const to = originOf(endpoint.baseUrl);
  if (!to) return { action: 'refuse', reason: `the endpoint URL ${endpoint.baseUrl} has no origin` };
  const belongsTo = stored.origin ?? endpoint.presetOrigin;
  if (belongsTo === to) return { action: 'send', key: stored.key };
  // A key that belongs to a cloud origin never goes to a local or LAN server, not even after asking.
  if (endpoint.local && belongsTo && !isLocalUrl(belongsTo)) {
    return { action: 'refuse', reason: `the key for "${endpoint.id}" belongs to ${belongsTo ?? 'another server'}, and local endpoints never receive a cloud key` };
  }
  return { action: 'ask', key: stored.key, from: belongsTo, to };
}

/**
 * The key to send to `endpoint`, applying keyDecision; a key stored for another origin goes only after the host
 * asked the person (KeySource.confirmOrigin). Otherwise the request goes without it, and `keyWithheld` says why
 * (auth errors repeat it). Never throws.
 */
export async function resolveKey(endpoint: Endpoint, keys: KeySource, log: Logger): Promise<{ apiKey?: string; keyWithheld?: string }> {
  const d = keyDecision(endpoint, await keys.getKey(endpoint.id).catch(() => undefined));
  switch (d.action) {
    case 'none': return {};
    case 'send': return { apiKey: d.key };
    case 'refuse':
      log.warn(`Not sending the stored key for "${endpoint.id}": ${d.reason}.`);
      return { keyWithheld: d.reason };
    case 'ask': {
      const ok = await keys.confirmOrigin?.(endpoint.id, d.to, d.from).catch(() => false);
      if (ok) return { apiKey: d.key };
      const reason = `it was stored for ${d.from ?? 'another server'}, and sending it to ${d.to} was not confirmed`;
      log.warn(`Not sending the stored key for "${endpoint.id}": ${reason}.`);
      return { keyWithheld: reason };
    }
  }
}

/**
 * SecretStorage holds one string per provider: JSON `{"key","origin"}`, or a bare key stored before origins
 * were kept. Anything unreadable counts as no key.
 */
export function parseStoredKey(raw: string | undefined): StoredKey | undefined {
  if (!raw) return undefined;
  if (raw.startsWith('{')) {
    try {
      const v = JSON.parse(raw) as { key?: unknown; origin?: unknown };
      if (typeof v.key !== 'string' || !v.key) return undefined;
      return { key: v.key, ...(typeof v.origin === 'string' && v.origin ? { origin: v.origin } : {}) };
    } catch {
      return undefined;
    }
  }
  return { key: raw };
}

export function serializeStoredKey(k: StoredKey): string {
  return JSON.stringify(k.origin ? { key: k.key, origin: k.origin } : { key: k.key });
}
