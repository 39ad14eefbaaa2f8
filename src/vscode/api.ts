/** What `activate` returns: a small handle for integration tests and other extensions. */
import type { SessionTotals } from '../core/index';
import type { Marker, ViewMessage } from '../shared/protocol';

export interface TackApi {
  /** Resolves once Tack's runtime is loaded (activation returns before); the synchronous calls need it. */
  ready(): Promise<void>;
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
  /** Goes on after the step limit. */
  continueRun(): Promise<void>;
  /** Tool calls waiting for the person. */
  pendingApprovals(): Array<{ id: string; nonce: string; tool: string; summary: string }>;
  /** Answers one as the panel's buttons do (id and nonce must match). */
  answerApproval(id: string, nonce: string, decision: 'approve' | 'reject' | 'session'): boolean;
  /** Sessions: the open session's id and file, resuming a saved one, Compact Now, the compaction cards and notices. */
  sessionId(): string;
  sessionFile(): string;
  openSession(id: string): Promise<boolean>;
  compactNow(instructions?: string): Promise<boolean>;
  markers(): Marker[];
}
