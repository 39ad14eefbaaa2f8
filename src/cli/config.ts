/** CLI configuration: `$TACK_CONFIG` or `~/.config/tack/settings.json` (same keys as the VS Code settings); keys from the environment. */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { envKeyName, PRESETS, settingsFromObject, type KeySource, type TackSettings } from '../core/index';

export function configPath(env: NodeJS.ProcessEnv): string {
  return env.TACK_CONFIG || path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'tack', 'settings.json');
}

/** A missing file means defaults; an unreadable or invalid one is an error the user must see. */
export async function loadSettings(env: NodeJS.ProcessEnv): Promise<{ settings: TackSettings } | { error: string }> {
  const file = configPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !env.TACK_CONFIG) return { settings: settingsFromObject({}) };
    return { error: `Cannot read the configuration file ${file}: ${(err as Error).message}` };
  }
  try {
    return { settings: settingsFromObject(JSON.parse(text)) };
  } catch (err) {
    return { error: `The configuration file ${file} is not valid JSON: ${(err as Error).message}` };
  }
}

/**
 * Keys from `<ID>_API_KEY` (or the vendor's own variable, e.g. DASHSCOPE_API_KEY for `qwen`). A key set in the
 * environment for a provider id goes to the endpoint the user's own config names for that id; core still never
 * sends a key for a cloud preset to a local endpoint.
 */
export function envKeys(env: NodeJS.ProcessEnv): KeySource {
  return {
    getKey: async id => {
      const alt = Object.hasOwn(PRESETS, id) ? PRESETS[id].altKeyEnv : undefined;
      const key = env[envKeyName(id)] || (alt ? env[alt] : undefined);
      return key ? { key } : undefined;
    },
    confirmOrigin: async () => true,
  };
}
