/** What every provider dialect receives for one model response. */
import type { ChatMessage } from '../conversation';
import type { NetworkSettings } from '../config/settings';
import type { FetchFn } from '../net/timed-fetch';
import type { Logger } from '../ports';
import type { Endpoint } from './registry';

/** Sampling and serving options a profile or setting can set; a dialect sends the ones its wire format has. */
export interface RequestOptions {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  reasoning?: 'off' | 'low' | 'medium' | 'high';
  /** Ollama's context length (`options.num_ctx`), so the server does not truncate silently at its small default. */
  numCtx?: number;
  /** OpenRouter's provider routing object, passed through as `provider`. */
  openrouterProvider?: Record<string, unknown>;
  /** OpenRouter fallback models, passed through as `models`. */
  openrouterModels?: string[];
}

export interface ProviderRequest {
  endpoint: Endpoint;
  modelId: string;
  /** Only ever the key stored for `endpoint`; undefined for keyless endpoints. */
  apiKey?: string;
  system?: string;
  messages: readonly ChatMessage[];
  signal: AbortSignal;
  network: NetworkSettings;
  log: Logger;
  options?: RequestOptions;
  /** Replaces global fetch (tests, benchmarks). */
  fetch?: FetchFn;
}
