/**
 * Tack's transcript as OpenAI Responses API input items. Tack sends `store: false`, so nothing is kept server-side
 * and the whole history goes with every request. Reasoning goes back only as the Responses API's own reasoning
 * items (id + encrypted content) and only for the current turn, where the model needs it to continue after tool
 * calls; reasoning from any other dialect stays in the transcript only.
 */
import type { ImagePart, TranscriptMessage } from '../conversation';
import type { ToolDefinition } from './request';
import { currentTurnStart, dataUrl, ID_RULES, toolIdMapper, wellFormed } from './transcript';

type InputContent = { type: 'input_text'; text: string } | { type: 'input_image'; image_url: string; detail: 'auto' };

export type ResponsesInputItem =
  | { role: 'user'; content: string | InputContent[] }
  | { role: 'assistant'; content: string }
  | { type: 'reasoning'; id: string; summary: Array<{ type: 'summary_text'; text: string }>; encrypted_content: string }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string };

function userContent(text: string, images: readonly ImagePart[] | undefined): string | InputContent[] {
  if (!images?.length) return text;
  return [...(text ? [{ type: 'input_text' as const, text }] : []), ...images.map(i => ({ type: 'input_image' as const, image_url: dataUrl(i), detail: 'auto' as const }))];
}

export function toResponsesInput(messages: readonly TranscriptMessage[]): ResponsesInputItem[] {
  const history = wellFormed(messages);
  const idsFor = toolIdMapper(history, ID_RULES.responses);
  let idOf = idsFor(-1);
  const turnStart = currentTurnStart(history);
  const out: ResponsesInputItem[] = [];
  let toolImages: InputContent[] = [];
  const flushImages = () => {
    if (!toolImages.length) return;
    out.push({ role: 'user', content: [{ type: 'input_text', text: 'Images returned by the tool calls above:' }, ...toolImages] });
    toolImages = [];
  };
  history.forEach((m, i) => {
    if (m.role !== 'tool') flushImages();
    switch (m.role) {
      case 'user':
        out.push({ role: 'user', content: userContent(m.text, m.images) });
        break;
      case 'assistant':
        idOf = idsFor(i);
        if (i >= turnStart) {
          for (const b of m.reasoningBlocks ?? []) {
            if (b.origin === 'openai-responses' && b.id && b.encrypted) {
              out.push({ type: 'reasoning', id: b.id, summary: b.text ? [{ type: 'summary_text', text: b.text }] : [], encrypted_content: b.encrypted });
            }
          }
        }
        if (m.text) out.push({ role: 'assistant', content: m.text });
        for (const c of m.toolCalls ?? []) out.push({ type: 'function_call', call_id: idOf(c.id), name: c.name, arguments: c.args || '{}' });
        break;
      case 'tool':
        out.push({ type: 'function_call_output', call_id: idOf(m.toolCallId), output: m.isError && !m.text.startsWith('Error') ? `Error: ${m.text}` : m.text });
        for (const img of m.images ?? []) toolImages.push({ type: 'input_image', image_url: dataUrl(img), detail: 'auto' });
        break;
    }
  });
  flushImages();
  return out;
}

export function toResponsesTools(tools: readonly ToolDefinition[]) {
  return tools.map(t => ({ type: 'function' as const, name: t.name, description: t.description, parameters: t.parameters, strict: false }));
}
