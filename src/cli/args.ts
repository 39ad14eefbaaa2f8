/** Argument parsing for the `tack` command. */
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'run'; prompt: string; json: boolean; model?: string; cwd?: string }
  | { name: 'models'; json: boolean; provider?: string }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage:
  tack run [--json] [--model <provider>/<model>] [--cwd DIR] "<prompt>"
  tack models [--provider ID] [--json]
  tack --help | --version

Configuration: $TACK_CONFIG or ~/.config/tack/settings.json with "tack.providers" and "tack.model".
API keys: <ID>_API_KEY in the environment (e.g. OPENAI_API_KEY).`;

export function parseCommand(argv: string[]): Command | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        model: { type: 'string', short: 'm' },
        cwd: { type: 'string' },
        provider: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    return { error: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.version) return { name: 'version' };
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd || cmd === 'help') return { name: 'help' };
  if (cmd === 'run') {
    const prompt = rest.join(' ').trim();
    if (!prompt) return { error: 'tack run needs a prompt, e.g. tack run "explain this error"' };
    return { name: 'run', prompt, json: !!values.json, model: values.model, cwd: values.cwd };
  }
  if (cmd === 'models') return { name: 'models', json: !!values.json, provider: values.provider };
  return { error: `Unknown command "${cmd}".` };
}
