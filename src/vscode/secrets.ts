/** API keys live only in VS Code's SecretStorage, one entry per provider id. */
import type * as vscode from 'vscode';
import type { KeySource } from '../core/index';

export const secretName = (providerId: string): string => `tack.apiKey.${providerId}`;

export function secretKeys(storage: vscode.SecretStorage): KeySource {
  return {
    getKey: async id => {
      try {
        return (await storage.get(secretName(id))) || undefined;
      } catch {
        return undefined; // an unavailable keychain means "no key"; the provider's 401 then says what to do
      }
    },
  };
}
