/**
 * The context window a `tack run` gets, for automatic compaction: for Ollama the num_ctx Tack sends (the same choice
 * as each request makes), for local servers what they loaded the model with, else the bundled catalog's window.
 * Unknown stays unknown (automatic compaction then waits for a provider's "prompt too long").
 */
import {
  chooseOllamaNumCtx, effectiveContextWindow, lookupModel, probeModel, serverKindOf, type ProfileSettings, type ResolvedProfile, type TackSettings, type TurnTarget,
} from '../core/index';

const LOCAL = new Set(['ollama', 'vllm', 'lmstudio', 'llamacpp']);

export async function cliContextWindow(target: TurnTarget, profile: ResolvedProfile, ollama: ProfileSettings['ollama'], settings: TackSettings): Promise<number | undefined> {
  const { endpoint, modelId } = target;
  const kind = serverKindOf(endpoint.id, endpoint.baseUrl, endpoint.type);
  const catalog = lookupModel(endpoint.id, modelId);
  if (!LOCAL.has(kind)) return effectiveContextWindow(undefined, catalog).tokens;
  const facts = await probeModel({ providerId: endpoint.id, baseUrl: endpoint.baseUrl, modelId, type: endpoint.type }, { timeoutMs: settings.network.connectTimeoutMs, proxy: settings.network.proxy });
  if (kind === 'ollama') {
    const choice = chooseOllamaNumCtx({ profileNumCtx: profile.numCtx, settingNumCtx: ollama.numCtx, modelContextLength: facts.contextWindow, modelfileNumCtx: facts.numCtx, maxNumCtx: ollama.maxNumCtx });
    return effectiveContextWindow(facts, catalog, choice.numCtx).tokens;
  }
  return effectiveContextWindow(facts, catalog).tokens;
}
