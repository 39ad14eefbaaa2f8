/** Argument parsing for the `tack` command. */
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'run'; prompt: string; json: boolean; model?: string; cwd?: string; profile?: string; trust: boolean; trustMcp: boolean; approve?: 'ask' | 'auto' | 'deny'; showRequests: boolean }
  | { name: 'models'; json: boolean; provider?: string }
  | { name: 'profiles'; json: boolean; cwd?: string; trust: boolean }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage:
  tack run [--json] [--profile NAME] [--model <provider>/<model>] [--cwd DIR] [--trust] [--trust-mcp]
           [--approve ask|auto|deny] [--show-requests] "<prompt>"
  tack models [--provider ID] [--json]
  tack profiles [--cwd DIR] [--json] [--trust]
  tack --help | --version

Configuration: $TACK_CONFIG or ~/.config/tack/settings.json with "tack.providers", "tack.model" and "tack.profiles".
Profiles: built-ins, then "tack.profiles", then <cwd>/.tack/profiles.jsonc. Providers that file defines are used only
with --trust (or TACK_TRUST=1), and never receive an API key.
API keys: <ID>_API_KEY in the environment (e.g. OPENAI_API_KEY).
Tools: --approve ask prompts on the terminal (the default when stdin is a TTY); without a TTY the default is deny
(tools that ask are refused); auto runs them without asking. Protected paths, paths outside the folder, deny
policies and commands.deny hold whatever --approve says. Ctrl+C stops the run and kills the running command.
MCP servers: "tack.mcpServers" in the configuration file (they run), and the folder's .vscode/mcp.json, .mcp.json,
.cursor/mcp.json — those start only with --trust-mcp (for this run) or after a yes on the terminal, and only when
the profile's "mcpServers" names them. Skills: .tack/skills, .agents/skills, .claude/skills, .github/skills, ~/.tack/skills, …`;

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv = {}): Command | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        model: { type: 'string', short: 'm' },
        profile: { type: 'string', short: 'p' },
        cwd: { type: 'string' },
        trust: { type: 'boolean', default: false },
        'trust-mcp': { type: 'boolean', default: false },
        approve: { type: 'string' },
        'show-requests': { type: 'boolean', default: false },
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
  const trust = !!values.trust || env.TACK_TRUST === '1';
  if (cmd === 'run') {
    const prompt = rest.join(' ').trim();
    if (!prompt) return { error: 'tack run needs a prompt, e.g. tack run "explain this error"' };
    if (values.profile !== undefined && !values.profile.trim()) return { error: '--profile needs a profile name; list them with tack profiles' };
    const approve = values.approve;
    if (approve !== undefined && approve !== 'ask' && approve !== 'auto' && approve !== 'deny') return { error: `--approve takes ask, auto or deny (got "${approve}")` };
    return {
      name: 'run', prompt, json: !!values.json, model: values.model, cwd: values.cwd, profile: values.profile?.trim(), trust, trustMcp: !!values['trust-mcp'],
      ...(approve ? { approve } : {}), showRequests: !!values['show-requests'],
    };
  }
  if (cmd === 'models') return { name: 'models', json: !!values.json, provider: values.provider };
  if (cmd === 'profiles') {
    if (rest.length) return { error: `tack profiles takes no arguments (got "${rest.join(' ')}").` };
    return { name: 'profiles', json: !!values.json, cwd: values.cwd, trust };
  }
  return { error: `Unknown command "${cmd}".` };
}
