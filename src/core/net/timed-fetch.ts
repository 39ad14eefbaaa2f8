/**
 * A fetch for provider clients that enforces Tack's own limits, which the SDKs do not offer:
 *  - connect timeout: response headers must arrive within `connectTimeoutMs`;
 *  - idle timeout: a streamed body must not stay silent longer than `idleTimeoutMs`. Until the first content
 *    event any bytes count as life (a model loading, keep-alives); once the dialect reported content
 *    (`state.contentArrived()`), only further content re-arms it, so `: keep-alive` comments, Anthropic `ping`
 *    events or Ollama's blank lines cannot keep a stalled answer open forever;
 *  - size caps: one line (bytes between two line breaks) at most `maxLineBytes`, the whole body after decompression
 *    at most `maxResponseBytes` — a gzip bomb or a 400 MB line ends as a bad response instead of eating memory.
 *    Line breaks are found by scanning each chunk once, so the check costs O(bytes);
 *  - Tack's own dispatcher (dispatcher.ts) and Tack's own redirect rules (redirects.ts).
 * A timeout or a cap aborts the request and is recorded in `state`, so the caller can tell it from a Stop.
 * A 2xx answer that is an HTML page (a proxy's error page, a wrong baseUrl) is rejected as a bad response
 * with an excerpt of the page, instead of being parsed as an empty event stream.
 */
import { tackFetch } from './dispatcher';
import { withSafeRedirects } from './redirects';

export type FetchFn = typeof globalThis.fetch;

export interface TimedFetchState {
  timedOut?: 'connect' | 'idle';
  /** Set when a 2xx response was not what an API returns; holds a short excerpt of the body. */
  badContent?: { contentType: string; excerpt: string };
  /** Set when the body broke a size cap. */
  tooLarge?: { what: 'line' | 'response'; limit: number };
  /** Set when the body contained `doneMarker` (Chat Completions' `data: [DONE]`). */
  sawDoneMarker?: boolean;
  /** Installed by the timed fetch once a body streams; dialects call it for every content event. */
  contentArrived?: () => void;
}

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

export interface TimedFetchOptions {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** Replaces Tack's fetch (tests, benchmarks); redirects and limits still apply around it. */
  fetch?: FetchFn;
  /** `tack.network.proxy` (or the editor's proxy); empty: direct. */
  proxy?: string;
  maxLineBytes?: number;
  maxResponseBytes?: number;
  /** Bytes whose presence in the body sets `state.sawDoneMarker`. */
  doneMarker?: string;
}

export class BadContentError extends Error {}

/** True when the state records a failure of the timed fetch itself (timeout or cap), not one of the server. */
export function fetchLimitHit(state: TimedFetchState): boolean {
  return !!state.timedOut || !!state.tooLarge;
}

const HTML_EXCERPT_BYTES = 16 * 1024;

export function createTimedFetch(opts: TimedFetchOptions, state: TimedFetchState): FetchFn {
  const base = withSafeRedirects(opts.fetch ?? tackFetch(opts.proxy));
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
    if (!res.body) {
      outer?.removeEventListener('abort', onOuterAbort);
      return res;
    }
    const body = guardBody(res.body, opts, state, err => controller.abort(err), () => outer?.removeEventListener('abort', onOuterAbort));
    const contentType = res.headers.get('content-type') ?? '';
    if (res.ok && /text\/html/i.test(contentType)) {
      const text = await readPrefix(body, HTML_EXCERPT_BYTES);
      state.badContent = { contentType, excerpt: text.replace(/\s+/g, ' ').trim().slice(0, 300) };
      throw new BadContentError(`expected an API response, got ${contentType}`);
    }
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** The first `max` bytes of a body as text; the rest is not read (the stream is cancelled). */
async function readPrefix(body: ReadableStream<Uint8Array>, max: number): Promise<string> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
    }
  } catch {
    // A body that fails while its excerpt is read still yields what arrived: the excerpt is only a hint.
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/**
 * Passes the body through with the idle watchdog and the caps described at the top. `abort` ends the request;
 * `onEnd` runs once when the body ends, fails or is cancelled.
 */
function guardBody(body: ReadableStream<Uint8Array>, opts: TimedFetchOptions, state: TimedFetchState, abort: (err: Error) => void, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxTotal = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const marker = opts.doneMarker ? Buffer.from(opts.doneMarker) : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let contentMode = false;
  let ended = false;
  let total = 0;
  let line = 0;
  // Activity only stamps a time; the one timer checks the stamp when it fires and re-schedules itself for the rest.
  // (A timer per token would cost a clearTimeout/setTimeout pair on the hot path of every answer.)
  let lastActivity = Date.now();
  const check = () => {
    const quiet = Date.now() - lastActivity;
    if (quiet < opts.idleTimeoutMs) {
      timer = setTimeout(check, opts.idleTimeoutMs - quiet);
      return;
    }
    state.timedOut = 'idle';
    abort(new Error(`no data for ${opts.idleTimeoutMs} ms`));
  };
  const arm = () => { lastActivity = Date.now(); };
  const finish = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    if (state.contentArrived === onContent) delete state.contentArrived;
    onEnd();
  };
  const onContent = () => {
    contentMode = true;
    lastActivity = Date.now();
  };
  state.contentArrived = onContent;
  /** `out` starts at a line start (see `release`): the marker counts only at the start of a line. */
  const watchMarker = (out: Buffer) => {
    if (!marker || state.sawDoneMarker) return;
    for (let at = out.indexOf(marker); at >= 0; at = out.indexOf(marker, at + 1)) {
      if (at === 0 || out[at - 1] === 10 || out[at - 1] === 13) { state.sawDoneMarker = true; return; }
    }
  };
  // Bytes after the last line break are held back until their line ends (or the body ends): a parser downstream then
  // sees each line once, whole, instead of re-scanning a growing buffer on every chunk (quadratic in the line's
  // length). No event is delayed by this: a line-based parser cannot act on half a line anyway.
  let held: Uint8Array[] = [];
  /** What may go downstream now: everything up to and including the last line break (`last`), held bytes first. */
  const release = (b: Buffer, last: number): Buffer | undefined => {
    if (last < 0) {
      held.push(b);
      return undefined;
    }
    const whole = last + 1 === b.length;
    const out = held.length ? Buffer.concat([...held, whole ? b : b.subarray(0, last + 1)]) : whole ? b : b.subarray(0, last + 1);
    held = whole ? [] : [b.subarray(last + 1)];
    return out;
  };
  return new ReadableStream<Uint8Array>({
    start: () => { timer = setTimeout(check, opts.idleTimeoutMs); },
    async pull(ctrl) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            finish();
            if (held.length) {
              const rest = Buffer.concat(held);
              watchMarker(rest);
              ctrl.enqueue(rest);
            }
            held = [];
            ctrl.close();
            return;
          }
          if (!contentMode) arm();
          total += value.byteLength;
          const b = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
          // One backwards scan per chunk finds its last line break (LF, or CR for CR-only streams).
          let last = b.lastIndexOf(10);
          if (last < b.length - 1) last = Math.max(last, b.lastIndexOf(13));
          line = last < 0 ? line + b.length : b.length - 1 - last;
          if (total > maxTotal || line > maxLine) {
            state.tooLarge = total > maxTotal ? { what: 'response', limit: maxTotal } : { what: 'line', limit: maxLine };
            const err = new Error(`the response broke Tack's ${state.tooLarge.what} size limit (${state.tooLarge.limit} bytes)`);
            held = [];
            abort(err);
            finish();
            await reader.cancel(err).catch(() => undefined);
            ctrl.error(err);
            return;
          }
          const out = release(b, last);
          if (out) {
            watchMarker(out);
            ctrl.enqueue(out);
            return;
          }
        }
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
