/** `todo {items: [{text, status}]}`: the model's plan, replaced whole on each call and shown to the person. */
import type { Tool } from '../types';

export const todoTool: Tool = {
  name: 'todo',
  prompt: 'todo',
  parameters: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: { text: { type: 'string', minLength: 1 }, status: { enum: ['pending', 'in_progress', 'done'] } },
          required: ['text', 'status'],
          additionalProperties: false,
        },
      },
    },
    required: ['items'],
    additionalProperties: false,
  },
  readOnly: true,
  async prepare(args) {
    const items = args.items as Array<{ text: string; status: string }>;
    const done = items.filter(i => i.status === 'done').length;
    return {
      title: `todo (${done}/${items.length} done)`,
      run: async () => ({ text: `Todo list updated: ${done} of ${items.length} done.`, todo: items }),
    };
  },
};
