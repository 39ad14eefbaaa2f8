/** What Tack knows about a served model. Unknown stays undefined: nothing here is ever guessed silently. */

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface Capabilities {
  tools?: boolean;
  vision?: boolean;
  reasoning?: boolean;
}

/**
 * How the weights are served, with where that claim comes from:
 *  - `server`: the serving software reported it (Ollama /api/show, LM Studio, llama.cpp /props, OpenRouter endpoints);
 *  - `inferred`: read from the served model's name (vLLM), labelled as such;
 *  - `declared`: the user said so on the provider entry;
 *  - `vendor`: first-party hosted model whose serving precision is not disclosed.
 */
export interface Quantization {
  /** e.g. `Q4_K_M`, `FP8`, `AWQ (4-bit)`, or `vendor-managed — not disclosed`. */
  value: string;
  source: 'server' | 'inferred' | 'declared' | 'vendor';
  /** Where exactly, e.g. `/api/show details.quantization_level` or the GGUF file name. */
  detail?: string;
}

export interface ModelInfo {
  providerId: string;
  id: string;
  label?: string;
  contextWindow?: number;
  maxOutput?: number;
  price?: Price;
  capabilities?: Capabilities;
  quantization?: Quantization;
  /** Where the numbers came from: the provider's API, the bundled catalog (with its as-of date), or nowhere. */
  source: 'api' | 'catalog' | 'unknown';
  catalogAsOf?: string;
}
