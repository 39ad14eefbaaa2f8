/**
 * Where the input tokens of one request go: system prompt, instruction files, skills index, each tool definition,
 * the history, and the latest message. Counts are o200k estimates (gpt-tokenizer), labelled so: the provider's own
 * tokenizer differs, and what it reported (`reportedInput`) is the real number when known.
 * The system prompt is split at the sections core composes: `# Instructions from <file>` (profiles/prompt.ts) and a
 * `# Skills` section (the skills index), each running to the next of these headings.
 */
import type { TranscriptMessage } from '../conversation';
import type { ToolDefinition } from '../providers/request';
import { estimateTokens } from './tokens';

export interface TokenBreakdown {
  /** Always `o200k estimate`: the counts are not the provider's. */
  method: 'o200k estimate';
  system: number;
  instructions: number;
  skillsIndex: number;
  tools: number;
  perTool: Array<{ name: string; tokens: number }>;
  history: number;
  latest: number;
  /** Sum of the parts. */
  total: number;
  /** Input tokens the provider reported for this request (input + cache reads + writes); null when unknown. */
  reportedInput: number | null;
}

export interface BreakdownInput {
  system?: string;
  messages: readonly TranscriptMessage[];
  tools?: readonly ToolDefinition[];
}

const SECTION = /^# (Instructions from .+|Skills\b.*)$/gm;

export function splitSystemPrompt(system: string): { base: string; instructions: string; skillsIndex: string } {
  const heads = [...system.matchAll(SECTION)];
  if (!heads.length) return { base: system, instructions: '', skillsIndex: '' };
  const out = { base: system.slice(0, heads[0].index).trimEnd(), instructions: '', skillsIndex: '' };
  heads.forEach((h, i) => {
    const text = system.slice(h.index, heads[i + 1]?.index ?? system.length);
    if (h[1].startsWith('Skills')) out.skillsIndex += text; else out.instructions += text;
  });
  return out;
}

function messageText(m: TranscriptMessage): string {
  switch (m.role) {
    case 'user': return m.text;
    case 'tool': return `${m.name}\n${m.text}`;
    case 'assistant': return [m.reasoning ?? '', m.text, ...(m.toolCalls ?? []).map(c => `${c.name} ${c.args}`)].join('\n');
  }
}

export function breakdown(request: BreakdownInput, reportedInput?: number | null): TokenBreakdown {
  const sys = splitSystemPrompt(request.system ?? '');
  const perTool = (request.tools ?? []).map(t => ({ name: t.name, tokens: estimateTokens(JSON.stringify({ name: t.name, description: t.description, parameters: t.parameters })) }));
  const msgs = request.messages;
  const latest = msgs.length ? estimateTokens(messageText(msgs[msgs.length - 1])) : 0;
  const history = msgs.slice(0, -1).reduce((n, m) => n + estimateTokens(messageText(m)), 0);
  const parts = { system: estimateTokens(sys.base), instructions: estimateTokens(sys.instructions), skillsIndex: estimateTokens(sys.skillsIndex), tools: perTool.reduce((n, t) => n + t.tokens, 0), history, latest };
  return {
    method: 'o200k estimate', ...parts, perTool,
    total: parts.system + parts.instructions + parts.skillsIndex + parts.tools + parts.history + parts.latest,
    reportedInput: reportedInput ?? null,
  };
}
