/** What `activate` returns: a small handle for integration tests and other extensions. */
import type { ViewMessage } from '../shared/protocol';

export interface TackApi {
  /** Sends a message as if typed in the panel; resolves when the answer is complete. */
  send(text: string): Promise<void>;
  retry(): Promise<void>;
  stop(): void;
  messages(): ViewMessage[];
  modelRef(): string;
  statusText(): string;
  isViewResolved(): boolean;
}
