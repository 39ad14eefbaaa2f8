/**
 * Retries and the first-token watchdog, in one place for every dialect (the SDKs' own retries are off).
 *
 * A request is sent again only when nothing of its answer has arrived yet, so a person never sees text twice and a
 * tool call from a failed attempt can never run twice: 429 (after the server's `retry-after`, if it said one
 * within the cap), 5xx and dropped connections (after an exponential backoff). Before waiting, a `retry` event
 * says how long, so the panel can count down and the CLI can print it; Stop ends the wait at once.
 * A stream that fails after its first token keeps its partial answer and ends with the error.
 */
import { networkWithDefaults } from '../config/settings';
import type { ErrorEvent, StreamEvent } from '../events';
import { retryHintOf } from './errors';
import type { ProviderRequest } from './request';

/** One attempt of a dialect: the events of one request; never throws. */
export type Attempt = (req: ProviderRequest) => AsyncIterableIterator<StreamEvent>;

/** Waits `ms`, or less when `signal` fires; resolves false when it was cut short. Never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise(resolve => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter: base, 2×base, 4×base … at most 8 s (the SDKs' own range). */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(8_000, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.75 + 0.25 * random()));
}

function formatWait(ms: number): string {
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

const isContent = (ev: StreamEvent): boolean =>
  ev.type === 'text' || ev.type === 'reasoning' || ev.type === 'tool_call_start' || ev.type === 'reasoning_end';

export interface RetryOptions {
  /** Completes the final error before it is emitted (stream.ts adds the models a `not_found` endpoint has). */
  finalError?: (ev: ErrorEvent) => Promise<ErrorEvent>;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or runs out of attempts. Until the first content event the
 * retry logic (an async generator, readable top to bottom) is in the way; from then on `next()` goes straight to the
 * live attempt, so the streaming answer pays nothing for this layer.
 */
export function withRetries(req: ProviderRequest, attempt: Attempt, opts: RetryOptions = {}): AsyncIterableIterator<StreamEvent> {
  let current: AsyncIterator<StreamEvent>;
  const self: AsyncIterableIterator<StreamEvent> = {
    next: () => current.next(),
    return: () => current.return?.() ?? Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]: () => self,
  };
  current = untilStarted(req, attempt, opts, live => { current = live; });
  return self;
}

async function* untilStarted(req: ProviderRequest, attempt: Attempt, opts: RetryOptions, handOver: (live: AsyncIterator<StreamEvent>) => void): AsyncGenerator<StreamEvent> {
  const net = networkWithDefaults(req.network);
  const maxAttempts = net.maxRetries + 1;
  const final = async (ev: ErrorEvent) => (opts.finalError ? opts.finalError(ev) : ev);
  for (let n = 1; ; n++) {
    const controller = new AbortController();
    // Stays registered while the answer streams: Stop must reach the live attempt after the hand-over.
    const onAbort = () => controller.abort(req.signal.reason);
    if (req.signal.aborted) controller.abort(req.signal.reason);
    else req.signal.addEventListener('abort', onAbort, { once: true });
    let firstTokenLate = false;
    const timer = setTimeout(() => {
      firstTokenLate = true;
      controller.abort(new Error('no first token in time'));
    }, net.firstTokenTimeoutMs);
    const live = attempt({ ...req, signal: controller.signal });
    // Events before the first content (usage of a response that then failed) are held back: a retried attempt's
    // usage replaces them, so nothing is counted twice.
    const held: StreamEvent[] = [];
    let failure: ErrorEvent | undefined;
    let handedOver = false;
    try {
      for (;;) {
        const r = await live.next();
        if (r.done) break;
        const ev = r.value;
        if (ev.type === 'error') { failure = ev; break; }
        if (!isContent(ev)) { held.push(ev); continue; }
        clearTimeout(timer);
        yield* held;
        yield ev;
        // The consumer wants more: answer this call from the live attempt, and send every later call straight to it.
        handedOver = true;
        handOver(live);
        const more = await live.next();
        if (!more.done) yield more.value;
        return;
      }
    } finally {
      clearTimeout(timer);
      // The consumer stopped before the hand-over (or the attempt failed): close the attempt's request.
      if (!handedOver) await live.return?.();
    }
    req.signal.removeEventListener('abort', onAbort);
    const hint = failure && retryHintOf(failure);
    const retryable = !!hint?.retryable && n < maxAttempts && !req.signal.aborted && !firstTokenLate;
    if (!failure || !retryable) yield* held;
    if (!failure) return;
    if (firstTokenLate && !req.signal.aborted) {
      yield {
        type: 'error', kind: 'network',
        message: `${req.endpoint.label} sent no answer within the first-token timeout (${formatWait(net.firstTokenTimeoutMs)}). Retry, or raise tack.network.firstTokenTimeoutSeconds (a large local model may need longer to load).`,
      };
      return;
    }
    if (!retryable) {
      yield await final(failure);
      return;
    }
    const afterMs = hint!.afterMs;
    if (afterMs !== undefined && afterMs > net.maxRetryWaitMs) {
      yield await final({ ...failure, message: `${failure.message} The server asks to wait ${formatWait(afterMs)}, longer than Tack waits (${formatWait(net.maxRetryWaitMs)}); try again later.` });
      return;
    }
    const waitMs = afterMs ?? backoffMs(n, net.retryBaseDelayMs);
    yield { type: 'retry', attempt: n + 1, maxAttempts, waitMs, kind: failure.kind, message: failure.message };
    req.log.warn(`[${req.endpoint.id}] ${failure.kind}: retrying in ${waitMs} ms (attempt ${n + 1} of ${maxAttempts})`);
    if (!(await abortableSleep(waitMs, req.signal))) {
      yield { type: 'error', kind: 'cancelled', message: 'Stopped.' };
      return;
    }
  }
}
