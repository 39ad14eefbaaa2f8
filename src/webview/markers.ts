/**
 * What sits between messages in `#messages`: compaction cards (`.marker.compaction-card`: before/after tokens, the
 * strategy, a line on what it replaced, `button.open-replaced`) and notices (`.marker.notice-card`). Each goes
 * after the message it names (`data-id`), after any markers already there; unknown: at the end. All text from the
 * host is set with textContent only.
 */
import type { Marker } from '../shared/protocol';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export class Markers {
  constructor(private readonly list: HTMLElement, openReplaced: (id: string) => void) {
    list.addEventListener('click', (e) => {
      const button = e.target instanceof Element ? e.target.closest('button.open-replaced') : null;
      const id = button instanceof HTMLElement ? button.closest<HTMLElement>('.marker')?.dataset.markerId : undefined;
      if (id) openReplaced(id);
    });
  }

  /** Replaces every marker (after the host's `state`, which re-lays the messages). */
  reset(items: readonly Marker[]): void {
    for (const el of this.list.querySelectorAll(':scope > .marker')) el.remove();
    for (const m of items) this.add(m);
  }

  add(m: Marker): void {
    this.list.querySelector(`:scope > .marker[data-marker-id="${CSS.escape(m.id)}"]`)?.remove();
    const el = m.kind === 'compaction' ? compactionCard(m) : noticeCard(m);
    el.dataset.markerId = m.id;
    let at: Element | null = m.afterId ? this.list.querySelector(`:scope > [data-id="${CSS.escape(m.afterId)}"]`) : null;
    if (!at && m.afterId) { this.list.append(el); el.scrollIntoView({ block: 'nearest' }); return; }
    if (!at) { this.list.prepend(el); return; }
    while (at.nextElementSibling?.classList.contains('marker')) at = at.nextElementSibling;
    at.after(el);
    el.scrollIntoView({ block: 'nearest' });
  }
}

function compactionCard(m: Extract<Marker, { kind: 'compaction' }>): HTMLElement {
  const el = document.createElement('div');
  el.className = 'marker compaction-card';
  el.dataset.strategy = m.strategy;
  el.setAttribute('role', 'note');
  const title = document.createElement('div');
  title.className = 'compaction-title';
  title.textContent = `Compacted (${m.strategy}${m.trigger === 'manual' ? '' : `, ${m.trigger}`}): `;
  const tokens = document.createElement('span');
  tokens.className = 'compaction-tokens';
  tokens.textContent = `${fmt(m.before)} \u2192 ${fmt(m.after)} tokens`;
  title.append(tokens);
  el.append(title);
  if (m.detail) {
    const detail = document.createElement('div');
    detail.className = 'compaction-detail';
    detail.textContent = m.detail;
    el.append(detail);
  }
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'open-replaced link-button';
  open.textContent = 'Show what was replaced';
  el.append(open);
  return el;
}

function noticeCard(m: Extract<Marker, { kind: 'notice' }>): HTMLElement {
  const el = document.createElement('div');
  el.className = `marker notice-card notice-${m.level}`;
  el.setAttribute('role', 'status');
  el.textContent = m.text;
  return el;
}
