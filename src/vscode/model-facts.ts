/**
 * What the serving software says about the active model (quantization, context window), probed once per model and
 * cached, so the status bar and Ollama's num_ctx never wait on the network twice. Endpoints defined by an
 * untrusted workspace are never probed (the profile resolver drops them before they get here).
 */
import { probeModel, type Endpoint, type ProbeResult, type ProbeTarget } from '../core/index';

const TTL_MS = 5 * 60_000;

export class ModelFacts {
  private readonly cache = new Map<string, { at: number; result: Promise<ProbeResult> }>();

  constructor(private readonly timeoutMs: () => number) {}

  private key(t: Pick<ProbeTarget, 'providerId' | 'baseUrl' | 'modelId' | 'servedBy'>): string {
    return `${t.providerId}\u0000${t.baseUrl}\u0000${t.modelId}\u0000${t.servedBy ?? ''}`;
  }

  /** Cached probe; a failed probe is cached too (its result carries `error`), and retried after the TTL. */
  probe(t: ProbeTarget): Promise<ProbeResult> {
    const k = this.key(t);
    const hit = this.cache.get(k);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.result;
    const result = probeModel(t, { timeoutMs: this.timeoutMs() });
    this.cache.set(k, { at: Date.now(), result });
    return result;
  }

  forEndpoint(endpoint: Endpoint, modelId: string, declared?: string, servedBy?: string): Promise<ProbeResult> {
    return this.probe({ providerId: endpoint.id, baseUrl: endpoint.baseUrl, modelId, type: endpoint.type, ...(declared ? { declared } : {}), ...(servedBy ? { servedBy } : {}) });
  }

  clear(): void {
    this.cache.clear();
  }
}
