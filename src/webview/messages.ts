/**
 * The `#messages` list: mirrors the host's conversation by index, batches streamed deltas into at most
 * one render per animation frame, keeps the view pinned to the bottom only while the user is there,
 * and handles every click inside it by delegation (rendered markdown carries no handlers).
 */
import type { ViewMessage } from '../shared/protocol';
import { codeForCopyButton, linkTarget } from './markdown';
import { createMessageView, renderContent, renderMessage, renderTail, type MessageView, type TailContext } from './render';

export interface MessageListActions {
  retry(): void;
  /** Put a failed turn's user text back into the input. */
  edit(text: string): void;
  copy(text: string): void;
  openLink(url: string): void;
}

/** Within this many pixels of the end counts as "at the bottom". */
const STICK_THRESHOLD_PX = 40;
const COPIED_MS = 1500;

export class MessageList {
  readonly el: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private views: MessageView[] = [];
  private busy = false;
  /** True while the user is at (or near) the bottom; updated only by scroll events. */
  private pinned = true;
  private readonly dirty = new Set<MessageView>();
  private frame = 0;
  private lastRenderMs = 0;
  private lastRenderEnd = 0;

  constructor(private readonly actions: MessageListActions) {
    this.el = document.createElement('div');
    this.el.id = 'messages';
    this.el.setAttribute('role', 'log');
    this.el.setAttribute('aria-label', 'Conversation');
    this.el.tabIndex = 0;
    this.empty = document.createElement('div');
    this.empty.className = 'empty';
    const title = document.createElement('p');
    title.className = 'empty-title';
    title.textContent = 'Type a message below to start.';
    const hint = document.createElement('p');
    hint.textContent = 'Switch the model from the status bar, or by clicking the model name under the input.';
    this.empty.append(title, hint);
    this.el.append(this.empty);

    this.el.addEventListener('scroll', () => {
      this.pinned = this.distanceFromBottom() <= STICK_THRESHOLD_PX;
    });
    // The list also shrinks when the input grows; keep the newest text in view.
    new ResizeObserver(() => this.stick()).observe(this.el);
    this.el.addEventListener('click', (e) => this.onClick(e));
    // Middle-click would otherwise try to open the link in a new browsing context.
    this.el.addEventListener('auxclick', (e) => {
      if (e.target instanceof Element && e.target.closest('a')) e.preventDefault();
    });
  }

  /** Replaces the whole conversation (the host's `state`). */
  reset(messages: ViewMessage[]): void {
    this.cancelFrame();
    for (const view of this.views) view.el.remove();
    this.views = messages.map((m) => createMessageView(m));
    this.el.append(...this.views.map((v) => v.el));
    this.views.forEach((_, i) => this.render(i));
    this.updateEmpty();
    this.pinned = true;
    this.stick();
  }

  append(message: ViewMessage): void {
    const view = createMessageView(message);
    this.views.push(view);
    this.el.append(view.el);
    this.render(this.views.length - 1);
    // The previous last message loses its Retry button.
    if (this.views.length > 1) this.renderTailAt(this.views.length - 2);
    this.updateEmpty();
    // The user's own message always brings the view down to the conversation's end.
    if (message.role === 'user') this.pinned = true;
    this.stick();
  }

  delta(index: number, text: string | undefined, reasoning: string | undefined): void {
    const view = this.views[index];
    if (!view) {
      console.warn(`Tack: delta for missing message ${index}`);
      return;
    }
    if (text) view.data = { ...view.data, text: view.data.text + text };
    if (reasoning) view.data = { ...view.data, reasoning: (view.data.reasoning ?? '') + reasoning };
    this.dirty.add(view);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  replace(index: number, message: ViewMessage): void {
    if (index === this.views.length) {
      this.append(message);
      return;
    }
    const view = this.views[index];
    if (!view) {
      console.warn(`Tack: replace for missing message ${index}`);
      return;
    }
    view.data = message;
    this.dirty.delete(view);
    this.render(index);
    this.stick();
  }

  /** Removes messages from `index` to the end. */
  truncate(index: number): void {
    for (const view of this.views.splice(index)) {
      view.el.remove();
      this.dirty.delete(view);
    }
    // The new last message may now offer Retry.
    if (this.views.length > 0) this.renderTailAt(this.views.length - 1);
    this.updateEmpty();
    this.stick();
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.el.classList.toggle('busy', busy);
    this.el.setAttribute('aria-busy', String(busy));
    if (this.views.length > 0) this.renderTailAt(this.views.length - 1);
  }

  private render(index: number): void {
    const view = this.views[index];
    if (view) renderMessage(view, this.tailContext(index));
  }

  private renderTailAt(index: number): void {
    const view = this.views[index];
    if (view) renderTail(view, this.tailContext(index));
  }

  private tailContext(index: number): TailContext {
    return { isLast: index === this.views.length - 1, busy: this.busy, canEdit: this.userTextFor(index) !== undefined };
  }

  /** The text of the user turn that message `index` belongs to: itself if it is a user message, else the nearest one before it. */
  private userTextFor(index: number): string | undefined {
    for (let i = index; i >= 0; i--) {
      const m = this.views[i]?.data;
      if (m?.role === 'user') return m.text;
    }
    return undefined;
  }

  /**
   * Renders the messages that received deltas. Re-rendering re-parses the whole reply, so when that
   * gets expensive, renders are spaced out to keep them to about a third of the time.
   */
  private flush(): void {
    this.frame = 0;
    const start = performance.now();
    if (start - this.lastRenderEnd < this.lastRenderMs * 2) {
      this.frame = requestAnimationFrame(() => this.flush());
      return;
    }
    for (const view of this.dirty) renderContent(view);
    this.dirty.clear();
    this.stick();
    this.lastRenderEnd = performance.now();
    this.lastRenderMs = this.lastRenderEnd - start;
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.dirty.clear();
  }

  /** The welcome is removed, not hidden, so it is in the list exactly when the list is empty. */
  private updateEmpty(): void {
    if (this.views.length > 0) this.empty.remove();
    else if (this.empty.parentNode !== this.el) this.el.prepend(this.empty);
  }

  private distanceFromBottom(): number {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight;
  }

  private stick(): void {
    if (this.pinned) this.el.scrollTop = this.el.scrollHeight;
  }

  private onClick(e: MouseEvent): void {
    if (!(e.target instanceof Element)) return;
    const target = e.target;

    const copy = target.closest('button.copy');
    if (copy instanceof HTMLButtonElement) {
      const code = codeForCopyButton(copy);
      if (code !== undefined) {
        this.actions.copy(code);
        showCopied(copy);
      }
      return;
    }

    const retry = target.closest('button.retry');
    if (retry instanceof HTMLButtonElement) {
      if (!retry.disabled && !this.busy) this.actions.retry();
      return;
    }

    const edit = target.closest('button.edit');
    if (edit) {
      const index = this.views.findIndex((v) => v.el.contains(edit));
      const text = index >= 0 ? this.userTextFor(index) : undefined;
      if (text !== undefined) this.actions.edit(text);
      return;
    }

    // Links never navigate the webview; safe ones are opened by the host, the rest do nothing.
    const link = target.closest('a');
    if (link && this.el.contains(link)) {
      e.preventDefault();
      const url = linkTarget(link.getAttribute('href'));
      if (url) this.actions.openLink(url);
    }
  }
}

const copiedTimers = new WeakMap<HTMLButtonElement, number>();

function showCopied(button: HTMLButtonElement): void {
  clearTimeout(copiedTimers.get(button));
  button.textContent = 'Copied';
  button.classList.add('copied');
  copiedTimers.set(
    button,
    window.setTimeout(() => {
      button.textContent = 'Copy';
      button.classList.remove('copied');
    }, COPIED_MS),
  );
}
