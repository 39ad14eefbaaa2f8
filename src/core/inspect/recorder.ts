/**
 * Keeps exactly what the harness sent on the last provider request, for Tack: Inspect Last Request: URL, method,
 * headers and the JSON body. Keys never enter a capture: secret headers (Authorization, x-api-key, api-key,
 * x-goog-api-key, cookies, and any header whose name says token, secret, key or auth) are redacted, secret query
 * parameters too, and every redacted value is also scrubbed from the body and URL in case it appears there.
 * Wrapping a fetch never changes the request and never throws because of the recording.
 */
import type { FetchFn } from '../net/timed-fetch';
import { tackFetch } from '../net/dispatcher';

type FetchInput = Parameters<FetchFn>[0];

export const REDACTED = '[redacted]';

export interface CapturedRequest {
  /** ISO time the request was sent. */
  at: string;
  url: string;
  method: string;
  /** Header names lower-cased; secret values replaced with "[redacted]". */
  headers: Record<string, string>;
  /** The parsed JSON body; the text when it is not JSON; null without a body or when it is a stream. */
  body: unknown;
  bodyBytes: number;
}

const SECRET_NAMES = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie', 'set-cookie']);

/** Whether a header (or query parameter) carries a credential. */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_NAMES.has(n) || /token|secret|key|auth|signature|credential|password/.test(n);
}

/** Header values worth scrubbing elsewhere: the whole value and, for `Bearer x` / `Basic x`, the credential part. */
function secretValues(value: string): string[] {
  const parts = [value, value.replace(/^(bearer|basic|token)\s+/i, '')];
  return parts.filter(v => v.length >= 8);
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

function headerEntries(input: FetchInput, init?: RequestInit): Array<[string, string]> {
  const h = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers).forEach((v, k) => h.set(k, v));
  const out: Array<[string, string]> = [];
  h.forEach((v, k) => out.push([k, v]));
  return out;
}

async function bodyText(input: FetchInput, init?: RequestInit): Promise<string | undefined> {
  const b = init?.body ?? undefined;
  if (typeof b === 'string') return b;
  if (b instanceof Uint8Array) return new TextDecoder().decode(b);
  if (b instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(b));
  if (b instanceof URLSearchParams) return b.toString();
  if (b === undefined && input instanceof Request && input.body) return input.clone().text();
  return undefined;
}

/** A capture of one request with every secret removed. */
export async function captureRequest(input: FetchInput, init: RequestInit | undefined, now = new Date()): Promise<CapturedRequest> {
  const secrets: string[] = [];
  const headers: Record<string, string> = {};
  for (const [k, v] of headerEntries(input, init)) {
    if (isSecretName(k)) { secrets.push(...secretValues(v)); headers[k] = REDACTED; } else headers[k] = v;
  }
  let url = input instanceof Request ? input.url : String(input);
  try {
    const u = new URL(url);
    for (const [k, v] of [...u.searchParams]) if (isSecretName(k)) { secrets.push(...secretValues(v)); u.searchParams.set(k, REDACTED); }
    url = u.toString();
  } catch {
    // not an absolute URL: kept as given, still scrubbed below
  }
  secrets.sort((a, b) => b.length - a.length);
  const text = await bodyText(input, init).catch(() => undefined);
  let body: unknown = null;
  if (text !== undefined) {
    const clean = scrub(text, secrets);
    try { body = JSON.parse(clean); } catch { body = clean; }
  }
  return {
    at: now.toISOString(), url: scrub(url, secrets), method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
    headers, body, bodyBytes: text === undefined ? 0 : new TextEncoder().encode(text).length,
  };
}

/**
 * Holds the last request sent through `wrap(fetch)`. One recorder per host (window or CLI run); the provider layer
 * takes the wrapped fetch as `ProviderRequest.fetch`.
 */
export class RequestRecorder {
  private latest?: CapturedRequest;
  private readonly listeners = new Set<(c: CapturedRequest) => void>();

  /**
   * `keep`: only requests whose URL and method pass are recorded (default: all); `warn`: told when a request could not be
   * captured (the request itself still goes out).
   */
  constructor(private readonly opts: { keep?: (url: string, method: string) => boolean; warn?: (message: string) => void } = {}) {}

  /** `fetch`: what sends the request; by default Tack's own (never an environment proxy). */
  wrap(fetch: FetchFn = tackFetch()): FetchFn {
    return async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      if (this.opts.keep?.(url, method) ?? true) {
        try {
          this.record(await captureRequest(input, init));
        } catch (err) {
          // The request goes out unchanged; only the capture is lost, and the inspector says there is none.
          this.latest = undefined;
          this.opts.warn?.(`Tack could not record the request to ${url}: ${(err as Error).message}`);
        }
      }
      return fetch(input, init);
    };
  }

  record(c: CapturedRequest): void {
    this.latest = c;
    for (const l of this.listeners) l(c);
  }

  last(): CapturedRequest | undefined {
    return this.latest;
  }

  /** Called after each capture; returns a function that stops listening. */
  onCapture(listener: (c: CapturedRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
