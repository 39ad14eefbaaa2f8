/**
 * What Tack: Inspect Last Request shows: the last model request Tack sent in this window (captured by a
 * RequestRecorder, keys redacted) and, when the sender said what it asked for, the token breakdown of that request
 * beside the input tokens the provider reported for it.
 * Contract for senders: per request, `const t = inspect.track({ system, messages, tools })`, send with `t.fetch`, and
 * call `t.usage(usage)` when the provider reports usage. `fetch` records without a breakdown. Model lists and probes
 * (GET) are not recorded: they would replace the request worth inspecting.
 */
import { breakdown, RequestRecorder, type BreakdownInput, type CapturedRequest, type FetchFn, type Logger, type TokenBreakdown, type Usage } from '../core/index';

export interface InspectCapture {
  request: CapturedRequest;
  breakdown?: TokenBreakdown;
}

export interface TrackedRequest {
  fetch: FetchFn;
  usage(u: Usage): void;
}

export class InspectState {
  private latest?: { request: CapturedRequest; input?: BreakdownInput; reported: number | null };
  /** Records without a breakdown. */
  readonly fetch: FetchFn;

  constructor(private readonly log: Logger) {
    this.fetch = this.track().fetch;
  }

  /** `base`: what sends the request (Tack's own fetch with the configured proxy; the default has none). */
  track(input?: BreakdownInput, base?: FetchFn): TrackedRequest {
    const recorder = new RequestRecorder({ keep: (_url, method) => method !== 'GET', warn: m => this.log.warn(m) });
    let mine: InspectState['latest'];
    recorder.onCapture(request => { mine = { request, input, reported: null }; this.latest = mine; });
    return {
      fetch: recorder.wrap(base),
      usage: u => { if (mine) mine.reported = u.input + u.cacheRead + u.cacheWrite; },
    };
  }

  last(): InspectCapture | undefined {
    const l = this.latest;
    if (!l) return undefined;
    return { request: l.request, ...(l.input ? { breakdown: breakdown(l.input, l.reported) } : {}) };
  }
}
