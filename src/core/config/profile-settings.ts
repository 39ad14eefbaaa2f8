/**
 * The settings issue 4 adds, read from the same flat (`"tack.profiles"`) or nested (`{tack: {profiles}}`) shapes as
 * config/settings.ts. Kept apart so the provider settings and these can change independently.
 *   tack.profiles          user-level profiles, same shape as .tack/profiles.jsonc
 *   tack.ollama.numCtx     context length sent to Ollama when the profile sets none (0 or absent: automatic)
 *   tack.ollama.maxNumCtx  cap for the automatic choice (the model's context length), default 32768
 */

export interface ProfileSettings {
  /** The raw `tack.profiles` value; validated by the profile loader, which reports problems with positions. */
  profiles: unknown;
  ollama: {
    numCtx?: number;
    maxNumCtx: number;
  };
}

export const DEFAULT_OLLAMA_MAX_NUM_CTX = 32_768;

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function profileSettingsFromObject(raw: unknown): ProfileSettings {
  const obj = asRecord(raw);
  const nested = asRecord(obj.tack);
  const ollama = asRecord(nested.ollama);
  const get = (flatKey: string, nestedValue: unknown): unknown => (`tack.${flatKey}` in obj ? obj[`tack.${flatKey}`] : nestedValue);
  const numCtx = positiveInt(get('ollama.numCtx', ollama.numCtx));
  return {
    profiles: get('profiles', nested.profiles),
    ollama: {
      ...(numCtx !== undefined ? { numCtx } : {}),
      maxNumCtx: positiveInt(get('ollama.maxNumCtx', ollama.maxNumCtx)) ?? DEFAULT_OLLAMA_MAX_NUM_CTX,
    },
  };
}
