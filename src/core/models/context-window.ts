/**
 * The real context window of a served model, and the `num_ctx` Tack asks Ollama for. Ollama runs with a small
 * default context unless the request sets `options.num_ctx`, and truncates silently — so Tack always sends one.
 */
import type { ModelInfo } from './types';

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Ollama `/api/show` → `model_info["<arch>.context_length"]`, the arch from `model_info["general.architecture"]`. */
export function ollamaContextLength(show: unknown): number | undefined {
  const info = (show as { model_info?: Record<string, unknown> } | null)?.model_info;
  if (!info || typeof info !== 'object') return undefined;
  const arch = info['general.architecture'];
  if (typeof arch === 'string' && arch) {
    const n = positiveInt(info[`${arch}.context_length`]);
    if (n) return n;
  }
  // Some builds omit general.architecture; a single *.context_length key is unambiguous.
  const keys = Object.keys(info).filter(k => k.endsWith('.context_length'));
  return keys.length === 1 ? positiveInt(info[keys[0]]) : undefined;
}

/** Ollama `/api/show` → `num_ctx` from the Modelfile `parameters` text ("num_ctx 8192" on its own line). */
export function ollamaNumCtxParameter(show: unknown): number | undefined {
  const params = (show as { parameters?: unknown } | null)?.parameters;
  if (typeof params !== 'string') return undefined;
  const m = /^\s*num_ctx\s+(\d+)\s*$/m.exec(params);
  return m ? positiveInt(m[1]) : undefined;
}

export interface NumCtxInput {
  /** The profile's `numCtx`. */
  profileNumCtx?: number;
  /** `tack.ollama.numCtx`, when set. */
  settingNumCtx?: number;
  /** The model's trained context length (`<arch>.context_length`). */
  modelContextLength?: number;
  /** `num_ctx` from the model's Modelfile parameters. */
  modelfileNumCtx?: number;
  /** `tack.ollama.maxNumCtx`: the cap of the automatic choice. */
  maxNumCtx: number;
}

export interface NumCtxChoice {
  /** What to send as `options.num_ctx`; undefined only when nothing at all is known. */
  numCtx?: number;
  source: 'profile' | 'setting' | 'model' | 'modelfile' | 'unknown';
  /** Said to the user when the choice deserves a second look. */
  warning?: string;
}

/**
 * Profile `numCtx` > setting > the model's context length capped by `maxNumCtx` > the Modelfile's `num_ctx`.
 * A profile may come from a repository, and Ollama allocates memory for what it is asked: a profile's value is
 * capped by `tack.ollama.maxNumCtx` (the user's own ceiling) and by the model's context length when known, and the
 * cap is said. The user's own `tack.ollama.numCtx` larger than the model's context length is kept but flagged.
 */
export function chooseOllamaNumCtx(i: NumCtxInput): NumCtxChoice {
  if (i.profileNumCtx !== undefined) {
    const limits = [i.maxNumCtx, ...(i.modelContextLength !== undefined ? [i.modelContextLength] : [])];
    const n = Math.min(i.profileNumCtx, ...limits);
    const warning = n < i.profileNumCtx
      ? `The profile asks for num_ctx ${i.profileNumCtx}; Tack sends ${n} (${n === i.maxNumCtx ? 'tack.ollama.maxNumCtx' : 'the model\'s context length'}). Raise tack.ollama.maxNumCtx to allow more.`
      : undefined;
    return { numCtx: n, source: 'profile', ...(warning ? { warning } : {}) };
  }
  const explicit = i.settingNumCtx !== undefined ? { n: i.settingNumCtx, source: 'setting' as const } : undefined;
  if (explicit) {
    const warning = i.modelContextLength !== undefined && explicit.n > i.modelContextLength
      ? `num_ctx ${explicit.n} is larger than the model's context length (${i.modelContextLength}); answers may degrade past that.`
      : undefined;
    return { numCtx: explicit.n, source: explicit.source, ...(warning ? { warning } : {}) };
  }
  if (i.modelContextLength !== undefined) return { numCtx: Math.min(i.modelContextLength, i.maxNumCtx), source: 'model' };
  if (i.modelfileNumCtx !== undefined) return { numCtx: i.modelfileNumCtx, source: 'modelfile' };
  return { source: 'unknown', warning: 'The model\'s context length is unknown (Ollama did not answer /api/show): Ollama will use its small default and may cut the conversation silently. Set "numCtx" in the profile.' };
}

/** What a probe of the serving software found (see probes.ts). */
export interface ContextFacts {
  /** The model's maximum (trained or configured) context length. */
  contextWindow?: number;
  /** The context the server actually loaded the model with (LM Studio, llama.cpp `n_ctx`, vLLM `max_model_len`). */
  loadedContext?: number;
}

export interface EffectiveWindow {
  tokens?: number;
  source: 'num_ctx' | 'server-loaded' | 'server' | 'catalog' | 'unknown';
}

/**
 * The window a request really gets: the `num_ctx` Tack sends (Ollama), else what the server loaded, else what the
 * server says the model supports, else the catalog. Unknown stays unknown.
 */
export function effectiveContextWindow(facts: ContextFacts | undefined, catalog?: Pick<ModelInfo, 'contextWindow'>, sentNumCtx?: number): EffectiveWindow {
  if (sentNumCtx !== undefined) return { tokens: sentNumCtx, source: 'num_ctx' };
  if (facts?.loadedContext !== undefined) return { tokens: facts.loadedContext, source: 'server-loaded' };
  if (facts?.contextWindow !== undefined) return { tokens: facts.contextWindow, source: 'server' };
  if (catalog?.contextWindow !== undefined) return { tokens: catalog.contextWindow, source: 'catalog' };
  return { source: 'unknown' };
}

/** Context fill for the status bar tooltip: the last request's input tokens over the window, 0–100 (can exceed). */
export function contextFillPercent(lastInputTokens: number, window: number | undefined): number | undefined {
  if (!window) return undefined;
  return Math.round((lastInputTokens / window) * 1000) / 10;
}
