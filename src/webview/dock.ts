/**
 * What sits between the conversation and the input: the model's plan (`.todo-list`) and the offer to go on after
 * the step limit (`.continue-offer`). Both are plain text from the host, set with textContent only.
 */

export interface TodoItem {
  text: string;
  /** Free-form from the model's todo tool; the common ones get a mark, any value is kept in `data-status`. */
  status: string;
}

const DONE = new Set(['done', 'completed', 'complete']);
const ACTIVE = new Set(['in_progress', 'in-progress', 'active', 'running', 'doing']);
const DROPPED = new Set(['cancelled', 'canceled', 'skipped']);

/** `.todo-list`: a compact, collapsible list; the open/closed state the person chose survives updates. */
export class TodoList {
  readonly el: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLOListElement;

  constructor() {
    this.el = document.createElement('details');
    this.el.className = 'todo-list';
    this.el.open = true;
    this.el.hidden = true;
    this.summary = document.createElement('summary');
    this.list = document.createElement('ol');
    this.el.append(this.summary, this.list);
  }

  /** Replaces the plan; an empty list hides it. */
  set(items: readonly TodoItem[]): void {
    this.el.hidden = items.length === 0;
    const done = items.filter((i) => DONE.has(i.status.toLowerCase())).length;
    this.summary.textContent = `Plan · ${done}/${items.length} done`;
    this.list.replaceChildren(...items.map((item) => {
      const li = document.createElement('li');
      li.dataset.status = item.status;
      const mark = document.createElement('span');
      mark.className = 'todo-mark';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = markFor(item.status);
      const text = document.createElement('span');
      text.className = 'todo-text';
      text.textContent = item.text;
      li.append(mark, text);
      return li;
    }));
  }
}

function markFor(status: string): string {
  const s = status.toLowerCase();
  if (DONE.has(s)) return '\u2713';
  if (ACTIVE.has(s)) return '\u25B8';
  if (DROPPED.has(s)) return '\u2013';
  return '\u25CB';
}

/** `.continue-offer`: why the run stopped and `button.continue`, which answers once per offer. */
export class ContinueOffer {
  readonly el: HTMLDivElement;
  private readonly text: HTMLDivElement;
  private readonly button: HTMLButtonElement;

  constructor(onContinue: () => void) {
    this.el = document.createElement('div');
    this.el.className = 'continue-offer';
    this.el.setAttribute('role', 'status');
    this.el.hidden = true;
    this.text = document.createElement('div');
    this.text.className = 'continue-text';
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className = 'continue primary';
    this.button.textContent = 'Continue';
    this.button.addEventListener('click', () => {
      if (this.button.disabled) return;
      this.button.disabled = true;
      onContinue();
    });
    this.el.append(this.text, this.button);
  }

  /** Shows the offer with `text`; '' withdraws it. */
  set(text: string): void {
    this.el.hidden = text === '';
    this.text.textContent = text;
    this.button.disabled = false;
  }
}
