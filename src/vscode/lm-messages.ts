/**
 * Converts VS Code's language-model request messages into Tack's transcript, so a request from VS Code's chat (or
 * another extension) goes through the same provider layer as the panel's. System messages (role 3) become the system
 * prompt; tool results become tool messages named after the call they answer.
 */
import type { ToolDefinition, TranscriptMessage } from '../core/index';
import type { LmApi, LmRequestMessage, LmTool } from './lm-types';

const USER = 1;
const ASSISTANT = 2;

export function toTranscript(api: LmApi, messages: readonly LmRequestMessage[], modelRef: string): { system: string; messages: TranscriptMessage[] } {
  const out: TranscriptMessage[] = [];
  const system: string[] = [];
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    const text = m.content.filter(api.isText).map(p => p.value).join('');
    if (m.role === ASSISTANT) {
      const calls = m.content.filter(api.isToolCall).map(c => {
        toolNames.set(c.callId, c.name);
        return { id: c.callId, name: c.name, args: JSON.stringify(c.input ?? {}) };
      });
      out.push({ role: 'assistant', text, model: modelRef, ...(calls.length ? { toolCalls: calls } : {}) });
    } else if (m.role === USER) {
      for (const r of m.content.filter(api.isToolResult)) {
        const result = r.content.filter(api.isText).map(p => p.value).join('') || r.content.map(p => (typeof p === 'string' ? p : '')).join('');
        out.push({ role: 'tool', toolCallId: r.callId, name: toolNames.get(r.callId) ?? 'tool', text: result });
      }
      if (text) out.push({ role: 'user', text });
    } else if (text) {
      system.push(text);
    }
  }
  return { system: system.join('\n\n'), messages: out };
}

export function toToolDefinitions(tools: readonly LmTool[] | undefined): ToolDefinition[] {
  return (tools ?? []).map(t => ({ name: t.name, description: t.description, parameters: (t.inputSchema as Record<string, unknown>) ?? { type: 'object', properties: {} } }));
}
