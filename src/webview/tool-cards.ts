/**
 * Tool-call cards inside an assistant message. Every string on a card (title, arguments, output, paths,
 * approval summary and command) comes from the model or a tool and is untrusted: it only ever goes into
 * `textContent` or a text node, never into markup.
 *
 * Layout (classes and attributes are what the tests drive):
 *   div.tools
 *     div.tool-card[data-tool-id][data-state]
 *       details.tool-details > summary.tool-header (span.tool-icon, span.tool-state, span.tool-title)
 *                            > div.tool-body (pre.tool-args, pre.tool-output)
 *       div.tool-approval > .approval-summary, pre.approval-command, .approval-actions >
 *           button.approve, button.approve-session, button.reject, button.show-diff
 *       div.tool-links > button.open-file
 *
 * A card is updated in place: an update touches only the parts that changed, live output is appended as text
 * nodes, and the open/closed state the person chose survives until the call changes state.
 */
import type { ToolCard } from '../shared/protocol';

export interface ToolCardActions {
  approve(id: string, nonce: string, decision: 'approve' | 'session' | 'reject'): void;
  showDiff(id: string, nonce: string): void;
  openFile(path: string): void;
}

type State = ToolCard['state'];

const STATES: Record<State, { icon: string; label: string }> = {
  pending: { icon: '\u25CB', label: 'Queued' },
  awaiting_approval: { icon: '?', label: 'Needs approval' },
  running: { icon: '\u25D4', label: 'Running' },
  done: { icon: '\u2713', label: 'Done' },
  error: { icon: '\u2717', label: 'Failed' },
};

/** Live output beyond this many characters drops its oldest part, so a chatty command cannot bloat the panel. */
const MAX_OUTPUT_CHARS = 200_000;
/** Appended chunks are merged into one text node once there are this many. */
const MAX_TEXT_NODES = 256;
/** Within this many pixels of the end, the output follows new text. */
const FOLLOW_PX = 8;

export class ToolCardView {
  readonly el: HTMLDivElement;
  private card: ToolCard;
  private readonly details: HTMLDetailsElement;
  private readonly icon: HTMLSpanElement;
  private readonly stateLabel: HTMLSpanElement;
  private readonly title: HTMLSpanElement;
  private readonly args: HTMLPreElement;
  private readonly output: HTMLPreElement;
  /** The output text now in the DOM (after any trimming, without the trim notice). */
  private outputShown = '';
  private pending: string[] = [];
  private approval?: { el: HTMLDivElement; nonce: string };
  private links?: { el: HTMLDivElement; path: string };

  constructor(card: ToolCard, private readonly actions: ToolCardActions) {
    this.card = card;
    this.el = document.createElement('div');
    this.el.className = 'tool-card';
    this.el.dataset.toolId = card.id;

    this.details = document.createElement('details');
    this.details.className = 'tool-details';
    const summary = document.createElement('summary');
    summary.className = 'tool-header';
    this.icon = span('tool-icon');
    this.icon.setAttribute('aria-hidden', 'true');
    this.stateLabel = span('tool-state');
    this.title = span('tool-title');
    summary.append(this.icon, this.stateLabel, this.title);

    const body = document.createElement('div');
    body.className = 'tool-body';
    this.args = pre('tool-args');
    this.output = pre('tool-output');
    this.output.hidden = true;
    body.append(this.args, this.output);
    this.details.append(summary, body);
    this.el.append(this.details);
    this.el.addEventListener('click', (e) => this.onClick(e));

    this.apply(card, undefined);
  }

  get id(): string {
    return this.card.id;
  }

  /** Applies the whole card as the host now sees it. */
  update(card: ToolCard): void {
    const before = this.card;
    this.card = card;
    this.apply(card, before);
  }

  /** Queues live output; shown on the next flushOutput (once per frame). */
  queueOutput(chunk: string): void {
    if (chunk) this.pending.push(chunk);
  }

  /** Appends the queued output as one text node, keeping the view at the end if it was there. */
  flushOutput(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.appendOutput(text);
  }

  /** `before` is the card last applied (undefined for a new card); unchanged parts are not touched. */
  private apply(card: ToolCard, before: ToolCard | undefined): void {
    const state = card.state;
    if (this.el.dataset.state !== state) {
      this.el.dataset.state = state;
      this.icon.textContent = STATES[state].icon;
      this.stateLabel.textContent = STATES[state].label;
    }
    // Open while it runs so live output is seen; closed once it is over. In between, the person decides.
    if (state !== before?.state) {
      if (state === 'running') this.details.open = true;
      else if (state === 'done' || state === 'error') this.details.open = false;
    }
    if (card.title !== before?.title || card.name !== before.name) {
      this.title.textContent = card.title || card.name;
      this.details.firstElementChild?.setAttribute('title', card.name);
    }
    if (card.args !== before?.args) {
      this.args.textContent = card.args;
      this.args.hidden = card.args === '';
    }
    if (card.output !== undefined) this.setOutput(card.output);
    this.applyApproval(card);
    this.applyLinks(card.changedPath);
    if (card.subagent || before?.subagent) this.applySubagent(card);
  }

  private subagentEl?: HTMLDivElement;

  /** A task call's child agent: one header line (agent · model · tokens · cost) and a line per tool call it made. */
  private applySubagent(card: ToolCard): void {
    const sub = card.subagent;
    if (!sub) { this.subagentEl?.remove(); this.subagentEl = undefined; return; }
    if (!this.subagentEl) {
      this.subagentEl = document.createElement('div');
      this.subagentEl.className = 'subagent';
      this.details.querySelector('.tool-body')?.prepend(this.subagentEl);
      this.details.open = true;
    }
    const head = document.createElement('div');
    head.className = 'subagent-head';
    const usage = sub.tokens !== undefined ? ` · ${sub.tokens.toLocaleString()} tok${sub.costUsd != null ? ` · $${sub.costUsd.toFixed(4)}` : ''}` : '';
    head.textContent = `${sub.agent} · ${sub.model}${usage}${sub.state === 'running' ? ' · running' : ''}`;
    const list = document.createElement('ul');
    list.className = 'subagent-tools';
    for (const t of sub.tools) {
      const li = document.createElement('li');
      li.dataset.state = t.state;
      li.dataset.toolId = t.id;
      li.textContent = `${STATES[t.state].icon} ${t.title || t.name}`;
      list.append(li);
    }
    const parts: HTMLElement[] = [head, list];
    if (sub.note) { const n = document.createElement('div'); n.className = 'subagent-note'; n.textContent = sub.note; parts.push(n); }
    this.subagentEl.replaceChildren(...parts);
    this.el.dataset.subagent = sub.state;
  }

  /** The host's view of the whole output: extends what is shown, or replaces it (e.g. the final result). */
  private setOutput(full: string): void {
    this.flushOutput();
    if (full === this.outputShown) return;
    if (full.startsWith(this.outputShown) && this.outputShown !== '') {
      this.appendOutput(full.slice(this.outputShown.length));
      return;
    }
    this.output.replaceChildren();
    this.outputShown = '';
    this.appendOutput(full);
  }

  private appendOutput(text: string): void {
    if (!text) return;
    const out = this.output;
    const follow = out.hidden || out.scrollHeight - out.scrollTop - out.clientHeight <= FOLLOW_PX;
    this.outputShown += text;
    if (this.outputShown.length > MAX_OUTPUT_CHARS) {
      this.outputShown = this.outputShown.slice(-MAX_OUTPUT_CHARS / 2);
      const notice = span('output-trimmed');
      notice.textContent = '(earlier output not shown)\n';
      out.replaceChildren(notice, document.createTextNode(this.outputShown));
    } else {
      out.append(document.createTextNode(text));
      if (out.childNodes.length > MAX_TEXT_NODES) out.normalize();
    }
    out.hidden = false;
    if (follow) out.scrollTop = out.scrollHeight;
  }

  private applyApproval(card: ToolCard): void {
    const a = card.approval;
    if (this.approval && this.approval.nonce === a?.nonce) return;
    this.approval?.el.remove();
    this.approval = undefined;
    if (!a) return;

    const box = document.createElement('div');
    box.className = 'tool-approval';
    const summary = document.createElement('div');
    summary.className = 'approval-summary';
    summary.textContent = a.summary;
    box.append(summary);
    if (a.command !== undefined) {
      const command = pre('approval-command');
      const code = document.createElement('code');
      code.textContent = a.command;
      command.append(code);
      box.append(command);
    }
    const actions = document.createElement('div');
    actions.className = 'approval-actions';
    actions.append(
      button('approve', 'Approve', 'primary'),
      button('approve-session', 'Allow for this session', 'secondary'),
      button('reject', 'Reject', 'secondary'),
    );
    if (a.diff) actions.append(button('show-diff', 'Show diff', 'secondary'));
    box.append(actions);
    // Directly under the header, so the question is seen even while the details are closed.
    this.details.after(box);
    this.approval = { el: box, nonce: a.nonce };
  }

  private applyLinks(path: string | undefined): void {
    if (this.links?.path === path) return;
    this.links?.el.remove();
    this.links = undefined;
    if (path === undefined || path === '') return;
    const el = document.createElement('div');
    el.className = 'tool-links';
    const open = button('open-file', `Open ${path}`, 'link');
    open.title = path;
    el.append(open);
    this.el.append(el);
    this.links = { el, path };
  }

  private onClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target.closest('button') : null;
    if (!(target instanceof HTMLButtonElement) || target.disabled || !this.el.contains(target)) return;
    const approval = this.card.approval;
    if (target.classList.contains('open-file')) {
      if (this.links) this.actions.openFile(this.links.path);
      return;
    }
    if (!approval || !this.approval) return;
    if (target.classList.contains('show-diff')) {
      this.actions.showDiff(approval.callId ?? this.card.id, approval.nonce);
      return;
    }
    const decision = target.classList.contains('approve') ? 'approve'
      : target.classList.contains('approve-session') ? 'session'
      : target.classList.contains('reject') ? 'reject' : undefined;
    if (!decision) return;
    // One answer per question: the host ignores a second one anyway, the buttons make that visible.
    for (const b of this.approval.el.querySelectorAll<HTMLButtonElement>('button.approve, button.approve-session, button.reject')) {
      b.disabled = true;
    }
    this.approval.el.classList.add('answered');
    this.actions.approve(approval.callId ?? this.card.id, approval.nonce, decision);
  }
}

/**
 * The cards of one assistant message, in call order. `registry` is shared by the whole list so live output can
 * find its card by tool-call id.
 */
export class ToolCardList {
  readonly el: HTMLDivElement;
  private readonly views = new Map<string, ToolCardView>();

  constructor(private readonly actions: ToolCardActions, private readonly registry: Map<string, ToolCardView>) {
    this.el = document.createElement('div');
    this.el.className = 'tools';
  }

  get size(): number {
    return this.views.size;
  }

  /** Adds a new card at the end, or updates the one with the same id in place. */
  upsert(card: ToolCard): void {
    const view = this.views.get(card.id);
    if (view) view.update(card);
    else this.el.append(this.create(card).el);
  }

  /** Makes the list exactly `cards`, reusing the views of cards already shown. */
  sync(cards: readonly ToolCard[]): void {
    const keep = new Set(cards.map((c) => c.id));
    for (const [id, view] of this.views) {
      if (keep.has(id)) continue;
      view.el.remove();
      this.views.delete(id);
      if (this.registry.get(id) === view) this.registry.delete(id);
    }
    let at: Element | null = this.el.firstElementChild;
    for (const card of cards) {
      const existing = this.views.get(card.id);
      const view = existing ?? this.create(card);
      if (existing) existing.update(card);
      if (view.el !== at) this.el.insertBefore(view.el, at);
      else at = at.nextElementSibling;
    }
  }

  /** Drops every card from the shared registry (the message is going away). */
  dispose(): void {
    for (const [id, view] of this.views) if (this.registry.get(id) === view) this.registry.delete(id);
    this.views.clear();
  }

  private create(card: ToolCard): ToolCardView {
    const view = new ToolCardView(card, this.actions);
    this.views.set(card.id, view);
    this.registry.set(card.id, view);
    return view;
  }
}

function span(className: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  return el;
}

function pre(className: string): HTMLPreElement {
  const el = document.createElement('pre');
  el.className = className;
  return el;
}

function button(className: string, label: string, kind: 'primary' | 'secondary' | 'link'): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = `${className} ${kind}`;
  el.textContent = label;
  return el;
}
