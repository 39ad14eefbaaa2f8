/**
 * The older turns as text for the summary request: user messages verbatim (their constraints must survive), the
 * agent's text, tool calls with their arguments, tool outputs cut. Also the facts Tack can read off the tool calls
 * themselves — files read, files modified, failed calls — so the summary's cumulative lists do not depend on the
 * model noticing them.
 */
import type { StoredMessage } from '../agent/transcript';

const OUTPUT_CHARS = 600;
const ASSISTANT_CHARS = 2000;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… [${s.length - n} more characters cut]` : s);

export function serializeTurns(ms: readonly StoredMessage[]): string {
  const out: string[] = [];
  const names = new Map<string, string>();
  for (const m of ms) {
    if (m.role === 'user') out.push(`[user]\n${m.text}`);
    else if (m.role === 'assistant') {
      if (m.text) out.push(`[assistant]\n${cut(m.text, ASSISTANT_CHARS)}`);
      for (const c of m.toolCalls ?? []) { names.set(c.id, c.name); out.push(`[assistant called ${c.name}] ${cut(c.args, 400)}`); }
      if (m.interrupted) out.push(`[the answer stopped: ${m.interrupted.message}]`);
    } else out.push(`[${m.name} ${m.isError ? 'failed' : 'result'}]\n${cut(m.text, OUTPUT_CHARS)}`);
  }
  return out.join('\n\n');
}

const READS = new Set(['read', 'grep', 'glob']);
const WRITES = new Set(['edit', 'write']);

export interface ToolFacts { read: string[]; modified: string[]; errors: string[] }

/** Paths from read/edit/write calls and the first line of every failed call, in order of first appearance. */
export function toolFacts(ms: readonly StoredMessage[]): ToolFacts {
  const read = new Set<string>();
  const modified = new Set<string>();
  const errors: string[] = [];
  const calls = new Map<string, { name: string; args: string }>();
  for (const m of ms) {
    if (m.role === 'assistant') {
      for (const c of m.toolCalls ?? []) {
        calls.set(c.id, c);
        let p: unknown;
        try { p = (JSON.parse(c.args) as { path?: unknown }).path; } catch { p = undefined; /* arguments that were not JSON name no file */ }
        if (typeof p !== 'string') continue;
        if (WRITES.has(c.name)) modified.add(p);
        else if (READS.has(c.name)) read.add(p);
      }
    } else if (m.role === 'tool') {
      const failed = m.isError || /\[exit code [1-9]\d*\]/.test(m.text);
      if (!failed) continue;
      const call = calls.get(m.toolCallId);
      const firstLine = m.text.split('\n').find(l => l.trim()) ?? '';
      const exit = /\[exit code \d+\]/.exec(m.text)?.[0] ?? '';
      errors.push(`${m.name}${call ? ` ${cut(call.args, 200)}` : ''}: ${cut(firstLine, 300)}${exit && !firstLine.includes(exit) ? ` ${exit}` : ''}`);
    }
  }
  return { read: [...read], modified: [...modified], errors };
}

/** The user message of the summary request. */
export function summaryRequestText(turns: string, facts: ToolFacts, previous: string | undefined, instructions: string | undefined): string {
  const list = (xs: string[]) => (xs.length ? xs.map(x => `- ${x}`).join('\n') : '- (none)');
  return [
    previous ? `<previous-summary>\n${previous}\n</previous-summary>\n\nUpdate the previous summary with the conversation below: keep its constraints and file lists, add what is new.` : 'Summarise the conversation below.',
    `<conversation>\n${turns}\n</conversation>`,
    `<tool-facts>\nFiles read (every read, grep and glob path so far):\n${list(facts.read)}\nFiles modified (every edit and write so far):\n${list(facts.modified)}\nFailed tool calls:\n${list(facts.errors)}\n</tool-facts>`,
    ...(instructions?.trim() ? [`<instructions-from-the-user>\n${instructions.trim()}\n</instructions-from-the-user>`] : []),
  ].join('\n\n');
}
