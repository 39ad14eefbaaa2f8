/**
 * Which key may go where. A key belongs to one origin: the preset's own (api.openai.com for `openai`), or the
 * origin the user confirmed when storing it or when the provider's baseUrl changed. It is never sent anywhere
 * else, so a settings change or a planted `baseUrl` cannot collect it, and local/LAN endpoints never receive a
 * cloud key — "local" decided from the addresses the host name resolves to (net/local-address.ts), not from how
 * the URL is spelled. A cloud preset without a fixed origin (Azure) still holds a cloud key.
 */
import type { KeySource, Logger } from '../ports';
import { resolvedScope, type AddressScope, type LookupAll } from '../net/local-address';
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

/**
 * `scope` is where the endpoint's host resolved to (resolvedScope); without it only the spelling of the URL is
 * known (endpoint.local), which is what synchronous callers have.
 */
export function keyDecision(endpoint: Endpoint, stored: StoredKey | undefined, scope?: AddressScope | 'unknown'): KeyDecision {
  if (!stored?.key) return { action: 'none' };
  const to = originOf(endpoint.baseUrl);
  if (!to) return { action: 'refuse', reason: `the endpoint URL ${endpoint.baseUrl} has no origin` };
  const belongsTo = stored.origin ?? endpoint.presetOrigin;
  const local = endpoint.local || scope === 'loopback' || scope === 'private';
  const cloudKey = !!endpoint.cloudPreset || (belongsTo !== undefined && !isLocalUrl(belongsTo));
  // A cloud key never goes to a local or LAN server, not even after asking.
  if (local && cloudKey) {
    return { action: 'refuse', reason: `the key for "${endpoint.id}" belongs to ${belongsTo ?? 'a cloud service'}, and local endpoints never receive a cloud key (${to} is on this machine or the local network)` };
  }
  if (belongsTo === to) return { action: 'send', key: stored.key };
  if (scope === 'unknown' && cloudKey) {
    return { action: 'refuse', reason: `the host of ${to} could not be resolved, so Tack cannot tell whether it is a local address` };
  }
  return { action: 'ask', key: stored.key, from: belongsTo, to };
}

/** The preset's own origin needs no DNS: a vendor's API host. Anything else is resolved before a key goes there. */
function needsResolution(endpoint: Endpoint): boolean {
  return !endpoint.local && originOf(endpoint.baseUrl) !== endpoint.presetOrigin;
}

/** keyDecision with the endpoint's host resolved first (all addresses) when it is not the preset's own. Never throws. */
export async function decideKey(endpoint: Endpoint, stored: StoredKey | undefined, lookupAll?: LookupAll): Promise<KeyDecision> {
  if (!stored?.key) return { action: 'none' };
  const scope = needsResolution(endpoint) ? await resolvedScope(endpoint.baseUrl, lookupAll) : undefined;
  return keyDecision(endpoint, stored, scope);
}

/**
 * AWS and Google credentials from the environment (AWS_BEARER_TOKEN_BEDROCK, session credentials for SigV4, Google's
 * application-default credentials) belong to the vendor's own hosts: they are used only for an https endpoint under
 * amazonaws.com / api.aws (Bedrock) or googleapis.com (Vertex). Any other endpoint — a local server, a gateway —
 * must be given a key of its own, which then follows the origin rules above.
 */
export function ambientCredentialsAllowed(endpoint: Pick<Endpoint, 'type' | 'baseUrl'>): boolean {
  let u: URL;
  try {
    u = new URL(endpoint.baseUrl);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:') return false;
  const host = u.hostname.toLowerCase().replace(/\.+$/, '');
  if (endpoint.type === 'bedrock') return /\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(host);
  if (endpoint.type === 'vertex') return /(^|\.)googleapis\.com$/.test(host);
  return false;
}

export interface ResolveKeyOptions {
  /** DNS lookup (all addresses); tests inject one. */
  lookup?: LookupAll;
}

/**
 * The key to send to `endpoint`, applying keyDecision; a key stored for another origin goes only after the host
 * asked the person (KeySource.confirmOrigin). Otherwise the request goes without it, and `keyWithheld` says why
 * (auth errors repeat it). Never throws.
 */
export async function resolveKey(endpoint: Endpoint, keys: KeySource, log: Logger, opts: ResolveKeyOptions = {}): Promise<{ apiKey?: string; keyWithheld?: string }> {
  const d = await decideKey(endpoint, await keys.getKey(endpoint.id).catch(() => undefined), opts.lookup);
  switch (d.action) {
    case 'none': return {};
    case 'send': return { apiKey: d.key };
    case 'refuse':
      log.warn(`Not sending the stored key for "${endpoint.id}": ${d.reason}.`);
      return { keyWithheld: d.reason };
    case 'ask': {
      const answer = await (keys.confirmOrigin?.(endpoint.id, d.to, d.from) ?? Promise.resolve(false)).catch(() => false);
      if (answer === true) return { apiKey: d.key };
      const reason = typeof answer === 'object' && answer?.refused
        ? answer.refused
        : `it was stored for ${d.from ?? 'another server'}, and sending it to ${d.to} was not confirmed`;
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
