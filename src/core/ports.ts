/**
 * What core needs from its host (the VS Code extension or the CLI). Kept small so core runs and is tested
 * without VS Code; each host supplies its own implementation.
 */
import type { StoredKey } from './providers/keys';

/** Where API keys come from: SecretStorage in VS Code, the environment in the CLI. Never settings. */
export interface KeySource {
  /** The key stored for a provider id with the origin it belongs to, or undefined when none is set. Must not throw. */
  getKey(providerId: string): Promise<StoredKey | undefined>;
  /**
   * Asks the person whether the key stored for `providerId` may go to `origin` (the provider's baseUrl changed
   * since the key was stored). Resolves true to send it (the host then remembers the new origin). Hosts that
   * cannot ask leave it out, or answer `{ refused }` with the reason and what the person can do instead: the key is
   * then not sent. Must not throw.
   */
  confirmOrigin?(providerId: string, origin: string, previous: string | undefined): Promise<boolean | { refused: string }>;
}

/** Diagnostics for people (the output channel, stderr). Must never receive a key. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A key source for hosts without keys (tests, local-only use). */
export const noKeys: KeySource = { getKey: async () => undefined };
