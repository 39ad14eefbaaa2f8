/**
 * `#sessions`: the saved sessions of this workspace, over the conversation while open. A row (`.session-row`) shows
 * title, date, model, tokens and cost, with Open, Rename, Export and Delete (the host asks and confirms);
 * `button.new-session` starts a new one. Titles are the person's or the model's words: textContent only.
 */
import type { SessionRow } from '../shared/protocol';

export interface SessionsListActions {
  open(id: string): void;
  rename(id: string): void;
  exportSession(id: string): void;
  remove(id: string): void;
  newSession(): void;
}

function tokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

function button(className: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

export class SessionsList {
  readonly el: HTMLDivElement;
  private readonly rows: HTMLDivElement;

  constructor(private readonly actions: SessionsListActions) {
    this.el = document.createElement('div');
    this.el.id = 'sessions';
    this.el.hidden = true;
    this.el.setAttribute('role', 'dialog');
    this.el.setAttribute('aria-label', 'Sessions');
    const head = document.createElement('div');
    head.className = 'sessions-head';
    const title = document.createElement('span');
    title.className = 'sessions-title';
    title.textContent = 'Sessions';
    head.append(title,
      button('new-session primary', 'New Session', () => { this.hide(); actions.newSession(); }),
      button('close-sessions secondary', 'Close', () => this.hide()));
    this.rows = document.createElement('div');
    this.rows.className = 'session-rows';
    this.el.append(head, this.rows);
  }

  hide(): void {
    this.el.hidden = true;
  }

  /** Replaces the rows; `show` opens the list (otherwise an open list is only refreshed). */
  set(items: readonly SessionRow[], show: boolean): void {
    if (show) this.el.hidden = false;
    if (!items.length) {
      const empty = document.createElement('div');
      empty.className = 'sessions-empty';
      empty.textContent = 'No saved sessions for this workspace yet.';
      this.rows.replaceChildren(empty);
      return;
    }
    this.rows.replaceChildren(...items.map(s => {
      const row = document.createElement('div');
      row.className = `session-row${s.current ? ' current' : ''}`;
      row.dataset.id = s.id;
      const title = document.createElement('div');
      title.className = 'session-title';
      title.textContent = s.title;
      const meta = document.createElement('div');
      meta.className = 'session-meta';
      const date = new Date(s.updated).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      const cost = s.costUsd === null ? '' : ` · $${s.costUsd.toFixed(s.costUsd < 1 ? 4 : 2)}`;
      meta.textContent = `${date} · ${s.model ?? 'no model yet'} · ${s.messages} messages · ${tokens(s.tokens)} tok${cost}`;
      const acts = document.createElement('div');
      acts.className = 'session-actions';
      const open = button('open-session', s.current ? 'Open now' : 'Open', () => { this.hide(); this.actions.open(s.id); });
      open.disabled = s.current;
      const del = button('delete-session', 'Delete', () => this.actions.remove(s.id));
      del.disabled = s.current;
      acts.append(open, button('rename-session', 'Rename', () => this.actions.rename(s.id)), button('export-session', 'Export', () => this.actions.exportSession(s.id)), del);
      row.append(title, meta, acts);
      return row;
    }));
  }
}
