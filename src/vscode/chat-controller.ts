/**
 * Runs the conversation for the panel: turns go through core's ChatSession; what happens is posted to the
 * webview as protocol messages. Owns the conversation, so hiding or reloading the webview loses nothing:
 * a fresh webview says `ready` and gets the whole state back.
 */
import type { ChatMessage, ChatSession, StreamEvent, TackSettings } from '../core/index';
import type { HostToWebview, ModelInfo, ViewMessage } from '../shared/protocol';

export function toViewMessage(m: ChatMessage): ViewMessage {
  if (m.role === 'user') return { role: 'user', text: m.text };
  return {
    role: 'assistant',
    text: m.text,
    ...(m.reasoning ? { reasoning: m.reasoning } : {}),
    ...(m.model ? { model: m.model } : {}),
    ...(m.interrupted ? { error: m.interrupted } : {}),
    ...(m.usage ? { usage: { input: m.usage.input + m.usage.cacheRead + m.usage.cacheWrite, output: m.usage.output, costUsd: m.usage.costUsd } } : {}),
  };
}

export interface ControllerHost {
  post(msg: HostToWebview): void;
  settings(): TackSettings;
  modelRef(): string;
  modelInfo(): ModelInfo;
  /** Called after every turn (the status bar shows session totals). */
  turnEnded(): void;
}

/** Streamed text is forwarded in batches, so a fast stream does not flood the webview with one post per token. */
const FLUSH_MS = 30;

export class ChatController {
  private running?: AbortController;
  private turn?: Promise<void>;

  constructor(private readonly session: ChatSession, private readonly host: ControllerHost) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  viewMessages(): ViewMessage[] {
    return this.session.messages.map(toViewMessage);
  }

  fullState(): HostToWebview {
    return { type: 'state', messages: this.viewMessages(), busy: this.busy, model: this.host.modelInfo() };
  }

  /** Starts a turn; resolves when it ends. A send while a turn runs is refused (returns false). */
  send(text: string): Promise<boolean> {
    if (this.busy) return Promise.resolve(false);
    const controller = new AbortController();
    const events = this.session.send(text, this.host.settings(), this.host.modelRef(), controller.signal);
    const answerIndex = this.session.messages.length;
    this.host.post({ type: 'append', message: toViewMessage(this.session.messages[answerIndex - 1]) });
    return this.run(controller, events, answerIndex, false).then(() => true);
  }

  retry(): Promise<boolean> {
    if (this.busy || !this.session.canRetry()) return Promise.resolve(false);
    const controller = new AbortController();
    const answerIndex = this.session.messages.map(m => m.role).lastIndexOf('user') + 1;
    const events = this.session.retry(this.host.settings(), this.host.modelRef(), controller.signal);
    return this.run(controller, events, answerIndex, true).then(() => true);
  }

  stop(): void {
    this.running?.abort();
  }

  async clear(): Promise<void> {
    this.stop();
    await this.turn;
    this.session.clear();
    this.host.post(this.fullState());
    this.host.turnEnded();
  }

  /** `index` is where the session puts the answer (right after the user's message). */
  private run(controller: AbortController, events: AsyncGenerator<StreamEvent>, index: number, isRetry: boolean): Promise<void> {
    this.running = controller;
    const turn = this.consume(events, index, isRetry).finally(() => {
      this.running = undefined;
      this.host.post({ type: 'busy', busy: false });
      this.host.post({ type: 'status', text: '' });
      this.host.turnEnded();
    });
    this.turn = turn;
    return turn;
  }

  private async consume(events: AsyncGenerator<StreamEvent>, index: number, isRetry: boolean): Promise<void> {
    this.host.post({ type: 'busy', busy: true });
    if (isRetry) this.host.post({ type: 'truncate', index });
    this.host.post({ type: 'append', message: toViewMessage({ role: 'assistant', text: '', model: this.host.modelRef() }) });
    this.host.post({ type: 'status', text: 'Waiting for the model…' });

    let text = '';
    let reasoning = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (!text && !reasoning) return;
      this.host.post({ type: 'delta', index, ...(text ? { text } : {}), ...(reasoning ? { reasoning } : {}) });
      text = '';
      reasoning = '';
    };
    const handle = (ev: StreamEvent) => {
      if (ev.type === 'text' || ev.type === 'reasoning') {
        if (ev.type === 'text') text += ev.delta; else reasoning += ev.delta;
        if (!timer) {
          this.host.post({ type: 'status', text: '' });
          timer = setTimeout(flush, FLUSH_MS);
        }
      }
    };
    for await (const ev of events) handle(ev);
    clearTimeout(timer);
    flush();
    this.host.post({ type: 'replace', index, message: toViewMessage(this.session.messages[index]) });
  }
}
