/**
 * Tack's transcript as an Anthropic Messages request (also for Claude on Bedrock and Vertex):
 *  - roles alternate, starting with `user`; consecutive messages of one role are merged, tool results first;
 *  - tool-call ids follow Anthropic's charset (toolu_…), consistently for a call and its result;
 *  - thinking goes back only as Anthropic's own signed `thinking` / `redacted_thinking` blocks and only in the
 *    current turn, where the API needs them to continue after tool use; thinking from any other dialect (or
 *    without a signature) stays in the transcript only;
 *  - prompt caching: breakpoints on the system prompt, the tool list and the last two user turns (4 at most).
 */
import type { TranscriptMessage } from '../conversation';
import type { ToolDefinition } from './request';
import { argsObject, currentTurnStart, ID_RULES, toolIdMapper, wellFormed } from './transcript';

type Cache = { cache_control?: { type: 'ephemeral' } };
type ImageBlock = { type: 'image'; source: { type: 'base64'; media_type: string; data: string } } & Cache;
type TextBlock = { type: 'text'; text: string } & Cache;
export type AnthropicBlock =
  | TextBlock
  | ImageBlock
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | ({ type: 'tool_use'; id: string; name: string; input: Record<string, unknown> } & Cache)
  | ({ type: 'tool_result'; tool_use_id: string; content: Array<TextBlock | ImageBlock>; is_error?: boolean } & Cache);

export interface AnthropicMessage { role: 'user' | 'assistant'; content: AnthropicBlock[] }

export interface AnthropicInput {
  system?: TextBlock[];
  messages: AnthropicMessage[];
  tools?: Array<{ name: string; description: string; input_schema: Record<string, unknown> } & Cache>;
  /**
   * False when the current turn continues after tool use from an answer that has no Anthropic thinking block
   * (another provider answered it): the API rejects thinking then, so the request goes without it.
   */
  thinkingAllowed: boolean;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

function image(i: { mediaType: string; data: string }): ImageBlock {
  return { type: 'image', source: { type: 'base64', media_type: i.mediaType, data: i.data } };
}

export function toAnthropicInput(system: string | undefined, messages: readonly TranscriptMessage[], tools: readonly ToolDefinition[] | undefined): AnthropicInput {
  const history = wellFormed(messages);
  const idsFor = toolIdMapper(history, ID_RULES.anthropic);
  let idOf = idsFor(-1);
  const turnStart = currentTurnStart(history);
  const out: AnthropicMessage[] = [];
  const add = (role: 'user' | 'assistant', content: AnthropicBlock[]) => {
    if (!content.length) return;
    const last = out[out.length - 1];
    if (last?.role !== role) { out.push({ role, content }); return; }
    // Merging into a user message: tool results must come before anything else.
    last.content = role === 'user'
      ? [...last.content.filter(b => b.type === 'tool_result'), ...content.filter(b => b.type === 'tool_result'), ...last.content.filter(b => b.type !== 'tool_result'), ...content.filter(b => b.type !== 'tool_result')]
      : [...last.content, ...content];
  };
  let lastAnswerThinks = true;
  history.forEach((m, i) => {
    if (m.role === 'user') {
      add('user', [...(m.text || !m.images?.length ? [{ type: 'text' as const, text: m.text || '(empty message)' }] : []), ...(m.images ?? []).map(image)]);
    } else if (m.role === 'tool') {
      const content: Array<TextBlock | ImageBlock> = [{ type: 'text', text: m.text || '(no output)' }, ...(m.images ?? []).map(image)];
      add('user', [{ type: 'tool_result', tool_use_id: idOf(m.toolCallId), content, ...(m.isError ? { is_error: true } : {}) }]);
    } else {
      idOf = idsFor(i);
      const blocks: AnthropicBlock[] = [];
      if (i >= turnStart) {
        for (const b of m.reasoningBlocks ?? []) {
          if (b.origin !== 'anthropic') continue;
          if (b.redacted) blocks.push({ type: 'redacted_thinking', data: b.redacted });
          else if (b.signature) blocks.push({ type: 'thinking', thinking: b.text, signature: b.signature });
        }
        lastAnswerThinks = blocks.length > 0 || !(m.toolCalls?.length);
      }
      if (m.text.trim()) blocks.push({ type: 'text', text: m.text });
      for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: idOf(c.id), name: c.name, input: argsObject(c) });
      add('assistant', blocks);
    }
  });
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: [{ type: 'text', text: '(conversation continues)' }] });

  // Cache breakpoints on the last block of the last two user messages.
  let marked = 0;
  for (let i = out.length - 1; i >= 0 && marked < 2; i--) {
    if (out[i].role !== 'user') continue;
    const block = out[i].content[out[i].content.length - 1] as Cache;
    block.cache_control = EPHEMERAL;
    marked++;
  }
  const toolList = tools?.map(t => ({ name: t.name, description: t.description, input_schema: t.parameters }));
  if (toolList?.length) (toolList[toolList.length - 1] as Cache).cache_control = EPHEMERAL;
  return {
    ...(system ? { system: [{ type: 'text', text: system, cache_control: EPHEMERAL }] } : {}),
    messages: out,
    ...(toolList?.length ? { tools: toolList } : {}),
    thinkingAllowed: lastAnswerThinks,
  };
}
