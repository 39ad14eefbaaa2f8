/**
 * DOM for one chat message. A message element is updated in place rather than rebuilt, so the
 * reasoning <details> keeps the open/closed state the user chose while a reply streams in.
 *
 * Layout (ids/classes are what the tests drive):
 *   div.msg.{user|assistant}[data-id]                              (.has-tools when it made tool calls)
 *     details.reasoning > summary "Thinking" + div.reasoning-text   (assistant, when reasoning is present)
 *     div.body                                                       (user: plain text; assistant: markdown)
 *     div.tools > div.tool-card…                                    (assistant, see tool-cards.ts)
 *     div.interrupted                                                (error with partial text)
 *     div.error.error-<kind> > .error-message, .error-hint, .error-actions > button.retry, button.edit
 *     div.meta                                                       (assistant: model · usage · cost)
 */
import type { ViewMessage } from '../shared/protocol';
import { MarkdownStream } from './markdown-stream';
import type { ToolCardList } from './tool-cards';

type ErrorKind = NonNullable<ViewMessage['error']>['kind'];

/** What the user can do about each kind of failure. */
const HINTS: Record<ErrorKind, string> = {
  auth: "Set the provider's API key, then retry.",
  network: 'Check that the server is running and that its baseUrl in settings is right.',
  config: 'Open settings and check tack.model and tack.providers.',
  not_found: 'Pick another model with Switch Model.',
  rate_limit: 'The server is limiting requests. Wait a moment, then retry.',
  server: 'The server failed. Retry later.',
  bad_response: "The server's reply was not understood. See the Tack output channel for details.",
  cancelled: 'Stopped.',
  policy: 'The current profile forbids this.',
};

export interface MessageView {
  data: ViewMessage;
  readonly el: HTMLDivElement;
  readonly body: HTMLDivElement;
  reasoning?: { details: HTMLDetailsElement; text: HTMLDivElement; shown: string };
  /** Role whose content `body` holds. */
  role?: ViewMessage['role'];
  /** User text shown in `body`. */
  userText?: string;
  /** Assistant markdown in `body`; re-renders only what streamed in since the last update. */
  markdown?: MarkdownStream;
  tools?: ToolCardList;
}

/** Facts about the message's place in the conversation that decide which actions it offers. */
export interface TailContext {
  /** Retry is only offered on the last message. */
  isLast: boolean;
  /** Retry is shown but disabled while a turn is running. */
  busy: boolean;
  /** A user message exists at or before this one, so "Edit message" has text to restore. */
  canEdit: boolean;
}

export function createMessageView(data: ViewMessage): MessageView {
  const el = document.createElement('div');
  el.dataset.id = data.id;
  const body = document.createElement('div');
  body.className = 'body';
  el.append(body);
  return { data, el, body };
}

/** The message's tool cards, created (after the body) on first use by `make`. */
export function toolsOf(view: MessageView, make: () => ToolCardList): ToolCardList {
  if (!view.tools) {
    view.tools = make();
    view.body.after(view.tools.el);
    view.el.classList.add('has-tools');
  }
  return view.tools;
}

/** Full update: content plus the error/meta tail. */
export function renderMessage(view: MessageView, ctx: TailContext): void {
  renderContent(view);
  renderTail(view, ctx);
}

/** Updates role, reasoning and body; the cheap part to call on every streamed frame. */
export function renderContent(view: MessageView): void {
  const { data } = view;
  if (view.role !== data.role) {
    view.el.classList.remove('user', 'assistant');
    view.el.classList.add('msg', data.role);
    view.markdown?.clear();
    view.markdown = undefined;
    view.userText = undefined;
    view.body.replaceChildren();
    view.role = data.role;
  }
  renderReasoning(view);
  if (data.role === 'user') {
    // User text is shown exactly as typed and is never interpreted as markup.
    if (view.userText !== data.text) view.body.textContent = data.text;
    view.userText = data.text;
  } else {
    view.markdown ??= new MarkdownStream(view.body);
    view.markdown.update(data.text);
  }
}

function renderReasoning(view: MessageView): void {
  const reasoning = view.data.role === 'assistant' ? view.data.reasoning : undefined;
  if (!reasoning) {
    view.reasoning?.details.remove();
    view.reasoning = undefined;
    return;
  }
  if (!view.reasoning) {
    const details = document.createElement('details');
    details.className = 'reasoning';
    const summary = document.createElement('summary');
    summary.textContent = 'Thinking';
    const text = document.createElement('div');
    text.className = 'reasoning-text';
    details.append(summary, text);
    view.el.insertBefore(details, view.body);
    view.reasoning = { details, text, shown: '' };
  }
  const r = view.reasoning;
  if (r.shown === reasoning) return;
  // Streamed reasoning only grows: append the new part instead of re-laying out all of it.
  if (r.shown !== '' && reasoning.startsWith(r.shown)) {
    r.text.append(document.createTextNode(reasoning.slice(r.shown.length)));
    if (r.text.childNodes.length > 256) r.text.normalize();
  } else {
    r.text.textContent = reasoning;
  }
  r.shown = reasoning;
}

/** Rebuilds everything after the body; it changes only on replace, busy changes and list changes. */
export function renderTail(view: MessageView, ctx: TailContext): void {
  for (const old of view.el.querySelectorAll(':scope > .interrupted, :scope > .error, :scope > .meta')) old.remove();
  const { error, text } = view.data;
  if (error && text) view.el.append(textDiv('interrupted', '(interrupted)'));
  if (error) view.el.append(errorBox(error, ctx));
  const meta = metaText(view.data);
  if (meta) {
    const el = textDiv('meta', meta);
    if (view.data.model) el.title = view.data.model;
    view.el.append(el);
  }
}

function errorBox(error: NonNullable<ViewMessage['error']>, ctx: TailContext): HTMLElement {
  const box = document.createElement('div');
  box.className = `error error-${error.kind}`;
  // A cancelled turn is the user's own doing: a neutral "Stopped." replaces the message text.
  if (error.kind !== 'cancelled' && error.message) box.append(textDiv('error-message', error.message));
  box.append(textDiv('error-hint', HINTS[error.kind]));
  if (ctx.isLast || ctx.canEdit) {
    const actions = document.createElement('div');
    actions.className = 'error-actions';
    if (ctx.isLast) {
      const retry = button('retry', 'Retry');
      retry.disabled = ctx.busy;
      actions.append(retry);
    }
    if (ctx.canEdit) actions.append(button('edit', 'Edit message'));
    box.append(actions);
  }
  return box;
}

/** e.g. `qwen3:8b · 12 in / 40 out · $0.0012`; '' for user messages and replies with nothing known yet. */
export function metaText(message: ViewMessage): string {
  if (message.role !== 'assistant') return '';
  const parts: string[] = [];
  if (message.model) parts.push(shortModel(message.model));
  if (message.usage) {
    parts.push(`${message.usage.input} in / ${message.usage.output} out`);
    if (message.usage.costUsd !== null) parts.push(formatCost(message.usage.costUsd));
  }
  return parts.join(' · ');
}

/** `<provider>/<model>` → `<model>`; the model id itself may contain `/`, so only the first segment goes. */
function shortModel(ref: string): string {
  const slash = ref.indexOf('/');
  return slash > 0 && slash < ref.length - 1 ? ref.slice(slash + 1) : ref;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

function textDiv(className: string, text: string): HTMLDivElement {
  const el = document.createElement('div');
  el.className = className;
  el.textContent = text;
  return el;
}

function button(className: string, label: string): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = className;
  el.textContent = label;
  return el;
}
