/** CLI configuration: `$TACK_CONFIG` or `~/.config/tack/settings.json` (same keys as the VS Code settings); keys from the environment. */
import * as os from 'node:os';
import * as path from 'node:path';
import { envKeyName, originOf, PRESETS, settingsFromObject, type KeySource, type TackSettings } from '../core/index';
import { readBoundedFile } from '../core/files/bounded-read';

export function configPath(env: NodeJS.ProcessEnv): string {
  return env.TACK_CONFIG || path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'tack', 'settings.json');
}

/** The configuration file is the user's own and small; a larger one is refused rather than read. */
export const CONFIG_MAX_BYTES = 4 * 1024 * 1024;

/** A missing file means defaults; an unreadable or invalid one is an error the user must see. */
export async function loadSettings(env: NodeJS.ProcessEnv): Promise<{ settings: TackSettings } | { error: string }> {
  const file = configPath(env);
  const read = await readBoundedFile(file, CONFIG_MAX_BYTES);
  if ('missing' in read) {
    if (!env.TACK_CONFIG) return { settings: settingsFromObject({}) };
    return { error: `Cannot read the configuration file ${file}: it does not exist.` };
  }
  if ('error' in read) return { error: `Cannot read the configuration file ${file}: ${read.error}` };
  try {
    return { settings: settingsFromObject(JSON.parse(read.text.replace(/^\uFEFF/, ''))) };
  } catch (err) {
    return { error: `The configuration file ${file} is not valid JSON: ${(err as Error).message}` };
  }
}

/** Asks one yes/no question on the terminal; undefined when there is no terminal to ask on. */
export type YesNoPrompt = (question: string) => Promise<boolean>;

/**
 * Keys from `<ID>_API_KEY` (or the vendor's own variable, e.g. DASHSCOPE_API_KEY for `qwen`). Such a key belongs to
 * the preset's own origin, or to the baseUrl the user's configuration file sets for that provider id — nothing a
 * repository can write. Any other origin needs a yes on the terminal (`ask`); without a terminal the key is not
 * sent, and the error says how to allow it. Core still never sends a cloud preset's key to a local endpoint.
 */
export function envKeys(env: NodeJS.ProcessEnv, settings?: TackSettings, ask?: YesNoPrompt): KeySource {
  const variable = (id: string) => {
    const alt = Object.hasOwn(PRESETS, id) ? PRESETS[id].altKeyEnv : undefined;
    return env[envKeyName(id)] ? envKeyName(id) : alt && env[alt] ? alt : undefined;
  };
  const configured = (id: string): string | undefined => {
    const entry = settings && Object.hasOwn(settings.providers, id) ? settings.providers[id] : undefined;
    return typeof entry?.baseUrl === 'string' && entry.baseUrl.trim() ? originOf(entry.baseUrl.trim()) : undefined;
  };
  return {
    getKey: async id => {
      const name = variable(id);
      if (!name) return undefined;
      const origin = configured(id);
      return { key: env[name]!, ...(origin ? { origin } : {}) };
    },
    confirmOrigin: async (id, origin, previous) => {
      const name = variable(id) ?? envKeyName(id);
      if (ask) {
        return ask(`tack: ${name} belongs to ${previous ?? 'another server'}. Send it to ${origin}? [y/N] `);
      }
      return {
        refused: `${name} goes only to ${previous ?? `the server your configuration names for "${id}"`}, and there is no terminal to ask whether it may go to ${origin}. `
          + `To allow it, set "tack.providers": { "${id}": { "baseUrl": … } } to that server in ${configPath(env)}`,
      };
    },
  };
}
