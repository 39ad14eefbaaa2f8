/**
 * Tack's transcript in OpenAI Chat Completions form. Reasoning is kept in the transcript but never sent back:
 * Chat Completions has no field for it, and some servers (DeepSeek) reject `reasoning_content` in requests.
 */
import type { ImagePart, TranscriptMessage } from '../conversation';
import type { ToolDefinition } from './request';
import { dataUrl, ID_RULES, toolIdMapper, wellFormed, type IdRule } from './transcript';

type Part = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | Part[] }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

function withImages(text: string, images: readonly ImagePart[] | undefined): string | Part[] {
  if (!images?.length) return text;
  return [...(text ? [{ type: 'text' as const, text }] : []), ...images.map(i => ({ type: 'image_url' as const, image_url: { url: dataUrl(i) } }))];
}

export function toChatMessages(system: string | undefined, messages: readonly TranscriptMessage[], idRule: IdRule = ID_RULES.chat): WireMessage[] {
  const history = wellFormed(messages);
  const idsFor = toolIdMapper(history, idRule);
  let idOf = idsFor(-1);
  const out: WireMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  // Tool messages may carry only text, so images a tool returned follow the batch of results as one user message.
  let toolImages: Part[] = [];
  const flushImages = () => {
    if (!toolImages.length) return;
    out.push({ role: 'user', content: [{ type: 'text', text: 'Images returned by the tool calls above:' }, ...toolImages] });
    toolImages = [];
  };
  history.forEach((m, i) => {
    if (m.role !== 'tool') flushImages();
    switch (m.role) {
      case 'user':
        out.push({ role: 'user', content: withImages(m.text, m.images) });
        break;
      case 'assistant': {
        idOf = idsFor(i);
        const calls = m.toolCalls ?? [];
        out.push(calls.length
          ? { role: 'assistant', content: m.text || null, tool_calls: calls.map(c => ({ id: idOf(c.id), type: 'function', function: { name: c.name, arguments: c.args || '{}' } })) }
          : { role: 'assistant', content: m.text });
        break;
      }
      case 'tool':
        out.push({ role: 'tool', tool_call_id: idOf(m.toolCallId), content: m.isError && !m.text.startsWith('Error') ? `Error: ${m.text}` : m.text });
        for (const img of m.images ?? []) toolImages.push({ type: 'image_url', image_url: { url: dataUrl(img) } });
        break;
    }
  });
  flushImages();
  return out;
}

export function toChatTools(tools: readonly ToolDefinition[]) {
  return tools.map(t => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } }));
}
