/**
 * Runs the conversation for the panel: turns go through core's ChatSession; what happens is posted to the
 * webview as protocol messages. Owns the conversation, so hiding or reloading the webview loses nothing:
 * a fresh webview says `ready` and gets the whole state back.
 */
import type { ChatMessage, ChatSession, StreamEvent, TackSettings, TurnOptions } from '../core/index';
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

/** What one turn runs with: resolved from the active profile, the chosen model and the user settings. */
export interface TurnPlan {
  settings: TackSettings;
  modelRef: string;
  turn?: TurnOptions;
}

export interface ControllerHost {
  post(msg: HostToWebview): void;
  plan(): TurnPlan;
  modelInfo(): ModelInfo;
  /** Every event of a turn, for the ledger and the status bar. Must not throw. */
  observe(ev: StreamEvent, modelRef: string): void;
  /** Called after every turn, with the turn's error when it failed. */
  turnEnded(lastError?: { kind: string; message: string }): void;
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
    const plan = this.host.plan();
    const events = this.session.send(text, plan.settings, plan.modelRef, controller.signal, plan.turn);
    const answerIndex = this.session.messages.length;
    this.host.post({ type: 'append', message: toViewMessage(this.session.messages[answerIndex - 1]) });
    return this.run(controller, events, answerIndex, false, plan.modelRef).then(() => true);
  }

  retry(): Promise<boolean> {
    if (this.busy || !this.session.canRetry()) return Promise.resolve(false);
    const controller = new AbortController();
    const answerIndex = this.session.messages.map(m => m.role).lastIndexOf('user') + 1;
    const plan = this.host.plan();
    const events = this.session.retry(plan.settings, plan.modelRef, controller.signal, plan.turn);
    return this.run(controller, events, answerIndex, true, plan.modelRef).then(() => true);
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
  private run(controller: AbortController, events: AsyncGenerator<StreamEvent>, index: number, isRetry: boolean, modelRef: string): Promise<void> {
    this.running = controller;
    const turn = this.consume(events, index, isRetry, modelRef).finally(() => {
      this.running = undefined;
      this.host.post({ type: 'busy', busy: false });
      this.host.post({ type: 'status', text: '' });
      const answer = this.session.messages[index];
      this.host.turnEnded(answer?.role === 'assistant' ? answer.interrupted : undefined);
    });
    this.turn = turn;
    return turn;
  }

  private async consume(events: AsyncGenerator<StreamEvent>, index: number, isRetry: boolean, modelRef: string): Promise<void> {
    this.host.post({ type: 'busy', busy: true });
    if (isRetry) this.host.post({ type: 'truncate', index });
    this.host.post({ type: 'append', message: toViewMessage({ role: 'assistant', text: '', model: modelRef }) });
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
    let countdown: ReturnType<typeof setInterval> | undefined;
    const stopCountdown = () => { clearInterval(countdown); countdown = undefined; };
    const handle = (ev: StreamEvent) => {
      // The answer's model, not the requested one: a profile's fallback may have taken over.
      const answer = this.session.messages[index];
      this.host.observe(ev, answer?.role === 'assistant' ? answer.model : modelRef);
      if (countdown) { stopCountdown(); this.host.post({ type: 'status', text: '' }); }
      if (ev.type === 'retry') {
        // The wait is shown as a countdown; Stop aborts the turn, which ends the wait at once.
        const until = Date.now() + ev.waitMs;
        const show = () => {
          const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
          this.host.post({ type: 'status', text: ev.waitMs > 0 ? `${ev.message} Retrying in ${s} s (attempt ${ev.attempt} of ${ev.maxAttempts}). Stop cancels.` : ev.message });
        };
        show();
        countdown = setInterval(show, 1000);
        return;
      }
      if (ev.type === 'text' || ev.type === 'reasoning') {
        if (ev.type === 'text') text += ev.delta; else reasoning += ev.delta;
        if (!timer) {
          this.host.post({ type: 'status', text: '' });
          timer = setTimeout(flush, FLUSH_MS);
        }
      }
    };
    try {
      for await (const ev of events) handle(ev);
    } finally {
      stopCountdown();
    }
    clearTimeout(timer);
    flush();
    this.host.post({ type: 'replace', index, message: toViewMessage(this.session.messages[index]) });
  }
}
