/** `tack run`: one agent run in the current folder, printed as text or JSON Lines. Wiring only; the loop is core's. */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AgentSession, checkBudget, nodeExec, nodeFileOps, prepareProfileTurn, resolveTarget, runTools, totalTokens, type Logger, type PriceLookup, type ResolvedProfile, type TackSettings,
} from '../core/index';
import { catalogPrice } from '../core/models/catalog';
import { agentJsonEvents, exitCodeOf } from './agent-output';
import { cliApprovals } from './approvals';
import { envKeys, loadSettings } from './config';
import { jsonLine, TextPrinter, type JsonEvent, type Writer } from './output';
import { cliSystemPrompt } from './trust';
import { terminalYesNo } from './tty';
import { loadCliProfiles, printDiagnostics } from './profiles';
import { cliMcpManager, cliSkills } from './mcp';
import { selectSkills, skillsPromptSection } from '../core/index';

export interface RunArgs {
  prompt: string;
  json: boolean;
  model?: string;
  cwd?: string;
  profile?: string;
  trust: boolean;
  trustMcp?: boolean;
  approve?: 'ask' | 'auto' | 'deny';
  showRequests: boolean;
}

/** Prices for responses whose provider reported no cost: the bundled catalog; unknown stays null. */
const prices: PriceLookup = catalogPrice;

/** The ripgrep binary of @vscode/ripgrep's platform package, resolved from the installed node_modules. */
export function cliRgPath(): string {
  const req = createRequire(__filename);
  try {
    return req.resolve(`@vscode/ripgrep-${process.platform}-${process.arch}/bin/${process.platform === 'win32' ? 'rg.exe' : 'rg'}`);
  } catch {
    return 'rg'; // a system ripgrep on PATH, if any; grep and glob report it when it is missing
  }
}

/** Where a session's own files go (whole outputs of truncated tool results): user data, never the repository. */
export function sessionDataDir(env: NodeJS.ProcessEnv, sessionId: string): string {
  const base = env.TACK_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'tack');
  return path.join(base, 'sessions', sessionId);
}

/** The profile's tool settings as the folder's profiles state them, for a run without --trust. */
async function toolsView(profile: ResolvedProfile, a: RunArgs, settings: TackSettings, promptsDir: string): Promise<ResolvedProfile> {
  const asTrusted = await loadCliProfiles(process.cwd(), process.env, settings, true, promptsDir);
  const view = Object.hasOwn(asTrusted.state.resolved.profiles, profile.name) ? asTrusted.state.resolved.profiles[profile.name] : profile;
  // MCP servers and skills the folder's profile selects: workspace servers still need --trust-mcp (cli/mcp.ts).
  return { ...profile, tools: view.tools, editFormat: view.editFormat, commands: view.commands, mcpServers: view.mcpServers, mcp: view.mcp, skills: view.skills, restricted: false };
}

/** The system prompt with the skills section (one line per skill) after it. */
function withSkills(system: () => Promise<string>, section: string): () => Promise<string> {
  return section ? async () => `${await system()}\n\n${section}` : system;
}

export async function runCommand(a: RunArgs, writer: Writer, log: Logger, promptsDir: string): Promise<number> {
  const printer = a.json ? undefined : new TextPrinter(writer);
  const emit = (ev: JsonEvent | (JsonEvent & { profile: string })) => {
    if (printer) printer.event(ev); else writer.out(jsonLine(ev));
  };
  const fail = (kind: 'config' | 'policy', message: string): number => {
    emit({ type: 'error', kind, message });
    emit({ type: 'done', stopReason: 'error', totals: { input: 0, output: 0, costUsd: null } });
    return 2;
  };
  if (a.cwd) {
    if (!fs.existsSync(a.cwd) || !fs.statSync(a.cwd).isDirectory()) return fail('config', `--cwd ${a.cwd} is not a directory.`);
    process.chdir(a.cwd);
  }
  const loaded = await loadSettings(process.env);
  if ('error' in loaded) return fail('config', loaded.error);
  let profiles;
  try {
    profiles = await loadCliProfiles(process.cwd(), process.env, loaded.settings, a.trust, promptsDir);
  } catch (err) {
    return fail('config', `Cannot read the profiles: ${(err as Error).message}`);
  }
  // An invalid profile file does not stop the run: the last valid profiles (the built-ins here) are used, and said so.
  printDiagnostics(profiles.state, writer, a.trust);
  const warn = (m: string) => writer.err(`tack: ${m}\n`);
  const prepared = prepareProfileTurn({
    state: profiles.state, profileName: a.profile, explicitModel: a.model, settings: loaded.settings, ollama: profiles.ollama,
    keys: envKeys(process.env, loaded.settings, terminalYesNo()), prices, warn,
  });
  if ('error' in prepared) return fail('config', prepared.error);
  const { profile } = prepared;
  const resolved = resolveTarget(prepared.settings, prepared.modelRef);
  if ('error' in resolved) return fail('config', resolved.error.message);

  const root = fs.realpathSync(process.cwd());
  const tty = !!process.stdin.isTTY;
  const mode = a.approve ?? (tty ? 'ask' : 'deny');
  // A key goes to another origin only as the user's own configuration allows it (config.ts), or on the terminal.
  const keys = envKeys(process.env, loaded.settings, terminalYesNo());
  const approvals = { ...cliApprovals(mode, tty), confirmKeyOrigin: async (id: string, origin: string, previous: string | undefined) => (await keys.confirmOrigin?.(id, origin, previous)) ?? false };
  const session = new AgentSession({ log, approvals, mode });
  // Without --trust the folder's providers and prompt files stay unused, but its tools work, asking first: the person
  // ran the command here. Its profiles can still narrow the tools, never widen them (agent/approval-policy.ts).
  const agentProfile = a.trust ? profile : await toolsView(profile, a, loaded.settings, promptsDir);
  const mcp = await cliMcpManager({ root, env: process.env, profile: agentProfile, trustMcp: !!a.trustMcp, tty, log, warn });
  // Workspace skills are listed without --trust but not loaded (their text is the folder's).
  const scan = await cliSkills(root, process.env, a.trust);
  for (const d of scan.diagnostics) warn(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
  const skills = selectSkills(scan.skills, agentProfile.skills);
  const tools = await runTools({
    profile: agentProfile,
    promptsDir, root, files: nodeFileOps(root), exec: nodeExec(cliRgPath()), snapshots: session.snapshots,
    dataDir: sessionDataDir(process.env, session.id), trusted: a.trust, log, mcp, skills, session: session.harness,
  });
  emit({ type: 'session', id: session.id || randomUUID(), model: resolved.target.modelId, provider: resolved.target.endpoint.id, profile: profile.name });

  const controller = new AbortController();
  // Ctrl+C is Stop (the running command's process group is killed); a second one ends the process at once.
  const onSigint = () => { if (controller.signal.aborted) process.exit(130); controller.abort(); };
  process.on('SIGINT', onSigint);
  const plan = {
    setup: { ...prepared, profile: agentProfile },
    // The folder's AGENTS.md and prompt files reach the model only with --trust (said on stderr when skipped).
    system: withSkills(cliSystemPrompt(profile, root, a.trust, promptsDir, warn), skillsPromptSection(skills)),
    ...(tools ? { tools } : {}),
  };
  let code = 1;
  try {
    for await (const ev of session.send(a.prompt, plan, controller.signal)) {
      for (const out of agentJsonEvents(ev)) emit(out);
      if (ev.type === 'end') code = exitCodeOf(ev);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await mcp?.dispose();
  }
  const budget = checkBudget({ costUsd: session.totals.costUsd, tokens: totalTokens(session.totals) }, profile);
  if (budget.level !== 'ok' && budget.message) writer.err(`tack: ${budget.message}\n`);
  return code;
}
