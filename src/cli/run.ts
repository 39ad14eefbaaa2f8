/** `tack run`: one agent run in the current folder, printed as text or JSON Lines. Wiring only; the loop is core's. */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import {
  AgentSession, breakdown, checkBudget, compactionPromptFrom, nodeExec, nodeFileOps, prepareProfileTurn, recordEvents, RequestRecorder,
  resolveTarget, restoreSession, runTools, tackFetch, totalTokens, type RequestHook, type Logger, type PriceLookup, type ResolvedProfile, type TackSettings,
} from '../core/index';
import { catalogPrice } from '../core/models/catalog';
import { agentJsonEvents, exitCodeOf } from './agent-output';
import { cliApprovals } from './approvals';
import { envKeys, loadSettings } from './config';
import { jsonLine, TextPrinter, type JsonEvent, type Writer } from './output';
import { cliSystemPrompt } from './trust';
import { cliUsageBooker } from './usage-store';
import { terminalYesNo } from './tty';
import { loadCliProfiles, printDiagnostics } from './profiles';
import { cliSessionStore } from './sessions';
import { cliContextWindow } from './context';
import { cliMcpManager, cliSkills } from './mcp';
import { discoverAgents, selectSkills, skillsPromptSection } from '../core/index';

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
  /** Continue this saved session instead of starting one. */
  session?: string;
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

/** `--show-requests`: each request's token estimate by part and its size, printed as it leaves. */
function showRequest(emit: (ev: JsonEvent) => void, proxy: string | undefined): RequestHook {
  return r => {
    const b = breakdown({ system: r.system, messages: r.messages, ...(r.tools ? { tools: r.tools } : {}) });
    const recorder = new RequestRecorder({ keep: (_url, method) => method !== 'GET' });
    recorder.onCapture(c => emit({
      type: 'request', step: r.step, provider: r.target.endpoint.id, model: r.target.modelId,
      tokens: { system: b.system + b.instructions + b.skillsIndex, tools: b.tools, history: b.history + b.latest, total: b.total }, bytes: c.bodyBytes,
    }));
    return { fetch: recorder.wrap(tackFetch(proxy)) };
  };
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
  // Every run is saved (sessions/store.ts): a new session, or the one --session names. One writer per session file:
  // when another process writes that session, this run continues a fork of it, and says so.
  const store = cliSessionStore(process.env, root, log);
  let handle;
  if (a.session) {
    const opened = store.open(a.session);
    if ('error' in opened) return fail('config', opened.error);
    handle = opened.handle;
    if (handle.readOnly) warn(`session ${handle.id} cannot be written (${handle.readOnlyReason}); this run is not saved.`);
    if (opened.forkedFrom) warn(`session ${opened.forkedFrom} is open in another process; continuing in a fork, session ${handle.id}.`);
  } else {
    handle = store.create();
  }
  handle.append({ type: 'meta', at: Date.now(), model: resolved.target.modelRef, profile: profile.name });
  const deps = { log, approvals, mode, ...(a.showRequests ? { request: showRequest(emit, loaded.settings.network.proxy) } : {}) };
  const session = a.session ? restoreSession(handle.data, deps) : new AgentSession(deps, { id: handle.id });
  const record = recordEvents(handle, session);
  // Without --trust the folder's providers and prompt files stay unused, but its tools work, asking first: the person
  // ran the command here. Its profiles can still narrow the tools, never widen them (agent/approval-policy.ts).
  const agentProfile = a.trust ? profile : await toolsView(profile, a, loaded.settings, promptsDir);
  const mcp = await cliMcpManager({ root, env: process.env, profile: agentProfile, trustMcp: !!a.trustMcp, tty, log, warn });
  // Workspace skills are listed without --trust but not loaded (their text is the folder's).
  const scan = await cliSkills(root, process.env, a.trust);
  for (const d of scan.diagnostics) warn(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
  const skills = selectSkills(scan.skills, agentProfile.skills);
  // Subagents for the `task` tool: workspace agents are listed without --trust but not used (explore runs instead).
  const agents = await discoverAgents({ root, home: process.env.HOME || os.homedir(), trusted: a.trust });
  for (const d of agents.diagnostics) warn(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
  const unused = agents.agents.filter(x => !x.usable).map(x => x.name);
  if (unused.length && Object.hasOwn(agentProfile.tools, 'task')) warn(`the folder's agents (${unused.join(', ')}) are not used without --trust.`);
  const tools = await runTools({
    profile: agentProfile,
    promptsDir, root, files: nodeFileOps(root), exec: nodeExec(cliRgPath()), snapshots: session.snapshots,
    dataDir: handle.dataDir, trusted: a.trust, log, mcp, skills, session: session.harness,
    agents: { agents: agents.agents, profiles: profiles.state.resolved.profiles },
  });
  emit({ type: 'session', id: session.id, model: resolved.target.modelId, provider: resolved.target.endpoint.id, profile: profile.name });

  const controller = new AbortController();
  // Ctrl+C is Stop (the running command's process group is killed); a second one ends the process at once.
  const onSigint = () => { if (controller.signal.aborted) process.exit(130); controller.abort(); };
  process.on('SIGINT', onSigint);
  // Automatic compaction needs the real window: the num_ctx sent to Ollama, a local server's loaded context, the catalog's.
  const contextWindow = await cliContextWindow(resolved.target, profile, profiles.ollama, prepared.settings);
  const plan = {
    setup: { ...prepared, profile: agentProfile, ...(contextWindow ? { contextWindow } : {}) },
    compactionPrompt: compactionPromptFrom(promptsDir),
    // The folder's AGENTS.md and prompt files reach the model only with --trust (said on stderr when skipped).
    system: withSkills(cliSystemPrompt(profile, root, a.trust, promptsDir, warn), skillsPromptSection(skills)),
    ...(tools ? { tools } : {}),
  };
  let code = 1;
  try {
    const book = cliUsageBooker(process.env);
    for await (const ev of session.send(a.prompt, plan, controller.signal)) {
      record(ev);
      if (ev.type === 'notice') warn(ev.message);
      if (ev.type === 'subagent' && ev.event.type === 'notice') warn(`subagent ${ev.agent}: ${ev.event.message}`);
      for (const out of agentJsonEvents(ev)) emit(out);
      // The usage log the editor charts gets the CLI's responses too (a subagent's included), marked as CLI.
      const used = ev.type === 'usage' ? ev : ev.type === 'subagent' && ev.event.type === 'usage' ? ev.event : undefined;
      if (used) {
        const slash = used.modelRef.indexOf('/');
        void book(used.modelRef.slice(0, slash), used.modelRef.slice(slash + 1), { type: 'usage', usage: used.usage, costSource: used.costSource }, profile.name)
          .catch(err => warn(`could not write the usage log: ${(err as Error).message}`));
      }
      if (ev.type === 'end') code = exitCodeOf(ev);
    }
  } finally {
    process.off('SIGINT', onSigint);
    handle.close();
    await mcp?.dispose();
  }
  const budget = checkBudget({ costUsd: session.totals.costUsd, tokens: totalTokens(session.totals) }, profile);
  if (budget.level !== 'ok' && budget.message) writer.err(`tack: ${budget.message}\n`);
  return code;
}
