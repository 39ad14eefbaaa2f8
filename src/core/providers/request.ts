/** What every provider dialect receives for one model response. */
import type { TranscriptMessage } from '../conversation';
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

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ProviderRequest {
  endpoint: Endpoint;
  modelId: string;
  /** Only ever a key that keys.ts allowed for `endpoint`'s origin; undefined for keyless requests. */
  apiKey?: string;
  /** Set when a stored key was not sent (another origin); auth errors then say why. */
  keyWithheld?: string;
  system?: string;
  messages: readonly TranscriptMessage[];
  tools?: readonly ToolDefinition[];
  signal: AbortSignal;
  network: NetworkSettings;
  log: Logger;
  options?: RequestOptions;
  /** Replaces global fetch (tests, benchmarks). */
  fetch?: FetchFn;
}
