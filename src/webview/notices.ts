/** `#notices`: standing notices above the conversation, as plain text (never HTML), replaced as a whole. */
export type Notice = { level: 'info' | 'warning' | 'error'; text: string };

export class Notices {
  readonly el: HTMLDivElement;

  constructor() {
    this.el = document.createElement('div');
    this.el.id = 'notices';
    this.el.setAttribute('role', 'status');
    this.el.hidden = true;
  }

  set(items: readonly Notice[]): void {
    this.el.replaceChildren(...items.map(n => {
      const div = document.createElement('div');
      div.className = `notice notice-${n.level}`;
      div.textContent = n.text;
      return div;
    }));
    this.el.hidden = items.length === 0;
  }
}
