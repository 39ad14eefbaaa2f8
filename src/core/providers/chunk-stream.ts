/**
 * The stream of one response, pulled by its consumer: each `next()` reads at most the chunks needed for the next
 * event from the dialect's source (an SDK stream or Tack's own NDJSON reader) and normalizes them. Written by hand
 * rather than as an async generator because it sits on the hot path of every token: it costs one promise callback
 * per chunk on top of the source (test/bench/run.ts measures it against the raw SDK stream).
 *
 * Contract for a dialect (ChunkSource): `open` sends the request and may throw; `push` normalizes one chunk and may
 * return a failure to end with; `end` runs when the source ended by itself (completion events, or an "incomplete"
 * error); `fail` turns anything thrown or returned into the final events. So the stream itself never throws: a
 * failure is its last event. When the consumer stops early (`return()`, a `break`), the source is closed, which
 * aborts the HTTP request.
 */
import type { StreamEvent } from '../events';

export interface ChunkSource<C> {
  open(): Promise<AsyncIterable<C>>;
  push(chunk: C, out: StreamEvent[]): unknown;
  end(out: StreamEvent[]): void;
  fail(err: unknown): Promise<StreamEvent[]>;
  /**
   * Called after a chunk produced a content event (text, reasoning, a tool call or its arguments): the idle
   * watchdog re-arms on these only, never on keep-alives (see net/timed-fetch.ts).
   */
  onContent?(): void;
}

function hasContent(evs: readonly StreamEvent[], from: number): boolean {
  for (let i = from; i < evs.length; i++) {
    const t = evs[i].type;
    if (t === 'text' || t === 'reasoning' || t === 'tool_call_start' || t === 'tool_call_delta') return true;
  }
  return false;
}

const DONE: IteratorResult<StreamEvent> = { done: true, value: undefined };

export class ChunkStream<C> implements AsyncIterableIterator<StreamEvent> {
  private iter: AsyncIterator<C> | undefined;
  private buf: StreamEvent[] = [];
  private at = 0;
  private closed = false;

  constructor(private readonly source: ChunkSource<C>) {}

  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.at < this.buf.length) return Promise.resolve({ done: false, value: this.buf[this.at++] });
    if (this.closed) return Promise.resolve(DONE);
    if (!this.iter) {
      return this.source.open().then(
        s => { this.iter = s[Symbol.asyncIterator](); return this.pull(); },
        err => this.failWith(err),
      );
    }
    return this.pull();
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    this.closed = true;
    this.buf = [];
    this.at = 0;
    const it = this.iter;
    return it?.return ? it.return().then(() => DONE, () => DONE) : Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamEvent> {
    return this;
  }

  private pull(): Promise<IteratorResult<StreamEvent>> {
    this.buf.length = 0;
    this.at = 0;
    return this.iter!.next().then(this.onChunk, this.onError);
  }

  // Created once, not per chunk: this runs for every chunk of every answer.
  private readonly onChunk = (r: IteratorResult<C>): IteratorResult<StreamEvent> | Promise<IteratorResult<StreamEvent>> => {
    if (this.closed) return DONE;
    if (r.done) {
      this.closed = true;
      this.source.end(this.buf);
    } else {
      const before = this.buf.length;
      const failure = this.source.push(r.value, this.buf);
      if (failure) return this.failWith(failure, this.buf.slice());
      if (this.buf.length > before && this.source.onContent && hasContent(this.buf, before)) this.source.onContent();
    }
    if (this.at < this.buf.length) return { done: false, value: this.buf[this.at++] };
    return this.closed ? DONE : this.pull();
  };

  private readonly onError = (err: unknown): Promise<IteratorResult<StreamEvent>> => this.failWith(err);

  /** Ends the stream with `first` (events the failing chunk still produced), then the dialect's failure events. */
  private failWith(err: unknown, first: StreamEvent[] = []): Promise<IteratorResult<StreamEvent>> {
    this.closed = true;
    return this.source.fail(err).then(
      evs => {
        this.buf = [...first, ...evs];
        this.at = 0;
        return this.at < this.buf.length ? { done: false, value: this.buf[this.at++] } : DONE;
      },
      (e: unknown) => {
        this.buf = [...first, { type: 'error', kind: 'bad_response', message: `Internal error in Tack's provider layer: ${(e as Error)?.message ?? String(e)}` }];
        this.at = 0;
        return { done: false, value: this.buf[this.at++] };
      },
    );
  }
}
