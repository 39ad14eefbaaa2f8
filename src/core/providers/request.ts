/** What every provider dialect receives for one model response. */
import type { ChatMessage } from '../conversation';
import type { NetworkSettings } from '../config/settings';
import type { FetchFn } from '../net/timed-fetch';
import type { Logger } from '../ports';
import type { Endpoint } from './registry';

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
  /** Replaces global fetch (tests, benchmarks). */
  fetch?: FetchFn;
}
