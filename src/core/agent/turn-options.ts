/** What a run needs per request from the active profile, as hooks (profiles stay plain data; agent/turn-setup.ts builds these). */
import type { ErrorKind, StreamEvent, Usage } from '../events';
import type { Price } from '../models/types';
import type { Endpoint } from '../providers/registry';
import type { RequestOptions } from '../providers/request';

/** Resolved target of a request. */
export interface TurnTarget {
  modelRef: string;
  modelId: string;
  endpoint: Endpoint;
}

export interface TurnOptions {
  /** Request options for the resolved target (sampling, Ollama's num_ctx, OpenRouter routing). Must not throw. */
  options?: (target: TurnTarget) => RequestOptions | Promise<RequestOptions>;
  /**
   * Runs after the target is resolved and before anything is sent (allowedProviders, budget). An error event
   * returned here ends the request without sending it.
   */
  check?: (target: TurnTarget, totals: Usage) => Extract<StreamEvent, { type: 'error' }> | undefined;
  /** The target's price, for responses whose provider reported no cost; unknown → the cost stays null. */
  price?: (target: TurnTarget) => Price | undefined;
  /** The model to try after `failedKind` ended an attempt before any output; undefined: no fallback (the error stands). */
  fallback?: (failedKind: ErrorKind, tried: readonly string[]) => string | undefined;
}
