/** "Show N earlier messages": a long conversation opens at its tail; this asks the host for the rest. */
export class EarlierMessages {
  readonly el: HTMLButtonElement;

  constructor(onShow: () => void) {
    this.el = document.createElement('button');
    this.el.className = 'earlier-messages link-button';
    this.el.hidden = true;
    this.el.addEventListener('click', () => { this.el.disabled = true; onShow(); });
  }

  set(count: number | undefined): void {
    this.el.hidden = !count;
    this.el.disabled = false;
    if (count) this.el.textContent = `Show ${count} earlier message${count === 1 ? '' : 's'}`;
  }
}
