/** Composition root: wires the adapters to core and registers disposables. Nothing else lives here. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ChatSession, nodeFileLogPort, refreshModels, usageRecord, UsageLog, usageRecordsCsv, type CostSource, type Usage } from '../core/index';
import type { TackApi } from './api';
import { ChatController } from './chat-controller';
import { ChatViewProvider } from './chat-view';
import { registerKeyCommands } from './key-commands';
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
import { registerInspectCommand } from './inspect-command';
import { InspectState } from './inspect-state';
import { registerLanguageModels } from './lm-provider';
import { registerVerifyCommand } from './verify-command';

export function activate(context: vscode.ExtensionContext): TackApi {
  const { logger, channel } = createLogger();
  const keys = secretKeys(context.secrets);
  const promptsDir = vscode.Uri.joinPath(context.extensionUri, 'prompts').fsPath;
  const builtinPrompts = fs.readdirSync(promptsDir).filter(f => f.endsWith('.md')).map(f => f.slice(0, -3));
  const choice = new ModelChoice(context.workspaceState, context.globalState);
  const status = new StatusBar();
  const profiles = new ProfilesHost(context.workspaceState, builtinPrompts);
  const facts = new ModelFacts(() => Math.min(readSettings().network.connectTimeoutMs, 5000));
  // On disk the log is appended (O_APPEND), so the CLI can add its own records to the same file; elsewhere through workspace.fs.
  const usageFile = vscode.Uri.joinPath(context.globalStorageUri, 'usage.jsonl');
  const usageLog = new UsageLog(usageFile.scheme === 'file' ? nodeFileLogPort(usageFile.fsPath) : fileUsageLog(usageFile));
  const view = new ChatViewProvider(context.extensionUri, () => controller, logger, () => host.refresh());
  const host = new TackHost({ profiles, choice, facts, status, keys, log: logger, usageLog, promptsDir, post: m => view.post(m) });
  const session = new ChatSession({ keys: { getKey: id => host.setup().keys.getKey(id), confirmOrigin: (id, o, p) => keys.confirmOrigin!(id, o, p) }, log: logger, systemPrompt: () => host.systemPrompt() });
  const controller: ChatController = new ChatController(session, {
    post: m => view.post(m),
    plan: () => host.plan(),
    modelInfo: () => host.modelInfo(),
    observe: (ev, ref) => host.observe(ev, ref),
    turnEnded: last => void host.turnEnded(last),
  });
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

  // Truth in serving: the request inspector, VS Code's own chat, the provider verifier. `bookUsage` is the one place
  // their usage reaches the ledger's log.
  const inspect = new InspectState(logger);
  const bookUsage = (modelRef: string, ev: { usage: Usage; costSource?: CostSource }) => {
    const slash = modelRef.indexOf('/');
    void usageLog.append(usageRecord({ now: new Date(), workspace: host.workspaceLabel(), provider: modelRef.slice(0, slash), model: modelRef.slice(slash + 1), usage: ev.usage, costSource: ev.costSource ?? 'unknown' }))
      .catch(err => logger.error(`Could not write the usage log: ${(err as Error).message}`));
  };
  const lm = registerLanguageModels({ settings: readSettings, keys, log: logger, profile: () => profiles.active(), onUsage: bookUsage, track: i => inspect.track(i) });
  context.subscriptions.push(
    ...lm.disposables,
    ...registerInspectCommand(() => inspect.last()),
    ...registerVerifyCommand({
      extensionUri: context.extensionUri, promptsDir, historyFile: vscode.Uri.joinPath(context.globalStorageUri, 'verify.jsonl').fsPath,
      version: String(context.extension.packageJSON.version), settings: readSettings, keys, log: logger, profile: () => profiles.active(), onUsage: bookUsage, track: i => inspect.track(i),
    }),
    profiles.onDidChange(() => lm.refresh()),
  );

  context.subscriptions.push(
    channel, status, view, profiles,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view),
    vscode.commands.registerCommand('tack.openChat', () => vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`)),
    vscode.commands.registerCommand('tack.newChat', async () => { await controller.clear(); host.newSession(); }),
    vscode.commands.registerCommand('tack.retry', () => controller.retry()),
    vscode.commands.registerCommand('tack.switchModel', switchModel),
    vscode.commands.registerCommand('tack.refreshModels', () => { refreshModels(); facts.clear(); host.refresh(); return switchModel(); }),
    vscode.commands.registerCommand('tack.switchProfile', async () => {
      const name = await pickProfile(profiles);
      if (name) { await choice.forget(); await profiles.choose(name); }
      return name;
    }),
    vscode.commands.registerCommand('tack.cycleStarredModels', async () => {
      const next = choice.nextStarred(host.modelRef());
      if (!next) { void vscode.window.showInformationMessage('Tack: no starred models yet. Star models in Switch Model.'); return undefined; }
      await choice.choose(next);
      host.refresh();
      return next;
    }),
    vscode.commands.registerCommand('tack.showUsage', () => { usagePanel.show(); }),
    ...registerKeyCommands(context.secrets),
    profiles.onDidChange(() => host.refresh()),
    vscode.workspace.onDidChangeConfiguration(async e => {
      if (!e.affectsConfiguration('tack')) return;
      if (e.affectsConfiguration('tack.model')) await choice.forget();
      if (e.affectsConfiguration('tack.providers')) { refreshModels(); facts.clear(); }
      host.refresh();
    }),
  );
  void profiles.reload();
  host.refresh();

  return {
    send: async text => { await controller.send(text); },
    retry: async () => { await controller.retry(); },
    stop: () => controller.stop(),
    messages: () => controller.viewMessages(),
    modelRef: () => host.modelRef(),
    statusText: () => status.modelText,
    statusTexts: () => status.texts(),
    profileName: () => profiles.active().name,
    sessionTotals: () => ({ ...host.totals }),
    isViewResolved: () => view.isResolved,
  };
}

export function deactivate(): void {}
