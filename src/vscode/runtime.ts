/**
 * Composition root of everything behind the panel: wires the adapters to core. Loaded by extension.ts after
 * activation (or on first use), so activation itself stays small; returns the command handlers and the view for
 * extension.ts to route to. Nothing else lives here.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { nodeFileLogPort, tackFetch, refreshModels, usageRecord, UsageLog, usageRecordsCsv, type AgentSessionDeps, type CostSource, type Usage } from '../core/index';
import { registerInspectCommand } from './inspect-command';
import { InspectState } from './inspect-state';
import { registerLanguageModels } from './lm-provider';
import { registerVerifyCommand } from './verify-command';
import { EditorApprovals } from './approvals';
import { EditorHarness } from './editor-harness';
import { showHarnessDetails } from './harness-details';
import { editorRgPath } from './ripgrep-path';
import { editorFileOps } from './workspace-files';
import type { TackApi } from './api';
import { ChatController } from './chat-controller';
import { ChatViewProvider } from './chat-view';
import { keyCommands } from './key-commands';
import { createLogger } from './log';
import { ModelChoice } from './model-choice';
import { ModelFacts } from './model-facts';
import { pickModel } from './model-picker';
import { pickProfile } from './profile-picker';
import { ProfilesHost } from './profiles-host';
import { secretKeys } from './secrets';
import { readSettings } from './settings';
import { StatusBar } from './status-bar';
import { TackHost } from './tack-host';
import { fileUsageLog } from './usage-file';
import { UsagePanel } from './usage-panel';
import { EditorSessions } from './editor-sessions';
import { SessionsUi } from './sessions-ui';
import { StoredKeys } from './stored-keys';

export interface TackRuntime {
  api: TackApi;
  view: ChatViewProvider;
  commands: Record<string, (...args: unknown[]) => unknown>;
}

export function start(context: vscode.ExtensionContext): TackRuntime {
  const { logger, channel } = createLogger();
  const keys = secretKeys(context.secrets);
  const promptsDir = vscode.Uri.joinPath(context.extensionUri, 'prompts').fsPath;
  const builtinPrompts = fs.readdirSync(promptsDir).filter(f => f.endsWith('.md')).map(f => f.slice(0, -3));
  const choice = new ModelChoice(context.workspaceState, context.globalState);
  const status = new StatusBar();
  const profiles = new ProfilesHost(context.workspaceState, builtinPrompts, logger);
  const facts = new ModelFacts(() => Math.min(readSettings().network.connectTimeoutMs, 5000));
  // On disk the log is appended (O_APPEND), so the CLI can add its own records to the same file; elsewhere through workspace.fs.
  const usageFile = vscode.Uri.joinPath(context.globalStorageUri, 'usage.jsonl');
  const usageLog = new UsageLog(usageFile.scheme === 'file' ? nodeFileLogPort(usageFile.fsPath) : fileUsageLog(usageFile));
  const view: ChatViewProvider = new ChatViewProvider(context.extensionUri, () => controller, () => approvals, logger, () => { host.refresh(); harness.repost(); });
  // MCP servers and skills: the manager is created by the first run that needs tools, stopped with the window.
  const harness: EditorHarness = new EditorHarness({ globalState: context.globalState, profile: () => host.setup().profile, post: m => view.post(m), log: logger });
  const inspect = new InspectState(logger);
  const host = new TackHost({
    profiles, choice, facts, status, keys, log: logger, usageLog, promptsDir, storageDir: context.globalStorageUri.fsPath,
    rgPath: editorRgPath(), files: root => editorFileOps(root), post: m => view.post(m), harness,
    sessionDataDir: id => sessions.store.dataDirOf(id),
  });
  const approvals: EditorApprovals = new EditorApprovals(
    () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, () => view.isVisible, logger,
    (id, origin, previous) => keys.confirmOrigin!(id, origin, previous),
    () => { controller.session.state.budgetOverridden = true; void controller.retry(); },
  );
  // The session's keys are the active profile's (workspace providers never get one); resolved per run.
  // Every agent request is recorded for Tack: Inspect Last Request (keys redacted), sent with Tack's own fetch.
  const sessionDeps: AgentSessionDeps = {
    log: logger, approvals, mode: 'ask',
    request: r => inspect.track({ system: r.system, messages: r.messages, ...(r.tools ? { tools: r.tools } : {}) }, tackFetch(readSettings().network.proxy)),
  };
  // Sessions: every conversation is saved in global storage (the CLI's store too); a reload reopens the open one.
  const storedKeys = new StoredKeys(keys, logger);
  void storedKeys.refresh();
  const folder = vscode.workspace.workspaceFolders?.[0];
  const sessions = new EditorSessions({
    dataDir: context.globalStorageUri.fsPath, workspace: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
    state: context.workspaceState, log: logger, secrets: storedKeys.list, deps: sessionDeps,
  });
  const first = sessions.reopen() ?? sessions.fresh();
  const controller: ChatController = new ChatController(first.session, {
    post: m => view.post(m),
    plan: () => storedKeys.refresh().then(() => host.plan(controller.session)),
    modelInfo: () => host.modelInfo(),
    observe: ev => { host.observe(ev); sessions.observe(ev); },
    runEnded: () => host.runEnded(controller.session.totals),
    fresh: () => sessions.fresh(),
  });
  void controller.adopt(first.session, first.markers);
  const sessionsUi = new SessionsUi({ sessions, controller: () => controller, post: m => view.post(m), secrets: storedKeys.list });
  view.sessionRequests = m => sessionsUi.handle(m);
  const usagePanel = new UsagePanel(context.extensionUri, {
    records: async () => (await usageLog.read()).records,
    csv: async () => usageRecordsCsv((await usageLog.read()).records),
    workspace: () => host.workspaceLabel(),
  });
  const switchModel = async () => {
    const setup = host.setup();
    const ref = await pickModel(setup.settings, setup.keys, logger, choice, setup.modelRef);
    if (ref) { await choice.choose(ref); host.refresh(); }
    return ref;
  };

  const commands: TackRuntime['commands'] = {
    'tack.openChat': () => vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`),
    'tack.newChat': async () => { await controller.clear(); host.newSession(); },
    'tack.retry': () => controller.retry(),
    'tack.continue': () => controller.continue(),
    'tack.switchModel': switchModel,
    'tack.refreshModels': () => { refreshModels(); facts.clear(); host.refresh(); return switchModel(); },
    'tack.switchProfile': async () => {
      const name = await pickProfile(profiles);
      if (name) { await choice.forget(); await profiles.choose(name); }
      return name;
    },
    'tack.cycleStarredModels': async () => {
      const next = choice.nextStarred(host.modelRef());
      if (!next) { void vscode.window.showInformationMessage('Tack: no starred models yet. Star models in Switch Model.'); return undefined; }
      await choice.choose(next);
      host.refresh();
      return next;
    },
    'tack.showUsage': () => { usagePanel.show(); },
    'tack.showHarness': () => showHarnessDetails(harness),
    'tack.compactNow': (instructions?: unknown) => sessionsUi.compactNow(instructions),
    'tack.showSessions': async () => { await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`); sessionsUi.postList(true); },
    ...keyCommands(context.secrets),
  };

  // Truth in serving: the request inspector, VS Code's own chat, the provider verifier. `bookUsage` is where their
  // usage reaches the usage log (the agent's runs book theirs through TackHost.observe).
  const bookUsage = (modelRef: string, ev: { usage: Usage; costSource?: CostSource }) => {
    const slash = modelRef.indexOf('/');
    void usageLog.append(usageRecord({ now: new Date(), workspace: host.workspaceLabel(), provider: modelRef.slice(0, slash), model: modelRef.slice(slash + 1), usage: ev.usage, costSource: ev.costSource ?? 'unknown' }))
      .catch(err => logger.error(`Could not write the usage log: ${(err as Error).message}`));
  };
  const register = (id: string, handler: (...args: any[]) => unknown): vscode.Disposable => { commands[id] = handler; return { dispose() {} }; };
  const lm = registerLanguageModels({ settings: readSettings, keys, log: logger, profile: () => profiles.active(), onUsage: bookUsage, track: i => inspect.track(i) });
  context.subscriptions.push(
    ...lm.disposables,
    ...registerInspectCommand(() => inspect.last(), register),
    ...registerVerifyCommand({
      extensionUri: context.extensionUri, promptsDir, historyFile: vscode.Uri.joinPath(context.globalStorageUri, 'verify.jsonl').fsPath,
      version: String(context.extension.packageJSON.version), settings: readSettings, keys, log: logger, profile: () => profiles.active(), onUsage: bookUsage, track: i => inspect.track(i),
    }, register),
    profiles.onDidChange(() => lm.refresh()),
  );

  context.subscriptions.push(harness, profiles.onDidChange(() => void harness.rescan()));
  context.subscriptions.push(
    { dispose: () => sessions.close() },
    context.secrets.onDidChange(() => void storedKeys.refresh()),
    channel, status, view, profiles, approvals,
    profiles.onDidChange(() => host.refresh()),
    vscode.workspace.onDidChangeConfiguration(async e => {
      if (!e.affectsConfiguration('tack')) return;
      if (e.affectsConfiguration('tack.model')) await choice.forget();
      if (e.affectsConfiguration('tack.providers')) { refreshModels(); facts.clear(); void storedKeys.refresh(); }
      host.refresh();
    }),
  );
  void profiles.reload();
  host.refresh();

  const api: TackApi = {
    ready: async () => {},
    send: async text => { await controller.send(text); },
    retry: async () => { await controller.retry(); },
    stop: () => controller.stop(),
    messages: () => controller.viewMessages(),
    modelRef: () => host.modelRef(),
    statusText: () => status.modelText,
    statusTexts: () => status.texts(),
    profileName: () => profiles.active().name,
    sessionTotals: () => controller.session.totals,
    sessionId: () => controller.session.id,
    sessionFile: () => sessions.store.fileOf(controller.session.id),
    openSession: id => sessionsUi.open(id),
    compactNow: instructions => controller.compact(instructions),
    markers: () => controller.viewMarkers(),
    continueRun: async () => { await controller.continue(); },
    pendingApprovals: () => approvals.list().map(r => ({ id: r.id, nonce: r.nonce, tool: r.tool, summary: r.summary })),
    answerApproval: (id, nonce, decision) => approvals.answer(id, nonce, decision),
    isViewResolved: () => view.isResolved,
  };
  return { api, view, commands };
}
