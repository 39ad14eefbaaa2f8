/**
 * Maps whatever a provider client raised into an `error` event a person can act on. Timeouts and bad content
 * are recognised from the timed fetch's state first, because the SDK wraps them in generic connection errors.
 */
import type { ErrorKind, StreamEvent } from '../events';
import type { TimedFetchState } from '../net/timed-fetch';
import type { Endpoint } from './registry';

type ErrorEvent = Extract<StreamEvent, { type: 'error' }>;

interface ErrorLike {
  name?: string;
  message?: string;
  status?: number;
  error?: unknown;
  cause?: unknown;
}

function apiMessage(err: ErrorLike): string {
  const e = err.error as { message?: unknown } | undefined;
  if (e && typeof e.message === 'string') return e.message;
  return (err.message ?? '').replace(/^\d{3}\s+/, '');
}

function causeText(err: ErrorLike): string {
  const c = err.cause as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  return c?.cause?.code ?? c?.code ?? c?.cause?.message ?? c?.message ?? err.message ?? 'unknown error';
}

/** How the client library classed the failure (from its error classes), when it did. */
export type ClientFailure = 'abort' | 'connection' | 'api' | 'other';

export function classifyError(err: unknown, endpoint: Endpoint, modelId: string, state: TimedFetchState, aborted: boolean, failure: ClientFailure = 'other'): ErrorEvent {
  const e = (err ?? {}) as ErrorLike;
  const where = `${endpoint.label} (${endpoint.baseUrl})`;
  const ev = (kind: ErrorKind, message: string, detail?: string): ErrorEvent => ({ type: 'error', kind, message, ...(detail ? { detail } : {}) });

  if (state.timedOut === 'connect') {
    return ev('network', `${where} did not answer within the connect timeout. Check that the server is running and reachable, or raise tack.network.connectTimeoutSeconds.`);
  }
  if (state.timedOut === 'idle') {
    return ev('network', `The stream from ${endpoint.label} stalled: no data within the idle timeout. The partial answer is kept; retry, or raise tack.network.idleTimeoutSeconds.`);
  }
  if (aborted || failure === 'abort' || e.name === 'AbortError') {
    return ev('cancelled', 'Stopped.');
  }
  if (state.badContent) {
    return ev('bad_response', `${where} answered with ${state.badContent.contentType || 'an unknown content type'} instead of an API response. Check that baseUrl points at the API (usually ending in /v1).`, state.badContent.excerpt);
  }
  if (e instanceof SyntaxError || /JSON/.test(e.message ?? '') && e.name === 'SyntaxError') {
    return ev('bad_response', `${endpoint.label} sent a chunk that is not valid JSON. The raw excerpt is in the Tack output.`, e.message);
  }
  if (typeof e.status === 'number') {
    const msg = apiMessage(e);
    switch (true) {
      case e.status === 401 || e.status === 403:
        return ev('auth', `${endpoint.label} refused the request (${e.status}): ${msg} Set the API key for "${endpoint.id}" (in VS Code: Tack: Set API Key; in the CLI: ${envKeyName(endpoint.id)}).`);
      case e.status === 404:
        return ev('not_found', `${endpoint.label} does not know the model "${modelId}" (404): ${msg} Pick another model with Tack: Switch Model.`);
      case e.status === 429:
        return ev('rate_limit', `${endpoint.label} is rate limiting requests (429): ${msg} Wait a moment and retry.`);
      case e.status >= 500:
        return ev('server', `${endpoint.label} had a server error (${e.status}): ${msg} Retry later.`);
      default:
        return ev('server', `${endpoint.label} rejected the request (${e.status}): ${msg}`);
    }
  }
  if (failure === 'api' && e.error) {
    return ev('server', `${endpoint.label} reported an error mid-stream: ${apiMessage(e)}`);
  }
  if (failure === 'connection' || e.name === 'TypeError') {
    const cause = causeText(e);
    if (/terminated|other side closed|ECONNRESET|UND_ERR_SOCKET/i.test(cause)) {
      return ev('network', `The connection to ${endpoint.label} dropped mid-answer (${cause}). The partial answer is kept; retry.`);
    }
    return ev('network', `Could not reach ${where}: ${cause}. Check that the server is running and that tack.providers has the right baseUrl.`);
  }
  return ev('bad_response', `Unexpected failure talking to ${endpoint.label}: ${e.message ?? String(err)}`);
}

/** `<ID>_API_KEY`: provider id upper-cased, `-` becomes `_`. */
export function envKeyName(providerId: string): string {
  return `${providerId.toUpperCase().replace(/-/g, '_')}_API_KEY`;
}
