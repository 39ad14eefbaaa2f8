/**
 * One model response from any provider: picks the dialect for the endpoint, runs it under the retry layer, and
 * completes a `not_found` error with the models the endpoint does have. Every dialect yields the same StreamEvent
 * union and never throws, so neither does this.
 */
import type { StreamEvent } from '../events';
import { streamAnthropic } from './anthropic';
import { listModels } from './models';
import { streamOllama } from './ollama';
import { streamOpenAIChat } from './openai-chat';
import { streamOpenAIResponses } from './openai-responses';
import type { Dialect } from './presets';
import { originOf } from './registry';
import type { ProviderRequest } from './request';
import { withRetries, type Attempt } from './retry';

const DIALECTS: Readonly<Record<Dialect, Attempt>> = {
  'openai-chat': streamOpenAIChat,
  'openai-responses': streamOpenAIResponses,
  anthropic: streamAnthropic,
  ollama: streamOllama,
};

const LISTED = 20;

/** "It has: a, b, c (and 12 more)." — or nothing when the list cannot be read quickly. */
async function availableModels(req: ProviderRequest): Promise<string> {
  const network = { ...req.network, connectTimeoutMs: Math.min(req.network.connectTimeoutMs, 5000), idleTimeoutMs: 5000 };
  // The request's key was already allowed for this endpoint's origin, so the list may use it too.
  const key = req.apiKey ? { key: req.apiKey, origin: originOf(req.endpoint.baseUrl) } : undefined;
  const listing = await listModels(req.endpoint, key, network, { signal: req.signal, fetch: req.fetch, log: req.log });
  const ids = listing.models.length ? listing.models : listing.infos.map(i => i.id);
  if (!ids.length) return '';
  const shown = ids.slice(0, LISTED).join(', ');
  return ` ${req.endpoint.label} has: ${shown}${ids.length > LISTED ? ` (and ${ids.length - LISTED} more)` : ''}.`;
}

export function streamResponse(req: ProviderRequest): AsyncIterableIterator<StreamEvent> {
  return withRetries(req, DIALECTS[req.endpoint.dialect], {
    finalError: async ev => (ev.kind === 'not_found' && !req.signal.aborted ? { ...ev, message: ev.message + (await availableModels(req)) } : ev),
  });
}
