/**
 * `#harness`: one compact line above the conversation with the session's harness — profile, tools on/ask/off, MCP
 * servers with their state and tool counts, skills — as plain text (never HTML). Clicking it asks the host for the
 * details. A server that failed shows its reason and last stderr lines in the tooltip.
 */
import type { HarnessView } from '../shared/protocol';

type Server = HarnessView['servers'][number];

const STATE_TEXT: Record<string, string> = {
  ready: 'ready', starting: 'starting…', restarting: 'restarting…', failed: 'failed', awaiting_approval: 'awaiting approval',
  declined: 'not started', offered: 'not selected', tools_changed: 'tools changed', stopped: 'not started yet', restricted: 'Restricted Mode',
};

/** `name ready (12)`, `name failed`, … */
export function serverText(s: Server): string {
  const state = STATE_TEXT[s.state] ?? s.state;
  return s.state === 'ready' && s.tools !== undefined ? `${s.name} ${state} (${s.tools})` : `${s.name} ${state}`;
}

export class HarnessLine {
  readonly el: HTMLButtonElement;

  constructor(onClick: () => void) {
    this.el = document.createElement('button');
    this.el.id = 'harness';
    this.el.type = 'button';
    this.el.className = 'harness-line';
    this.el.hidden = true;
    this.el.addEventListener('click', onClick);
  }

  set(h: HarnessView): void {
    const part = (cls: string, text: string, title?: string) => {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      if (title) span.title = title;
      return span;
    };
    const parts: HTMLSpanElement[] = [
      part('harness-profile', h.profile),
      part('harness-tools', `tools ${h.tools.on} on · ${h.tools.ask} ask · ${h.tools.off} off`),
    ];
    if (h.servers.length) {
      const mcp = part('harness-mcp', 'MCP ');
      h.servers.forEach((s, i) => {
        if (i) mcp.append(', ');
        const title = [s.message, ...(s.stderr ?? [])].filter(Boolean).join('\n');
        mcp.append(part(`harness-server harness-${s.state}`, serverText(s), title || undefined));
      });
      parts.push(mcp);
    }
    const loaded = h.skills.filter(s => s.loaded).length;
    if (h.skills.length) {
      parts.push(part('harness-skills', `skills ${loaded}${loaded < h.skills.length ? ` of ${h.skills.length}` : ''}`, h.skills.map(s => `${s.name}${s.loaded ? '' : ' (not loaded)'}`).join('\n')));
    }
    const children: Array<HTMLSpanElement | string> = [];
    parts.forEach((p, i) => { if (i) children.push(' · '); children.push(p); });
    this.el.replaceChildren(...children);
    this.el.title = 'Show the harness details';
    this.el.hidden = false;
  }
}
