/**
 * Quantization with its source. Each server that reveals it is read by its own parser; vLLM does not reveal it,
 * so the served model's name is read instead and the result is labelled `inferred`; a value the user declares on
 * the provider entry is `declared`; first-party hosted models are `vendor` ("not disclosed"), never a guess.
 * Parsers take untrusted JSON and never throw.
 */
import type { Quantization } from './types';

export const VENDOR_NOT_DISCLOSED = 'vendor-managed — not disclosed';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

const GGUF_TYPE = /(?<![a-z0-9])(i?q\d(?:_[a-z0-9]+)*|tq\d_\d|bf16|f16|f32)(?![a-z0-9])/i;

/** The GGUF quant type in a file name or tag: `Qwen3-8B-Q4_K_M.gguf` → `Q4_K_M`, `…-IQ4_XS-00001-of-00002.gguf` → `IQ4_XS`. */
export function ggufQuantType(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? name;
  const m = GGUF_TYPE.exec(base.replace(/\.gguf$/i, ''));
  return m ? m[1].toUpperCase() : undefined;
}

/** Ollama `POST /api/show` → `details.quantization_level`. */
export function quantizationFromOllamaShow(body: unknown): Quantization | undefined {
  const value = str((body as { details?: { quantization_level?: unknown } } | null)?.details?.quantization_level);
  return value ? { value: value.toUpperCase(), source: 'server', detail: 'Ollama /api/show details.quantization_level' } : undefined;
}

/** One entry of LM Studio's `GET /api/v0/models` → `quantization`. */
export function quantizationFromLmStudio(entry: unknown): Quantization | undefined {
  const value = str((entry as { quantization?: unknown } | null)?.quantization);
  return value ? { value, source: 'server', detail: 'LM Studio /api/v0/models quantization' } : undefined;
}

/** llama.cpp server `GET /props` → the GGUF file name in `model_path`. */
export function quantizationFromLlamaCppProps(props: unknown): Quantization | undefined {
  const path = str((props as { model_path?: unknown } | null)?.model_path);
  if (!path) return undefined;
  const file = path.split(/[\\/]/).pop()!;
  const value = ggufQuantType(file);
  return value ? { value, source: 'server', detail: `llama.cpp /props model file ${file}` } : undefined;
}

interface NameRule {
  re: RegExp;
  value: (m: RegExpExecArray, name: string) => string;
}

const B = '(?<![a-z0-9])';
const E = '(?![a-z0-9])';
const rx = (body: string) => new RegExp(`${B}${body}${E}`, 'i');
const bitsIn = (name: string): string | undefined => {
  const m = /(?<![a-z0-9])(?:int|w)?(\d{1,2})[-_]?bits?(?![a-z0-9])|(?<![a-z0-9])int(\d{1,2})(?![a-z0-9])/i.exec(name);
  return m ? `${m[1] ?? m[2]}-bit` : undefined;
};

/**
 * Name patterns, most specific first. Values state what the marker means (AWQ kernels are 4-bit; W4A16 is 4-bit
 * weights with 16-bit activations); anything else stays unknown.
 */
const NAME_RULES: NameRule[] = [
  { re: rx('gptq'), value: (_m, name) => { const b = bitsIn(name); return b ? `GPTQ (${b})` : 'GPTQ'; } },
  { re: rx('awq'), value: () => 'AWQ (4-bit)' },
  { re: rx('w(\\d{1,2})a(\\d{1,2})'), value: m => `W${m[1]}A${m[2]} (${m[1]}-bit weights)` },
  { re: rx('nvfp4'), value: () => 'NVFP4 (4-bit)' },
  { re: rx('mxfp4'), value: () => 'MXFP4 (4-bit)' },
  { re: rx('fp8(?:[-_.]?dynamic)?'), value: () => 'FP8' },
  { re: rx('fp4'), value: () => 'FP4' },
  { re: rx('fp6'), value: () => 'FP6' },
  { re: rx('int(4|8)'), value: m => `INT${m[1]}` },
  { re: rx('bnb[-_]?(\\d{1,2})[-_]?bits?'), value: m => `bitsandbytes (${m[1]}-bit)` },
  { re: rx('aqlm'), value: () => 'AQLM' },
  { re: rx('hqq'), value: () => 'HQQ' },
  { re: rx('exl2'), value: () => 'EXL2' },
  { re: GGUF_TYPE, value: m => m[1].toUpperCase() },
  { re: rx('(\\d{1,2})[-_]?bits?'), value: m => `${m[1]}-bit` },
  { re: rx('(bf16|fp16|fp32)'), value: m => m[1].toUpperCase() },
];

/**
 * Reads the quantization from a served model's name (vLLM, other servers that do not report it), labelled
 * `inferred`. Undefined when the name carries no marker: an unmarked name may be full precision or not.
 */
export function inferQuantizationFromName(modelName: string): Quantization | undefined {
  for (const rule of NAME_RULES) {
    const m = rule.re.exec(modelName);
    if (m) return { value: rule.value(m, modelName), source: 'inferred', detail: `inferred from the model name "${modelName}"` };
  }
  return undefined;
}

/** What the user wrote on the provider entry (`"quantization": "FP8"`). */
export function declaredQuantization(value: unknown, providerId: string): Quantization | undefined {
  const v = str(value);
  return v ? { value: v, source: 'declared', detail: `declared on provider "${providerId}"` } : undefined;
}

export function vendorQuantization(vendor: string): Quantization {
  return { value: VENDOR_NOT_DISCLOSED, source: 'vendor', detail: `${vendor} does not disclose how it serves its models` };
}

const VENDOR_HOSTS: Array<[RegExp, string]> = [
  [/(^|\.)api\.openai\.com$/i, 'OpenAI'],
  [/(^|\.)api\.anthropic\.com$/i, 'Anthropic'],
  [/(^|\.)generativelanguage\.googleapis\.com$/i, 'Google'],
  [/(^|[.-])aiplatform\.googleapis\.com$/i, 'Google Vertex AI'],
  [/\.openai\.azure\.com$/i, 'Azure OpenAI'],
  [/\.services\.ai\.azure\.com$/i, 'Azure AI'],
  [/^bedrock-runtime(-fips)?\.[a-z0-9-]+\.amazonaws\.com$/i, 'Amazon Bedrock'],
];
const VENDOR_IDS: Record<string, string> = {
  openai: 'OpenAI', anthropic: 'Anthropic', gemini: 'Google', google: 'Google', vertex: 'Google Vertex AI',
  'azure-openai': 'Azure OpenAI', azure: 'Azure OpenAI', bedrock: 'Amazon Bedrock',
};

/**
 * The vendor's name when the endpoint is a first-party host (or a cloud serving those models). A preset id counts
 * only while its baseUrl is not pointed elsewhere: `openai` aimed at a local proxy is not OpenAI's serving.
 */
export function vendorOf(providerId: string, baseUrl: string | undefined): string | undefined {
  if (baseUrl) {
    let host = '';
    try { host = new URL(baseUrl).hostname; } catch { return undefined; }
    return VENDOR_HOSTS.find(([re]) => re.test(host))?.[1];
  }
  return VENDOR_IDS[providerId];
}

/** OpenRouter upstream providers that are the model's own vendor (quantization not disclosed). */
const OPENROUTER_VENDORS = /^(openai|anthropic|google|google ai studio|google vertex|amazon bedrock|azure|xai|mistral)$/i;

export interface OpenRouterEndpointInfo {
  provider: string;
  tag?: string;
  quantization?: string;
  contextLength?: number;
  maxOutput?: number;
  /** USD per token, as OpenRouter writes it (strings). */
  pricing?: Record<string, unknown>;
}

/** `GET /api/v1/models/{author}/{slug}/endpoints` → one entry per upstream provider. */
export function parseOpenRouterEndpoints(body: unknown): OpenRouterEndpointInfo[] {
  const list = (body as { data?: { endpoints?: unknown } } | null)?.data?.endpoints;
  if (!Array.isArray(list)) return [];
  const out: OpenRouterEndpointInfo[] = [];
  for (const e of list) {
    const provider = str(e?.provider_name) ?? str(e?.name);
    if (!provider) continue;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
    out.push({
      provider,
      ...(str(e.tag) ? { tag: str(e.tag) } : {}),
      ...(str(e.quantization) ? { quantization: str(e.quantization) } : {}),
      ...(num(e.context_length) ? { contextLength: num(e.context_length) } : {}),
      ...(num(e.max_completion_tokens) ? { maxOutput: num(e.max_completion_tokens) } : {}),
      ...(e.pricing && typeof e.pricing === 'object' ? { pricing: e.pricing } : {}),
    });
  }
  return out;
}

/**
 * The quantization of the upstream provider that served a request (`servedBy`: the `provider` field of the
 * response). Without it, only a value every endpoint shares is reported; otherwise it is unknown.
 */
export function quantizationFromOpenRouter(endpoints: readonly OpenRouterEndpointInfo[], servedBy: string | undefined): Quantization | undefined {
  if (servedBy) {
    const want = servedBy.trim().toLowerCase();
    const hit = endpoints.find(e => e.provider.toLowerCase() === want || e.tag?.toLowerCase().split('/')[0] === want);
    if (OPENROUTER_VENDORS.test(servedBy.trim()) && (!hit?.quantization || hit.quantization === 'unknown')) return vendorQuantization(servedBy.trim());
    if (!hit?.quantization || hit.quantization === 'unknown') return undefined;
    return { value: hit.quantization, source: 'server', detail: `OpenRouter endpoints: served by ${hit.provider}` };
  }
  const values = [...new Set(endpoints.map(e => e.quantization ?? 'unknown'))];
  if (values.length === 1 && values[0] !== 'unknown') {
    return { value: values[0], source: 'server', detail: 'OpenRouter endpoints: every provider of this model' };
  }
  return undefined;
}

/** One spelling per quantization: case, separators and labels like "(4-bit)" do not matter; F16 = FP16. */
export function normalizeQuantization(s: string): string {
  const core = s.replace(/\(.*?\)/g, '').toUpperCase().replace(/[\s_.-]+/g, '');
  const aliases: Record<string, string> = { F16: 'FP16', F32: 'FP32', FLOAT16: 'FP16', FLOAT32: 'FP32', BFLOAT16: 'BF16', FLOAT8: 'FP8' };
  return aliases[core] ?? core;
}

export type QuantizationCheck =
  | { status: 'none' }
  | { status: 'match' }
  | { status: 'mismatch'; message: string }
  | { status: 'unknown'; message: string };

/** Compares the profile's `expectQuantization` (any of a list) with what is known about the served model. */
export function checkExpectedQuantization(expected: readonly string[], actual: Quantization | undefined, profileName?: string): QuantizationCheck {
  if (!expected.length) return { status: 'none' };
  const want = expected.map(normalizeQuantization);
  const whose = profileName ? `Profile "${profileName}" expects` : 'Expected';
  const list = expected.join(' or ');
  if (!actual || actual.source === 'vendor') {
    return { status: 'unknown', message: `${whose} ${list}, but the server does not say how this model is quantized.` };
  }
  if (want.includes(normalizeQuantization(actual.value))) return { status: 'match' };
  const how = actual.source === 'server' ? 'the server reports' : actual.source === 'declared' ? 'the provider entry declares' : 'the model name suggests';
  return { status: 'mismatch', message: `${whose} ${list}, but ${how} ${actual.value}.` };
}

/** How the status bar shows it: the value, with where it comes from unless the server said so. */
export function quantizationLabel(q: Quantization | undefined): string {
  if (!q) return 'quantization unknown';
  switch (q.source) {
    case 'server': return q.value;
    case 'inferred': return `${q.value} (inferred)`;
    case 'declared': return `${q.value} (declared)`;
    case 'vendor': return q.value;
  }
}
