/**
 * Tack's own HTTP client: undici's fetch with a dispatcher Tack chose, never the process-wide one. Node ≥ 24 with
 * `NODE_USE_ENV_PROXY=1` (or any other code calling `setGlobalDispatcher`) swaps the global dispatcher for one that
 * follows `HTTPS_PROXY` / `HTTP_PROXY`; the global `fetch` then hands every request — bodies with conversation text,
 * headers with keys — to a proxy the environment chose. Tack's requests go direct, or through the proxy named by
 * Tack's own setting (`tack.network.proxy`) or passed in by the editor (VS Code's `http.proxy`), nothing else.
 */
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { FetchFn } from './timed-fetch';

const dispatchers = new Map<string, Dispatcher>();

/** `http://host:port` or `https://…` with optional user:password; anything else is not a proxy Tack can use. */
export function proxyUrlProblem(proxy: string): string | undefined {
  let u: URL;
  try {
    u = new URL(proxy);
  } catch {
    return `"${proxy}" is not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `the proxy must be an http:// or https:// URL, not ${u.protocol}`;
  return undefined;
}

/**
 * The dispatcher for a proxy setting: one shared instance per value (connections are pooled). An empty value means
 * direct connections. An invalid proxy value throws: callers validate settings first (see settingsFromObject).
 */
export function tackDispatcher(proxy?: string): Dispatcher {
  const key = proxy?.trim() ?? '';
  let d = dispatchers.get(key);
  if (!d) {
    if (key) {
      const problem = proxyUrlProblem(key);
      if (problem) throw new Error(`tack.network.proxy: ${problem}`);
      d = new ProxyAgent({ uri: key });
    } else {
      d = new Agent();
    }
    dispatchers.set(key, d);
  }
  return d;
}

/** A fetch that always uses Tack's dispatcher for `proxy` (direct when empty). */
export function tackFetch(proxy?: string): FetchFn {
  const dispatcher = tackDispatcher(proxy);
  return ((input: Parameters<FetchFn>[0], init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchFn;
}
