/**
 * The one place that turns whatever a provider client raised (an SDK's error classes, Tack's own HTTP errors for
 * Ollama, an error event in the middle of a stream) into an `error` event a person can act on, plus the retry
 * hint the retry layer needs. Timeouts and bad content are recognised from the timed fetch's state first,
 * because the SDKs wrap them in generic connection errors.
 */
import type { ErrorEvent, ErrorKind } from '../events';
import type { TimedFetchState } from '../net/timed-fetch';
import { redactSecrets } from './redact';
import type { Endpoint } from './registry';

export { envKeyName } from './registry';

/** What the retry layer needs to know about a failure. Kept beside the event, never on it: it stays inside core. */
export interface RetryHint {
  /** The failure is transient (429, 5xx, a dropped connection) and the request may be sent again. */
  retryable: boolean;
  /** How long the server asked to wait (`retry-after-ms` / `retry-after`), ms; absent when it did not say. */
  afterMs?: number;
}

const hints = new WeakMap<ErrorEvent, RetryHint>();

/** The retry hint classifyError attached to this error event, if any. */
export function retryHintOf(ev: ErrorEvent): RetryHint | undefined {
  return hints.get(ev);
}

interface ErrorLike {
  name?: string;
  message?: string;
  status?: number;
  headers?: unknown;
  error?: unknown;
  cause?: unknown;
  /** Error type or code from the body (`rate_limit_error`, `model_not_found`, …). */
  type?: string;
  code?: unknown;
}

/** An HTTP error answer Tack read itself (dialects without an SDK). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Headers) {
    super(message);
    this.name = 'HttpError';
  }
}

/** An error the server reported inside a 200 stream (an `error` event, `response.failed`, an `{"error"}` line). */
export class StreamFailure extends Error {
  constructor(message: string, readonly type?: string) {
    super(message);
    this.name = 'StreamFailure';
  }
}

/** How the client library classed the failure (from its error classes), when it did. */
export type ClientFailure = 'abort' | 'connection' | 'api' | 'other';

export interface ErrorContext {
  endpoint: Endpoint;
  modelId: string;
  state: TimedFetchState;
  aborted: boolean;
  failure?: ClientFailure;
  /** A key was sent with the request. */
  sentKey?: boolean;
  /** Why a stored key was not sent, when it was not. */
  keyWithheld?: string;
  /** Every credential the request carried (redact.ts requestSecrets): removed from any server text in the event. */
  secrets?: readonly string[];
}

function nested(err: ErrorLike): { message?: string; type?: string } {
  // OpenAI: error = {message, type, code}; Anthropic: error = {type: 'error', error: {type, message}}.
  const e = err.error as { message?: unknown; type?: unknown; code?: unknown; error?: { message?: unknown; type?: unknown } } | undefined;
  const inner = e?.error && typeof e.error === 'object' ? e.error : e;
  const message = typeof inner?.message === 'string' ? inner.message : undefined;
  const code = (inner as { code?: unknown } | undefined)?.code;
  const type = typeof inner?.type === 'string' ? inner.type : typeof code === 'string' ? code : err.type;
  return { message, type };
}

function apiMessage(err: ErrorLike): string {
  const m = nested(err).message ?? (err.message ?? '').replace(/^\d{3}\s+/, '');
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}

function causeText(err: ErrorLike): string {
  const c = err.cause as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  return c?.cause?.code ?? c?.code ?? c?.cause?.message ?? c?.message ?? err.message ?? 'unknown error';
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * How long the server asked to wait, in ms: `retry-after-ms`, else `retry-after` as seconds or an HTTP date.
 * Negative, unparsable or missing values give undefined (the caller then uses its own backoff); a date in the
 * past gives 0. No cap here: the retry layer decides what is too long.
 */
export function parseRetryAfter(headers: unknown, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const ra = header(headers, 'retry-after')?.trim();
  if (!ra) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(ra)) {
    const s = Number(ra);
    return s >= 0 && Number.isFinite(s) ? Math.round(s * 1000) : undefined;
  }
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const UNKNOWN_MODEL = /model.{0,80}(not found|does not exist|not exist|unknown|not a valid|invalid model|is not supported|no such)|unknown model|model_not_found|no endpoints found/i;

function kindOfType(type: string | undefined): ErrorKind {
  const t = (type ?? '').toLowerCase();
  if (/rate_limit|too_many|quota/.test(t)) return 'rate_limit';
  if (/auth|api_key|permission|forbidden/.test(t)) return 'auth';
  if (/not_found/.test(t)) return 'not_found';
  if (/content_filter|policy|safety|refusal/.test(t)) return 'policy';
  return 'server';
}

function keyAdvice(ctx: ErrorContext): string {
  const { endpoint } = ctx;
  const how = `Set the API key for "${endpoint.id}" (in VS Code: Tack: Set API Key; in the CLI: ${endpoint.keyEnvs.join(' or ')})`;
  if (ctx.keyWithheld) return ` Tack did not send the stored key: ${ctx.keyWithheld}. ${how}.`;
  if (!ctx.sentKey) return ` No API key was sent. ${how}.`;
  return ` The key was refused: ${how} again if it changed.`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/** Transient network failures worth sending again; a refused connection or an unknown host is not one. */
const TRANSIENT = /terminated|other side closed|ECONNRESET|UND_ERR_SOCKET|EPIPE|EAI_AGAIN|socket hang up/i;

export function classifyError(err: unknown, ctx: ErrorContext): ErrorEvent {
  const e = (err ?? {}) as ErrorLike;
  const { endpoint, modelId, state } = ctx;
  const where = `${endpoint.label} (${endpoint.baseUrl})`;
  // Server text (messages, excerpts) may echo the key: every event built here is redacted, whatever its source.
  const secrets = ctx.secrets ?? [];
  const ev = (kind: ErrorKind, message: string, retry?: RetryHint, detail?: string): ErrorEvent => {
    const e: ErrorEvent = { type: 'error', kind, message: redactSecrets(message, secrets), ...(detail ? { detail: redactSecrets(detail, secrets) } : {}) };
    if (retry) hints.set(e, retry);
    return e;
  };

  if (state.timedOut === 'connect') {
    return ev('network', `${where} did not answer within the connect timeout. Check that the server is running and reachable, or raise tack.network.connectTimeoutSeconds.`);
  }
  if (state.timedOut === 'idle') {
    return ev('network', `The stream from ${endpoint.label} stalled: no data within the idle timeout. The partial answer is kept; retry, or raise tack.network.idleTimeoutSeconds.`);
  }
  if (state.tooLarge) {
    const what = state.tooLarge.what === 'line' ? 'a line longer than' : 'more than';
    return ev('bad_response', `${endpoint.label} sent ${what} ${formatBytes(state.tooLarge.limit)} in one response; Tack stopped reading it. The partial answer is kept. Check that baseUrl points at a real API.`);
  }
  if (/^tack\.network\.proxy:/.test(e.message ?? '')) {
    return ev('config', `${e.message}. Set tack.network.proxy to an http:// or https:// URL, or leave it empty.`);
  }
  if (ctx.aborted || ctx.failure === 'abort' || e.name === 'AbortError') {
    return ev('cancelled', 'Stopped.');
  }
  if (state.badContent) {
    return ev('bad_response', `${where} answered with ${state.badContent.contentType || 'an unknown content type'} instead of an API response. Check that baseUrl points at the API (usually ending in /v1).`, undefined, state.badContent.excerpt);
  }
  if (e instanceof SyntaxError || (e.name === 'SyntaxError' && /JSON/.test(e.message ?? ''))) {
    return ev('bad_response', `${endpoint.label} sent a chunk that is not valid JSON. The raw excerpt is in the Tack output.`, undefined, e.message);
  }
  if (typeof e.status === 'number') {
    const msg = apiMessage(e);
    const s = e.status;
    if (s === 401 || s === 403) return ev('auth', `${endpoint.label} refused the request (${s}): ${msg}${keyAdvice(ctx)}`);
    if (s === 404 || ((s === 400 || s === 422) && UNKNOWN_MODEL.test(msg))) {
      return ev('not_found', `${endpoint.label} does not know the model "${modelId}" (${s}): ${msg} Pick another model with Tack: Switch Model.`);
    }
    if (s === 429) {
      return ev('rate_limit', `${endpoint.label} is rate limiting requests (429): ${msg}`, { retryable: true, afterMs: parseRetryAfter(e.headers) });
    }
    if (s >= 500 || s === 408 || s === 409) {
      return ev('server', `${endpoint.label} had a server error (${s}): ${msg} Retry later.`, { retryable: true, afterMs: parseRetryAfter(e.headers) });
    }
    return ev('server', `${endpoint.label} rejected the request (${s}): ${msg}`);
  }
  if (e instanceof StreamFailure || (ctx.failure === 'api' && e.error)) {
    const type = e instanceof StreamFailure ? e.type : nested(e).type;
    const msg = apiMessage(e);
    const kind = UNKNOWN_MODEL.test(msg) && kindOfType(type) === 'server' ? 'not_found' : kindOfType(type);
    const retryable = kind === 'rate_limit' || kind === 'server';
    return ev(kind, `${endpoint.label} reported an error mid-stream${type ? ` (${type})` : ''}: ${msg}`, retryable ? { retryable } : undefined);
  }
  if (ctx.failure === 'connection' || e.name === 'TypeError') {
    const cause = causeText(e);
    if (TRANSIENT.test(cause)) {
      return ev('network', `The connection to ${endpoint.label} dropped (${cause}). Any partial answer is kept; retry.`, { retryable: true });
    }
    return ev('network', `Could not reach ${where}: ${cause}. Check that the server is running and that tack.providers has the right baseUrl.`);
  }
  if (/credential|projectId/i.test(e.message ?? '')) {
    const how = endpoint.type === 'bedrock' ? 'AWS credentials (environment, ~/.aws, SSO or an instance role)'
      : endpoint.type === 'vertex' ? 'Google Cloud credentials (gcloud auth application-default login) and a projectId' : 'credentials';
    return ev('auth', `${endpoint.label} has no usable credentials: ${e.message} Set up ${how}.`);
  }
  return ev('bad_response', `Unexpected failure talking to ${endpoint.label}: ${e.message ?? String(err)}`);
}
