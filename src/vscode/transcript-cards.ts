/**
 * Tool cards rebuilt from a stored transcript (a resumed session, a window reload): each tool call on an assistant
 * message becomes a card, finished with its tool result message. A call whose result is missing (the run died
 * before it) shows as failed. Titles follow the tools' own one-line form (`read src/a.ts`) from the arguments kept.
 */
import type { StoredMessage } from '../core/index';
import type { ToolCard } from '../shared/protocol';

function parse(args: string): unknown {
  try { return JSON.parse(args); } catch { return args; }
}

/** `name` and the argument that says what the call was about (path, command, pattern, query), on one line. */
export function cardTitle(name: string, args: unknown): string {
  const a = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
  const what = ['path', 'command', 'pattern', 'query', 'url', 'name'].map(k => a[k]).find(v => typeof v === 'string') as string | undefined;
  if (!what) return name;
  const line = what.split('\n')[0];
  return `${name} ${line.length > 80 ? `${line.slice(0, 77)}…` : line}${what.includes('\n') ? ' …' : ''}`;
}

/** Cards per assistant message id, in call order. */
export function cardsFromTranscript(messages: readonly StoredMessage[], maxOutput: number): Map<string, Map<string, ToolCard>> {
  const cards = new Map<string, Map<string, ToolCard>>();
  const byCall = new Map<string, ToolCard>();
  for (const m of messages) {
    if (m.role === 'assistant' && m.toolCalls?.length) {
      const forMessage = new Map<string, ToolCard>();
      for (const c of m.toolCalls) {
        const args = parse(c.args);
        const card: ToolCard = {
          id: c.id, name: c.name, title: cardTitle(c.name, args), state: 'error', output: 'No result was recorded for this call.',
          args: typeof args === 'string' ? args : JSON.stringify(args, null, 2),
        };
        forMessage.set(c.id, card);
        byCall.set(c.id, card);
      }
      cards.set(m.id, forMessage);
    } else if (m.role === 'tool') {
      const card = byCall.get(m.toolCallId);
      if (!card) continue;
      card.state = m.isError ? 'error' : 'done';
      card.output = m.text.length > maxOutput ? `${m.text.slice(0, maxOutput)}…` : m.text;
      // The file link of an edit or write: its workspace-relative path, as the tool reported it when it ran.
      const parsed = parse(card.args);
      const p = parsed && typeof parsed === 'object' ? (parsed as { path?: unknown }).path : undefined;
      if (!m.isError && (card.name === 'edit' || card.name === 'write') && typeof p === 'string' && !p.startsWith('/') && !p.split(/[\\/]/).includes('..')) card.changedPath = p;
    }
  }
  return cards;
}
