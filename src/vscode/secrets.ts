/**
 * API keys live only in VS Code's SecretStorage, one entry per provider id: `{"key","origin"}` (or a bare legacy
 * key). A key goes to another origin only after the person confirmed it in a modal dialog; the confirmation is
 * remembered by storing the new origin with the key.
 */
import * as vscode from 'vscode';
import { parseStoredKey, serializeStoredKey, type KeySource } from '../core/index';

export const secretName = (providerId: string): string => `tack.apiKey.${providerId}`;

export function secretKeys(storage: vscode.SecretStorage): KeySource {
  const read = async (id: string) => {
    try {
      return parseStoredKey(await storage.get(secretName(id)));
    } catch {
      return undefined; // an unavailable keychain means "no key"; the provider's 401 then says what to do
    }
  };
  return {
    getKey: read,
    confirmOrigin: async (id, origin, previous) => {
      const send = 'Send the key';
      const answer = await vscode.window.showWarningMessage(
        `The API key for "${id}" was stored for ${previous ?? 'another server'}. Send it to ${origin}?`,
        { modal: true, detail: 'Only say yes if you changed this provider\'s baseUrl yourself. A repository or an extension could otherwise collect your key.' },
        send,
      );
      if (answer !== send) return false;
      const stored = await read(id);
      if (stored) await storage.store(secretName(id), serializeStoredKey({ key: stored.key, origin }));
      return true;
    },
  };
}
