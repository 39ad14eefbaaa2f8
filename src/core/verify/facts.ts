/**
 * What the host reports about a verified target: quantization with its source and context window (the same probes as
 * the status bar), completed from the bundled catalog where the server says nothing. Never throws.
 */
import type { TackSettings } from '../config/settings';
import type { TurnTarget } from '../agent/turn-options';
import { lookupModel } from '../models/catalog';
import { probeModel } from '../models/probes';
import type { FetchFn } from '../net/timed-fetch';
import { providerDeclaredQuantization } from '../profiles/apply';
import type { TargetFacts } from './run';

export async function probeTargetFacts(settings: TackSettings, target: TurnTarget, servedBy: string | undefined, opts: { fetch?: FetchFn; timeoutMs?: number } = {}): Promise<TargetFacts> {
  const declared = providerDeclaredQuantization(settings, target.endpoint.id);
  const probed = await probeModel({
    providerId: target.endpoint.id, baseUrl: target.endpoint.baseUrl, modelId: target.modelId, type: target.endpoint.type,
    ...(declared ? { declared } : {}), ...(servedBy ? { servedBy } : {}),
  }, { timeoutMs: opts.timeoutMs ?? 5000, ...(opts.fetch ? { fetch: opts.fetch } : {}) }).catch(() => undefined);
  const contextWindow = probed?.contextWindow ?? lookupModel(target.endpoint.id, target.modelId)?.contextWindow;
  return { ...(probed?.quantization ? { quantization: probed.quantization } : {}), ...(contextWindow ? { contextWindow } : {}) };
}
