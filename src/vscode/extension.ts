/**
 * Activation, kept small: registers the view and every command with handlers that load the rest of Tack
 * (dist/runtime.js: core, the provider SDKs, the panel's host) on first use — and starts that load right after
 * activation returns, so nothing slow is awaited here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TackApi } from './api';
import type { TackRuntime } from './runtime';

const VIEW_ID = 'tack.chat';

export function activate(context: vscode.ExtensionContext): TackApi {
  let runtime: Promise<TackRuntime> | undefined;
  let loaded: TackRuntime | undefined;
  const load = (): Promise<TackRuntime> => (runtime ??= new Promise<TackRuntime>((resolve, reject) => {
    setImmediate(() => {
      try {
        // A computed path: the bundler leaves this require alone, so runtime.js stays its own bundle.
        const mod = require(path.join(__dirname, 'runtime.js')) as typeof import('./runtime');
        loaded = mod.start(context);
        resolve(loaded);
      } catch (err) {
        void vscode.window.showErrorMessage(`Tack failed to start: ${(err as Error).message}`);
        reject(err);
      }
    });
  }));

  const ids: string[] = (context.extension.packageJSON?.contributes?.commands ?? []).map((c: { command: string }) => c.command);
  for (const id of ids) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      const handler = (await load()).commands[id];
      return handler ? handler(...args) : undefined;
    }));
  }
  context.subscriptions.push(vscode.window.registerWebviewViewProvider(VIEW_ID, {
    resolveWebviewView: async view => { (await load()).view.resolveWebviewView(view); },
  }));
  void load().catch(() => undefined);
  return lazyApi(load, () => loaded);
}

/** The API before and after the runtime loaded: async calls wait for it; the others need `ready()` first. */
function lazyApi(load: () => Promise<TackRuntime>, now: () => TackRuntime | undefined): TackApi {
  const get = (): TackApi => {
    const r = now();
    if (!r) throw new Error('Tack is still starting: await api.ready() first');
    return r.api;
  };
  return {
    ready: async () => { await load(); },
    // Once loaded, a send starts at once (the message is in the conversation when this returns), as the panel's does.
    send: text => { const r = now(); return r ? r.api.send(text) : load().then(x => x.api.send(text)); },
    retry: () => { const r = now(); return r ? r.api.retry() : load().then(x => x.api.retry()); },
    continueRun: () => { const r = now(); return r ? r.api.continueRun() : load().then(x => x.api.continueRun()); },
    stop: () => get().stop(),
    messages: () => get().messages(),
    modelRef: () => get().modelRef(),
    statusText: () => get().statusText(),
    statusTexts: () => get().statusTexts(),
    profileName: () => get().profileName(),
    sessionTotals: () => get().sessionTotals(),
    isViewResolved: () => now()?.api.isViewResolved() ?? false,
    pendingApprovals: () => get().pendingApprovals(),
    answerApproval: (id, nonce, decision) => get().answerApproval(id, nonce, decision),
    sessionId: () => get().sessionId(),
    sessionFile: () => get().sessionFile(),
    openSession: id => load().then(x => x.api.openSession(id)),
    compactNow: instructions => load().then(x => x.api.compactNow(instructions)),
    markers: () => get().markers(),
  };
}

export function deactivate(): void {}
