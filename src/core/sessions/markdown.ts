/** A session as Markdown for people: messages, tool calls with their arguments and results, compactions. */
import { redactSecrets } from '../providers/redact';
import type { SessionData } from './replay';

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map(m => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text}\n${f}`;
}

export function exportMarkdown(d: SessionData, secrets: readonly string[] = []): string {
  const out: string[] = [`# ${d.title}`, '', `Session \`${d.id}\` · ${new Date(d.created).toISOString()}${d.model ? ` · ${d.model}` : ''}`, ''];
  const summaries = new Map(d.compactions.filter(c => c.firstKeptId).map(c => [c.firstKeptId!, c]));
  for (const m of d.messages) {
    const c = summaries.get(m.id);
    if (c) out.push(`> **Compaction** (${c.strategy}, ${c.before} → ${c.after} tokens): the messages above were sent as this summary from here on.`, '', fence(c.summary ?? '', 'markdown'), '');
    if (m.role === 'user') out.push('## User', '', m.text, '');
    else if (m.role === 'assistant') {
      out.push(`## Assistant (${m.model})`, '');
      if (m.text) out.push(m.text, '');
      for (const call of m.toolCalls ?? []) out.push(`**Tool call** \`${call.name}\``, '', fence(call.args, 'json'), '');
      if (m.interrupted) out.push(`*Incomplete: ${m.interrupted.message}*`, '');
    } else out.push(`**Result of** \`${m.name}\`${m.isError ? ' (error)' : ''}`, '', fence(m.text), '');
  }
  return redactSecrets(out.join('\n'), secrets);
}
