/**
 * The stored API keys of the configured providers, as plain strings, for the one purpose of keeping them out of
 * files Tack writes (sessions, exports). Read from SecretStorage when asked to refresh (start, a key or settings
 * change, each run); synchronous readers get the last list.
 */
import { listEndpoints, type KeySource, type Logger } from '../core/index';
import { readSettings } from './settings';

export class StoredKeys {
  private keys: string[] = [];

  constructor(private readonly source: KeySource, private readonly log: Logger) {}

  readonly list = (): readonly string[] => this.keys;

  /** Never throws: a provider whose key cannot be read has none to hide. */
  async refresh(): Promise<void> {
    try {
      const ids = listEndpoints(readSettings()).endpoints.map(e => e.id);
      const found = await Promise.all(ids.map(id => this.source.getKey(id).then(k => k?.key, () => undefined)));
      this.keys = found.filter((k): k is string => !!k && k.length >= 4);
    } catch (err) {
      this.log.warn(`Could not read the stored keys to keep them out of session files: ${(err as Error).message}`);
    }
  }
}
