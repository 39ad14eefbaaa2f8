/** Composition root: wires the adapters to core and registers disposables. Nothing else lives here. */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ChatSession, refreshModels, UsageLog, usageRecordsCsv } from '../core/index';
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

export function activate(context: vscode.ExtensionContext): TackApi {
  const { logger, channel } = createLogger();
  const keys = secretKeys(context.secrets);
  const promptsDir = vscode.Uri.joinPath(context.extensionUri, 'prompts').fsPath;
  const builtinPrompts = fs.readdirSync(promptsDir).filter(f => f.endsWith('.md')).map(f => f.slice(0, -3));
  const choice = new ModelChoice(context.workspaceState, context.globalState);
  const status = new StatusBar();
  const profiles = new ProfilesHost(context.workspaceState, builtinPrompts);
  const facts = new ModelFacts(() => Math.min(readSettings().network.connectTimeoutMs, 5000));
  const usageLog = new UsageLog(fileUsageLog(vscode.Uri.joinPath(context.globalStorageUri, 'usage.jsonl')));
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
