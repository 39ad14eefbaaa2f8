/** Helpers shared by the provider tests: endpoints on local servers, requests, and event collection. */
import type { TranscriptMessage } from '../../src/core/conversation';
import type { StreamEvent } from '../../src/core/events';
import { settingsFromObject } from '../../src/core/config/settings';
import { resolveEndpoint, type Endpoint } from '../../src/core/providers/registry';
import type { ProviderRequest } from '../../src/core/providers/request';

/** An endpoint resolved from settings the way users write them. */
export function endpointFor(id: string, entry: Record<string, unknown>): Endpoint {
  const r = resolveEndpoint(settingsFromObject({ 'tack.providers': { [id]: entry } }), id);
  if ('error' in r) throw new Error(r.error);
  return r.endpoint;
}

export interface Logs { info: string[]; warn: string[]; error: string[] }

export function makeRequest(endpoint: Endpoint, modelId: string, over: Partial<ProviderRequest> = {}, logs?: Logs): ProviderRequest {
  const messages: TranscriptMessage[] = [{ role: 'user', text: 'Hello there' }];
  return {
    endpoint, modelId, system: 'Be brief.', messages,
    signal: new AbortController().signal,
    network: { connectTimeoutMs: 5000, idleTimeoutMs: 5000, firstTokenTimeoutMs: 10_000, maxRetries: 2, retryBaseDelayMs: 5 },
    log: { info: m => logs?.info.push(m), warn: m => logs?.warn.push(m), error: m => logs?.error.push(m) },
    ...over,
  };
}

export async function collect(it: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

export const textOf = (evs: StreamEvent[]) => evs.filter(e => e.type === 'text').map(e => (e as { delta: string }).delta).join('');
export const reasoningOf = (evs: StreamEvent[]) => evs.filter(e => e.type === 'reasoning').map(e => (e as { delta: string }).delta).join('');
export const last = (evs: StreamEvent[]) => evs[evs.length - 1];
export const errorOf = (evs: StreamEvent[]) => evs.find(e => e.type === 'error') as Extract<StreamEvent, { type: 'error' }> | undefined;
export const ofType = <T extends StreamEvent['type']>(evs: StreamEvent[], type: T) => evs.filter(e => e.type === type) as Array<Extract<StreamEvent, { type: T }>>;
export const newLogs = (): Logs => ({ info: [], warn: [], error: [] });
