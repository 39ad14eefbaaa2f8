/**
 * Redirects, followed by Tack rather than by fetch. Fetch drops only `Authorization` when a redirect leaves the
 * origin; Azure's `api-key`, Anthropic's `x-api-key`, SigV4's `x-amz-security-token` and any other credential
 * header would follow the server to wherever it points. Here a redirect to another origin keeps only headers known
 * to carry no credential; a redirect within the origin keeps everything. At most MAX_REDIRECTS hops.
 */
import type { FetchFn } from './timed-fetch';

export const MAX_REDIRECTS = 10;

/** Headers that describe the request and carry no credential: the only ones kept across origins. */
const CROSS_ORIGIN_SAFE = new Set([
  'accept', 'accept-encoding', 'accept-language', 'content-type', 'content-length', 'user-agent',
  'anthropic-version', 'anthropic-beta', 'openai-beta',
]);

const REDIRECT = new Set([301, 302, 303, 307, 308]);

function urlOf(input: Parameters<FetchFn>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return (input as Request).url;
}

/** Wraps `base` so that redirects are followed by the rules above. Never changes a non-redirect answer. */
export function withSafeRedirects(base: FetchFn): FetchFn {
  return async (input, init) => {
    let url = urlOf(input);
    const fromRequest = typeof input !== 'string' && !(input instanceof URL) ? input as Request : undefined;
    let method = (init?.method ?? fromRequest?.method ?? 'GET').toUpperCase();
    let body = init?.body ?? undefined;
    let headers = new Headers(fromRequest?.headers);
    new Headers(init?.headers).forEach((v, k) => headers.set(k, v));
    for (let hop = 0; ; hop++) {
      const res = await base(url, { ...init, method, body, headers, redirect: 'manual' });
      const location = REDIRECT.has(res.status) ? res.headers.get('location') : null;
      if (!location) return res;
      await res.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects, the last to ${location}`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new TypeError(`fetch failed: redirect to a ${next.protocol} URL refused`);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers.delete('content-type');
        headers.delete('content-length');
      } else if (body instanceof ReadableStream) {
        throw new TypeError('fetch failed: a redirect asks to send a streamed body again');
      }
      if (next.origin !== new URL(url).origin) {
        const kept = new Headers();
        headers.forEach((v, k) => { if (CROSS_ORIGIN_SAFE.has(k) || k.startsWith('x-stainless-')) kept.set(k, v); });
        headers = kept;
      }
      url = next.href;
    }
  };
}
