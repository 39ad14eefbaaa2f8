/**
 * The `#messages` list: mirrors the host's conversation, addressed by message id (and tool cards by tool-call id).
 * Every update touches only the message or card it names, never the whole list. Streamed deltas and live tool
 * output are batched into at most one render per animation frame; the view stays pinned to the bottom only while
 * the user is there; clicks in rendered markdown are handled by delegation (it carries no handlers).
 */
import type { ToolCard, ViewMessage } from '../shared/protocol';
import { codeForCopyButton, linkTarget } from './markdown';
import { createMessageView, renderContent, renderTail, toolsOf, type MessageView, type TailContext } from './render';
import { ToolCardList, type ToolCardActions, type ToolCardView } from './tool-cards';

export interface MessageListActions extends ToolCardActions {
  retry(): void;
  /** Put a failed turn's user text back into the input. */
  edit(text: string): void;
  copy(text: string): void;
  openLink(url: string): void;
}

/** Within this many pixels of the end counts as "at the bottom". */
const STICK_THRESHOLD_PX = 40;
const COPIED_MS = 1500;
/** A scroll this soon after the person's own input is theirs. */
const USER_SCROLL_MS = 1000;

export class MessageList {
  readonly el: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  /** The conversation in order, and the same views by message id. */
  private order: MessageView[] = [];
  private readonly byId = new Map<string, MessageView>();
  /** Every tool card shown, by tool-call id (for live output). */
  private readonly cards = new Map<string, ToolCardView>();
  private busy = false;
  /** True while the user is at (or near) the bottom; updated only by scroll events. */
  private pinned = true;
  private readonly dirty = new Set<MessageView>();
  private readonly dirtyCards = new Set<ToolCardView>();
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

    // Only the person unpins: a scroll away from the end counts when it follows their wheel, touch, key or pointer;
    // scrolls caused by layout (blocks that were skipped off screen getting their real height) never unpin.
    let lastUserInput = -Infinity;
    for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
      this.el.addEventListener(type, () => { lastUserInput = performance.now(); }, { passive: true });
    }
    this.el.addEventListener('scroll', () => {
      if (this.distanceFromBottom() <= STICK_THRESHOLD_PX) this.pinned = true;
      else if (performance.now() - lastUserInput < USER_SCROLL_MS) this.pinned = false;
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
    for (const view of this.order) this.drop(view);
    this.order = [];
    for (const message of messages) {
      if (this.byId.has(message.id)) {
        console.warn(`Tack: duplicate message id ${message.id} in state`);
        continue;
      }
      const view = createMessageView(message);
      this.order.push(view);
      this.byId.set(message.id, view);
    }
    this.el.append(...this.order.map((v) => v.el));
    this.order.forEach((view, i) => this.renderFull(view, i));
    this.updateEmpty();
    this.pinned = true;
    this.stick();
  }

  append(message: ViewMessage): void {
    if (this.byId.has(message.id)) {
      this.replace(message);
      return;
    }
    const view = createMessageView(message);
    this.order.push(view);
    this.byId.set(message.id, view);
    this.el.append(view.el);
    this.renderFull(view, this.order.length - 1);
    // The previous last message loses its Retry button.
    if (this.order.length > 1) this.renderTailAt(this.order.length - 2);
    this.updateEmpty();
    // The user's own message always brings the view down to the conversation's end.
    if (message.role === 'user') this.pinned = true;
    this.stick();
  }

  delta(id: string, text: string | undefined, reasoning: string | undefined): void {
    const view = this.byId.get(id);
    if (!view) {
      console.warn(`Tack: delta for unknown message ${id}`);
      return;
    }
    if (text) view.data = { ...view.data, text: view.data.text + text };
    if (reasoning) view.data = { ...view.data, reasoning: (view.data.reasoning ?? '') + reasoning };
    this.dirty.add(view);
    this.schedule();
  }

  /**
   * The message is final. Its text usually equals what was streamed, and then the rendered DOM is kept as is
   * (the stream renderer's output equals a full render); anything else is rendered anew.
   */
  replace(message: ViewMessage): void {
    const view = this.byId.get(message.id);
    if (!view) {
      this.append(message);
      return;
    }
    view.data = message;
    this.dirty.delete(view);
    this.renderFull(view, this.order.indexOf(view));
    this.stick();
  }

  /** Removes the messages after `afterId`; without an id, all of them. An unknown id removes nothing. */
  truncate(afterId: string | undefined): void {
    let keep = 0;
    if (afterId !== undefined) {
      const view = this.byId.get(afterId);
      if (!view) {
        console.warn(`Tack: truncate after unknown message ${afterId}`);
        return;
      }
      keep = this.order.indexOf(view) + 1;
    }
    for (const view of this.order.splice(keep)) this.drop(view);
    // The new last message may now offer Retry.
    if (this.order.length > 0) this.renderTailAt(this.order.length - 1);
    this.updateEmpty();
    this.stick();
  }

  /** Adds or updates one tool card of assistant message `messageId`; nothing else is touched. */
  tool(messageId: string, card: ToolCard): void {
    const view = this.byId.get(messageId);
    if (!view) {
      console.warn(`Tack: tool card for unknown message ${messageId}`);
      return;
    }
    const tools = view.data.tools ?? [];
    const at = tools.findIndex((t) => t.id === card.id);
    view.data = { ...view.data, tools: at < 0 ? [...tools, card] : tools.map((t, i) => (i === at ? card : t)) };
    this.toolList(view).upsert(card);
    this.stick();
  }

  /** Live output for the card of tool call `id`, shown with the next frame. */
  toolOutput(id: string, chunk: string): void {
    const card = this.cards.get(id);
    if (!card) {
      console.warn(`Tack: output for unknown tool call ${id}`);
      return;
    }
    card.queueOutput(chunk);
    this.dirtyCards.add(card);
    this.schedule();
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.el.classList.toggle('busy', busy);
    this.el.setAttribute('aria-busy', String(busy));
    if (this.order.length > 0) this.renderTailAt(this.order.length - 1);
  }

  private renderFull(view: MessageView, index: number): void {
    renderContent(view);
    // A message without `tools` leaves the cards as they are (a host may finish a message without resending them).
    const cards = view.data.tools;
    if (cards && (cards.length > 0 || view.tools)) this.toolList(view).sync(cards);
    renderTail(view, this.tailContext(index));
  }

  private toolList(view: MessageView): ToolCardList {
    return toolsOf(view, () => new ToolCardList(this.actions, this.cards));
  }

  /** Takes a message out of the DOM and out of every index. */
  private drop(view: MessageView): void {
    view.el.remove();
    view.tools?.dispose();
    this.dirty.delete(view);
    if (this.byId.get(view.data.id) === view) this.byId.delete(view.data.id);
  }

  private renderTailAt(index: number): void {
    const view = this.order[index];
    if (view) renderTail(view, this.tailContext(index));
  }

  private tailContext(index: number): TailContext {
    return { isLast: index === this.order.length - 1, busy: this.busy, canEdit: this.userTextFor(index) !== undefined };
  }

  /** The text of the user turn that message `index` belongs to: itself if it is a user message, else the nearest one before it. */
  private userTextFor(index: number): string | undefined {
    for (let i = index; i >= 0; i--) {
      const m = this.order[i]?.data;
      if (m?.role === 'user') return m.text;
    }
    return undefined;
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /**
   * Renders the messages that received deltas and the cards that received output. A render costs about the
   * unstable tail of each reply; should it still get expensive, renders are spaced out to keep them to about a
   * third of the time.
   */
  private flush(): void {
    this.frame = 0;
    const start = performance.now();
    if (start - this.lastRenderEnd < this.lastRenderMs * 2) {
      this.schedule();
      return;
    }
    for (const view of this.dirty) renderContent(view);
    this.dirty.clear();
    for (const card of this.dirtyCards) card.flushOutput();
    this.dirtyCards.clear();
    this.stick();
    this.lastRenderEnd = performance.now();
    this.lastRenderMs = this.lastRenderEnd - start;
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.dirty.clear();
    for (const card of this.dirtyCards) card.flushOutput();
    this.dirtyCards.clear();
  }

  /** The welcome is removed, not hidden, so it is in the list exactly when the list is empty. */
  private updateEmpty(): void {
    if (this.order.length > 0) this.empty.remove();
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
      const index = this.order.findIndex((v) => v.el.contains(edit));
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
