/** CLI configuration: `$TACK_CONFIG` or `~/.config/tack/settings.json` (same keys as the VS Code settings); keys from the environment. */
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { envKeyName, settingsFromObject, type KeySource, type TackSettings } from '../core/index';

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

export function envKeys(env: NodeJS.ProcessEnv): KeySource {
  return { getKey: async id => env[envKeyName(id)] || undefined };
}
