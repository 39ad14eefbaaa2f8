/**
 * What Tack: Inspect Last Request shows: the last HTTP request Tack's provider layer sent in this window (captured by
 * the RequestRecorder, keys redacted) and, when the sender told us what it asked for, the token breakdown of that
 * request beside the input tokens the provider reported. Contract for senders: pass `fetch` as the request's fetch,
 * call `noteRequest` with what goes into the request before sending it, and `noteUsage` with the usage it reported.
 * A capture carries the request noted last before it was made.
 */
import { breakdown, RequestRecorder, type BreakdownInput, type CapturedRequest, type FetchFn, type Logger, type TokenBreakdown, type Usage } from '../core/index';

export interface InspectCapture {
  request: CapturedRequest;
  breakdown?: TokenBreakdown;
}

export class InspectState {
  readonly recorder: RequestRecorder;
  /** The fetch to give providers: records each request, then sends it unchanged. */
  readonly fetch: FetchFn;
  private input?: BreakdownInput;
  private reported: number | null = null;
  /** The noted request that was current when the last capture was made (retries of it share it). */
  private capturedInput?: BreakdownInput;

  constructor(log: Logger) {
    this.recorder = new RequestRecorder({ warn: m => log.warn(m) });
    this.fetch = this.recorder.wrap();
    this.recorder.onCapture(() => { this.capturedInput = this.input; });
  }

  noteRequest(input: BreakdownInput): void {
    this.input = input;
    this.reported = null;
  }

  noteUsage(u: Usage): void {
    this.reported = u.input + u.cacheRead + u.cacheWrite;
  }

  last(): InspectCapture | undefined {
    const request = this.recorder.last();
    if (!request) return undefined;
    return { request, ...(this.capturedInput ? { breakdown: breakdown(this.capturedInput, this.reported) } : {}) };
  }
}
