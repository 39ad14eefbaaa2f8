/**
 * The composer pinned under the list: `#status`, the `#input` textarea, `#model`, `#send` and `#stop`.
 * Enter sends, Shift+Enter breaks the line, Enter during IME composition belongs to the IME.
 * While busy nothing is sent: the text stays so the user can keep writing the next message.
 */
import type { ModelInfo } from '../shared/protocol';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  switchModel(): void;
  draftChanged(text: string): void;
}

/** The protocol's limit on a sent message. */
const MAX_TEXT = 1_000_000;
/** The textarea grows with its content up to this many lines, then scrolls. */
const MAX_ROWS = 10;

export class Composer {
  readonly el: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly modelLabel: HTMLButtonElement;
  private readonly sessionLabel: HTMLSpanElement;
  private readonly status: HTMLDivElement;
  private busy = false;

  constructor(private readonly actions: ComposerActions, draft: string) {
    this.el = document.createElement('div');
    this.el.className = 'composer';

    this.status = document.createElement('div');
    this.status.id = 'status';
    this.status.className = 'status';
    this.status.setAttribute('role', 'status');
    this.status.hidden = true;

    this.input = document.createElement('textarea');
    this.input.id = 'input';
    this.input.rows = 1;
    this.input.placeholder = 'Ask anything (Enter to send, Shift+Enter for a new line)';
    this.input.setAttribute('aria-label', 'Message');
    this.input.spellcheck = true;
    this.input.value = draft;

    this.modelLabel = makeButton('model', 'model-label', '');
    this.modelLabel.title = 'Switch model';
    this.stopButton = makeButton('stop', 'secondary', 'Stop');
    this.stopButton.title = 'Stop the reply (Escape)';
    this.stopButton.hidden = true;
    this.sendButton = makeButton('send', 'primary', 'Send');
    this.sendButton.title = 'Send (Enter)';

    const bar = document.createElement('div');
    bar.className = 'composer-bar';
    const spacer = document.createElement('span');
    spacer.className = 'spacer';
    this.sessionLabel = document.createElement('span');
    this.sessionLabel.id = 'session';
    this.sessionLabel.className = 'session-label';
    bar.append(this.modelLabel, this.sessionLabel, spacer, this.stopButton, this.sendButton);
    this.el.append(this.status, this.input, bar);

    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.input.addEventListener('input', () => {
      this.autosize();
      this.actions.draftChanged(this.input.value);
    });
    this.sendButton.addEventListener('click', () => {
      this.trySend();
      this.input.focus();
    });
    this.stopButton.addEventListener('click', () => this.actions.stop());
    this.modelLabel.addEventListener('click', () => this.actions.switchModel());
    // Escape stops a running reply wherever focus is inside the panel.
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.busy && !e.isComposing) {
        e.preventDefault();
        this.actions.stop();
      }
    });
    this.autosize();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    const stopHadFocus = document.activeElement === this.stopButton;
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
    if (stopHadFocus && !busy) this.input.focus();
  }

  setModel(model: ModelInfo): void {
    this.modelLabel.textContent = model.label;
    this.sessionLabel.textContent = model.session ?? '';
    this.modelLabel.title = model.ref ? `${model.ref}: click to switch model` : 'Click to choose a model';
  }

  /** '' hides the line. */
  setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
  }

  /** Replaces the input text (e.g. "Edit message"), caret at the end, and persists it as the draft. */
  setText(text: string): void {
    this.input.value = text;
    this.autosize();
    this.input.focus();
    this.input.setSelectionRange(text.length, text.length);
    this.actions.draftChanged(text);
  }

  focus(): void {
    this.input.focus();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // keyCode 229 covers engines that report the IME's confirming Enter without isComposing.
    if (e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.trySend();
  }

  private trySend(): void {
    if (this.busy) return;
    const text = this.input.value;
    if (text.trim() === '') return;
    if (text.length > MAX_TEXT) {
      this.setStatus(`The message is too long (over ${MAX_TEXT.toLocaleString()} characters).`);
      return;
    }
    this.actions.send(text);
    this.input.value = '';
    this.autosize();
    this.actions.draftChanged('');
  }

  /**
   * Line-count fallback for engines without CSS `field-sizing: content` (which, where supported,
   * sizes the textarea by its wrapped content and ignores `rows`). No inline styles: the CSP forbids them.
   */
  private autosize(): void {
    const lines = this.input.value.split('\n').length;
    this.input.rows = Math.min(MAX_ROWS, Math.max(1, lines));
  }
}

function makeButton(id: string, className: string, label: string): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.id = id;
  el.className = className;
  el.textContent = label;
  return el;
}
