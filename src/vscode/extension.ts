/** Composition root: wires the adapters to core and registers disposables. Nothing else lives here. */
import * as vscode from 'vscode';
import { ChatSession, loadPrompt } from '../core/index';
import type { TackApi } from './api';
import { ChatController } from './chat-controller';
import { ChatViewProvider } from './chat-view';
import { createLogger } from './log';
import { ModelChoice } from './model-choice';
import { pickModel } from './model-picker';
import { registerKeyCommands } from './key-commands';
import { secretKeys } from './secrets';
import { affectsTack, readSettings } from './settings';
import { describeModel, ModelStatusBar } from './status-bar';

export function activate(context: vscode.ExtensionContext): TackApi {
  const { logger, channel } = createLogger();
  const keys = secretKeys(context.secrets);
  const choice = new ModelChoice(context.workspaceState);
  const status = new ModelStatusBar();
  const promptsDir = vscode.Uri.joinPath(context.extensionUri, 'prompts').fsPath;

  let systemPrompt: Promise<string> | undefined;
  const session = new ChatSession({ keys, log: logger, systemPrompt: () => (systemPrompt ??= loadPrompt(promptsDir, 'system')) });
  const view = new ChatViewProvider(context.extensionUri, () => controller, logger);
  const refresh = () => {
    const settings = readSettings();
    status.update(settings, choice.current());
    view.post({ type: 'model', model: describeModel(settings, choice.current()) });
  };
  const controller = new ChatController(session, {
    post: m => view.post(m),
    settings: readSettings,
    modelRef: () => choice.current(),
    modelInfo: () => describeModel(readSettings(), choice.current()),
    turnEnded: refresh,
  });

  context.subscriptions.push(
    channel,
    status,
    view,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view),
    vscode.commands.registerCommand('tack.openChat', () => vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`)),
    vscode.commands.registerCommand('tack.newChat', () => controller.clear()),
    vscode.commands.registerCommand('tack.switchModel', async () => {
      const ref = await pickModel(keys, logger, choice.current());
      if (ref) {
        await choice.choose(ref);
        refresh();
      }
      return ref;
    }),
    ...registerKeyCommands(context.secrets),
    vscode.workspace.onDidChangeConfiguration(async e => {
      if (!affectsTack(e)) return;
      if (e.affectsConfiguration('tack.model')) await choice.forget();
      refresh();
    }),
  );
  refresh();

  return {
    send: async text => { await controller.send(text); },
    retry: async () => { await controller.retry(); },
    stop: () => controller.stop(),
    messages: () => controller.viewMessages(),
    modelRef: () => choice.current(),
    statusText: () => status.text,
    isViewResolved: () => view.isResolved,
  };
}

export function deactivate(): void {}
