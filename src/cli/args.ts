/** Argument parsing for the `tack` command. */
import { parseArgs } from 'node:util';

export type Command =
  | { name: 'run'; prompt: string; json: boolean; model?: string; cwd?: string; profile?: string; trust: boolean; trustMcp: boolean; approve?: 'ask' | 'auto' | 'deny'; showRequests: boolean; session?: string }
  | { name: 'sessions'; json: boolean; cwd?: string }
  | { name: 'models'; json: boolean; provider?: string }
  | { name: 'profiles'; json: boolean; cwd?: string; trust: boolean }
  | { name: 'verify'; targets: string[]; reference?: string; runs: number; json: boolean }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage:
  tack run [--json] [--profile NAME] [--model <provider>/<model>] [--cwd DIR] [--trust] [--trust-mcp]
           [--approve ask|auto|deny] [--show-requests] [--session ID] "<prompt>"
  tack sessions [--cwd DIR] [--json]
  tack models [--provider ID] [--json]
  tack profiles [--cwd DIR] [--json] [--trust]
  tack verify --target <provider>/<model> [--target …] [--reference <provider>/<model>] [--runs N] [--json]
  tack --help | --version

Configuration: $TACK_CONFIG or ~/.config/tack/settings.json with "tack.providers", "tack.model" and "tack.profiles".
Profiles: built-ins, then "tack.profiles", then <cwd>/.tack/profiles.jsonc. Providers that file defines are used only
with --trust (or TACK_TRUST=1), and never receive an API key.
API keys: <ID>_API_KEY in the environment (e.g. OPENAI_API_KEY).
Tools: --approve ask prompts on the terminal (the default when stdin is a TTY); without a TTY the default is deny
(tools that ask are refused); auto runs them without asking. Protected paths, paths outside the folder, deny
policies and commands.deny hold whatever --approve says. Ctrl+C stops the run and kills the running command.
Sessions: every run is saved in the editor's storage folder for Tack (or $TACK_DATA_DIR), per folder;
--session ID continues one (tack sessions lists them).

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
        target: { type: 'string', multiple: true },
        reference: { type: 'string' },
        runs: { type: 'string' },
        session: { type: 'string' },
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
      ...(values.session !== undefined ? { session: values.session.trim() } : {}),
    };
  }
  if (values.session !== undefined && cmd !== 'run') return { error: '--session goes with tack run.' };
  if (cmd === 'sessions') {
    if (rest.length) return { error: `tack sessions takes no arguments (got "${rest.join(' ')}").` };
    return { name: 'sessions', json: !!values.json, cwd: values.cwd };
  }
  if (cmd === 'models') return { name: 'models', json: !!values.json, provider: values.provider };
  if (cmd === 'profiles') {
    if (rest.length) return { error: `tack profiles takes no arguments (got "${rest.join(' ')}").` };
    return { name: 'profiles', json: !!values.json, cwd: values.cwd, trust };
  }
  if (cmd === 'verify') return parseVerify(values, rest);
  return { error: `Unknown command "${cmd}".` };
}

/** `tack verify`: at least one target (two to compare hosts), runs 1–20 (default 3). */
function parseVerify(values: { target?: string[]; reference?: string; runs?: string; json?: boolean }, rest: string[]): Command | { error: string } {
  if (rest.length) return { error: `tack verify takes its targets as --target (got "${rest.join(' ')}").` };
  const targets = (values.target ?? []).map(t => t.trim()).filter(Boolean);
  if (!targets.length) return { error: 'tack verify needs at least one --target <provider>/<model>, e.g. --target moonshot/kimi-k2 --target together/moonshotai/Kimi-K2-Instruct' };
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) return { error: `--runs must be a whole number from 1 to 20 (got "${values.runs}").` };
  return { name: 'verify', targets, ...(values.reference?.trim() ? { reference: values.reference.trim() } : {}), runs, json: !!values.json };
}
