/**
 * `tack models [--provider ID] [--json]`: what each configured endpoint serves, with context window, price and
 * capabilities where known. `--json` prints one object per model (a stable interface):
 *   {provider, model, ref, contextWindow, maxOutput, price, capabilities, quantization, source, catalogAsOf?}
 * `quantization` is `{value, source}` as the status bar shows it (server, declared, vendor or inferred from the name);
 * for Ollama the context window and quantization come from `/api/show` of each model.
 * and per provider that could not list `{provider, error, needsKey?}`. Unknown values are null, never guessed.
 */
import {
  declaredQuantization, inferQuantizationFromName, listEndpoints, listModels, originOf, probeOllama, providerDeclaredQuantization,
  resolveKey, vendorOf, vendorQuantization, type Endpoint, type KeySource, type Logger, type ModelInfo, type TackSettings,
} from '../core/index';
import type { Writer } from './output';

function tokens(n: number | undefined): string {
  if (n === undefined) return '?';
  if (n >= 1_000_000) return `${+(n / 1_048_576).toFixed(n % 1_048_576 === 0 ? 0 : 2)}M`;
  return `${Math.round(n / 1000)}k`;
}

function money(n: number): string {
  return `$${+n.toFixed(4)}`;
}

/** One human-readable line: id, context/max output, price per million tokens, capabilities. */
export function describeModel(ref: string, m: ModelInfo): string {
  const parts = [`ctx ${tokens(m.contextWindow)}${m.maxOutput ? ` / out ${tokens(m.maxOutput)}` : ''}`];
  if (m.price) {
    const cache = m.price.cacheRead !== undefined ? ` · cache ${money(m.price.cacheRead)}` : '';
    parts.push(`${money(m.price.input)} in / ${money(m.price.output)} out per 1M${cache}`);
  } else parts.push('price unknown');
  const caps = Object.entries(m.capabilities ?? {}).filter(([, v]) => v).map(([k]) => k);
  if (caps.length) parts.push(caps.join(', '));
  if (m.quantization) parts.push(m.quantization.value);
  if (m.source === 'catalog' || m.catalogAsOf) parts.push(`catalog ${m.catalogAsOf}`);
  return `  ${ref}  ${parts.join(' · ')}`;
}

function jsonModel(m: ModelInfo): Record<string, unknown> {
  return {
    provider: m.providerId, model: m.id, ref: `${m.providerId}/${m.id}`,
    contextWindow: m.contextWindow ?? null, maxOutput: m.maxOutput ?? null, price: m.price ?? null,
    capabilities: m.capabilities ?? {},
    quantization: m.quantization ? { value: m.quantization.value, source: m.quantization.source } : null, source: m.source, ...(m.catalogAsOf ? { catalogAsOf: m.catalogAsOf } : {}),
  };
}

/**
 * What the server says about each listed model, as the status bar would: Ollama's `/api/show` (context window and
 * quantization), else the quantization the list carried, the provider entry declares, a vendor's own API has, or the
 * served name shows (labelled inferred).
 */
async function withServerFacts(endpoint: Endpoint, infos: ModelInfo[], settings: TackSettings): Promise<ModelInfo[]> {
  const declared = providerDeclaredQuantization(settings, endpoint.id);
  const vendor = vendorOf(endpoint.id, endpoint.baseUrl);
  const fallback = (m: ModelInfo) => m.quantization ?? declaredQuantization(declared, endpoint.id) ?? (vendor ? vendorQuantization(vendor) : inferQuantizationFromName(m.id));
  if (endpoint.type !== 'ollama') return infos.map(m => ({ ...m, ...(fallback(m) ? { quantization: fallback(m) } : {}) }));
  const timeoutMs = Math.min(settings.network.connectTimeoutMs, 5000);
  return Promise.all(infos.map(async m => {
    const show = await probeOllama({ providerId: endpoint.id, baseUrl: endpoint.baseUrl, modelId: m.id, type: endpoint.type, ...(declared ? { declared } : {}) }, { timeoutMs });
    const quantization = show.quantization ?? fallback(m);
    const contextWindow = show.contextWindow ?? m.contextWindow;
    return { ...m, ...(quantization ? { quantization } : {}), ...(contextWindow ? { contextWindow } : {}) };
  }));
}

export async function modelsCommand(json: boolean, provider: string | undefined, settings: TackSettings, keys: KeySource, log: Logger, writer: Writer): Promise<number> {
  const { endpoints, errors } = listEndpoints(settings);
  for (const e of errors) writer.err(`tack: ${e}\n`);
  const chosen = provider ? endpoints.filter(e => e.id === provider) : endpoints;
  if (provider && chosen.length === 0) { writer.err(`tack: unknown provider "${provider}".\n`); return 2; }
  const listings = await Promise.all(chosen.map(async e => {
    const { apiKey } = await resolveKey(e, keys, log);
    return listModels(e, apiKey ? { key: apiKey, origin: originOf(e.baseUrl) } : undefined, settings.network, { log });
  }));
  for (const l of listings) {
    const id = l.endpoint.id;
    if (!l.needsKey) l.infos = await withServerFacts(l.endpoint, l.infos, settings);
    if (json) {
      for (const m of l.needsKey ? [] : l.infos) writer.out(JSON.stringify(jsonModel(m)) + '\n');
      if (l.error) writer.out(JSON.stringify({ provider: id, error: l.error, ...(l.needsKey ? { needsKey: true } : {}) }) + '\n');
      continue;
    }
    writer.out(`${l.endpoint.label} (${id}) — ${l.endpoint.baseUrl}\n`);
    if (l.needsKey) {
      writer.out(`  needs key: ${l.endpoint.keyEnvs.join(' or ')}${l.infos.length ? `; known models: ${l.infos.map(i => i.id).join(', ')}` : ''}\n`);
      continue;
    }
    for (const m of l.infos) writer.out(describeModel(`${id}/${m.id}`, m) + '\n');
    if (l.error) writer.out(`  (${l.error})\n`);
  }
  // A provider that needs a key has said so: only providers that could not be reached at all count as failures.
  return listings.some(l => !l.error || l.needsKey) || listings.length === 0 ? 0 : 1;
}
