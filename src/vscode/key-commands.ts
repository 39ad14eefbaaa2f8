/**
 * Tack: Set API Key / Tack: Remove API Key. Keys go to SecretStorage only, never to settings, logs or the
 * webview; the input box masks the key.
 */
import * as vscode from 'vscode';
import { listEndpoints, originOf, serializeStoredKey, type Endpoint } from '../core/index';
import { secretName } from './secrets';
import { readSettings } from './settings';

async function pickProvider(title: string, storage: vscode.SecretStorage, onlyWithKey: boolean): Promise<Endpoint | undefined> {
  const { endpoints } = listEndpoints(readSettings());
  const items = await Promise.all(endpoints.map(async e => {
    const has = !!(await storage.get(secretName(e.id)).then(v => v, () => undefined));
    return { label: e.label, description: e.id, detail: `${e.baseUrl}${has ? ' — key set' : ''}`, endpoint: e, has };
  }));
  const shown = onlyWithKey ? items.filter(i => i.has) : items;
  if (shown.length === 0) {
    void vscode.window.showInformationMessage(onlyWithKey ? 'Tack has no stored API keys.' : 'No providers are configured.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(shown, { title, placeHolder: 'Provider' }))?.endpoint;
}

/** The handlers of Tack: Set API Key and Tack: Remove API Key, by command id. */
export function keyCommands(storage: vscode.SecretStorage): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    'tack.setApiKey': async (providerId?: unknown) => {
      const endpoint = typeof providerId === 'string'
        ? listEndpoints(readSettings()).endpoints.find(e => e.id === providerId)
        : await pickProvider('Tack: Set API Key', storage, false);
      if (!endpoint) return false;
      const key = await vscode.window.showInputBox({
        title: `API key for ${endpoint.label}`,
        prompt: `Stored in VS Code's secret storage and sent only to ${originOf(endpoint.baseUrl) ?? endpoint.baseUrl}.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: v => (v.trim() ? undefined : 'Enter the key, or press Escape'),
      });
      if (!key?.trim()) return false;
      await storage.store(secretName(endpoint.id), serializeStoredKey({ key: key.trim(), origin: originOf(endpoint.baseUrl) }));
      void vscode.window.showInformationMessage(`Tack: API key for ${endpoint.label} saved.`);
      return true;
    },
    'tack.removeApiKey': async () => {
      const endpoint = await pickProvider('Tack: Remove API Key', storage, true);
      if (!endpoint) return false;
      await storage.delete(secretName(endpoint.id));
      void vscode.window.showInformationMessage(`Tack: API key for ${endpoint.label} removed.`);
      return true;
    },
  };
}
