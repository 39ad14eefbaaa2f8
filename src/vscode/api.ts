/** What `activate` returns: a small handle for integration tests and other extensions. */
import type { SessionTotals } from '../core/index';
import type { ViewMessage } from '../shared/protocol';

export interface TackApi {
  /** Sends a message as if typed in the panel; resolves when the answer is complete. */
  send(text: string): Promise<void>;
  retry(): Promise<void>;
  stop(): void;
  messages(): ViewMessage[];
  modelRef(): string;
  /** The model entry of the status bar. */
  statusText(): string;
  statusTexts(): Record<'profile' | 'model' | 'quantization' | 'usage', string>;
  profileName(): string;
  sessionTotals(): SessionTotals;
  isViewResolved(): boolean;
}
