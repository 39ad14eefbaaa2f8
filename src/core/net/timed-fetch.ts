/**
 * A fetch for provider clients that enforces Tack's own timeouts, which the SDKs do not offer:
 *  - connect timeout: response headers must arrive within `connectTimeoutMs`;
 *  - idle timeout: a streamed body must not stay silent longer than `idleTimeoutMs` between chunks.
 * A timeout aborts the request and is recorded in `state`, so the caller can tell a timeout from a Stop.
 * A 2xx answer that is an HTML page (a proxy's error page, a wrong baseUrl) is rejected as a bad response
 * with an excerpt of the page, instead of being parsed as an empty event stream.
 */

export type FetchFn = typeof globalThis.fetch;

export interface TimedFetchState {
  timedOut?: 'connect' | 'idle';
  /** Set when a 2xx response was not what an API returns; holds a short excerpt of the body. */
  badContent?: { contentType: string; excerpt: string };
}

export interface TimedFetchOptions {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: FetchFn;
}

export class BadContentError extends Error {}

export function createTimedFetch(opts: TimedFetchOptions, state: TimedFetchState): FetchFn {
  const base = opts.fetch ?? globalThis.fetch;
  return async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onOuterAbort, { once: true });

    const connectTimer = setTimeout(() => {
      state.timedOut = 'connect';
      controller.abort(new Error(`no response within ${opts.connectTimeoutMs} ms`));
    }, opts.connectTimeoutMs);
    let res: Response;
    try {
      res = await base(input, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(connectTimer);
    }

    const contentType = res.headers.get('content-type') ?? '';
    if (res.ok && /text\/html/i.test(contentType)) {
      const text = await res.text().catch(() => '');
      state.badContent = { contentType, excerpt: text.replace(/\s+/g, ' ').trim().slice(0, 300) };
      outer?.removeEventListener('abort', onOuterAbort);
      throw new BadContentError(`expected an API response, got ${contentType}`);
    }
    if (!res.body) {
      outer?.removeEventListener('abort', onOuterAbort);
      return res;
    }
    return new Response(watchIdle(res.body, opts.idleTimeoutMs, () => {
      state.timedOut = 'idle';
      controller.abort(new Error(`no data for ${opts.idleTimeoutMs} ms`));
    }, () => outer?.removeEventListener('abort', onOuterAbort)), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

/** Passes the body through, calling `onIdle` when no chunk arrives for `idleMs`. */
function watchIdle(body: ReadableStream<Uint8Array>, idleMs: number, onIdle: () => void, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, idleMs);
  };
  const finish = () => {
    clearTimeout(timer);
    onEnd();
  };
  return new ReadableStream<Uint8Array>({
    start: arm,
    async pull(ctrl) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          ctrl.close();
          return;
        }
        arm();
        ctrl.enqueue(value);
      } catch (err) {
        finish();
        ctrl.error(err);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
