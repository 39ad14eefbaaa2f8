/** `write {path, content}`: creates or replaces a file with exactly `content`. */
import { readText } from '../text-files';
import type { Tool } from '../types';
import { applyPlan } from './edit';
import { fileTarget } from './file-target';

export const writeTool: Tool = {
  name: 'write',
  prompt: 'write',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
    additionalProperties: false,
  },
  readOnly: false,
  async prepare(args, ctx) {
    const t = await fileTarget(ctx, String(args.path), true);
    if ('error' in t) return t;
    const r = await readText(ctx.files, t.abs);
    const before = r.kind === 'text' ? r.text : undefined;
    if (r.kind === 'binary') return { error: `${t.rel} is a binary file; write does not replace binary files.` };
    const content = String(args.content);
    const lines = content ? content.split('\n').length - (content.endsWith('\n') ? 1 : 0) : 0;
    return {
      title: `write ${t.rel} (${lines} line${lines === 1 ? '' : 's'}${before === undefined ? ', new file' : ''})`,
      ...(t.gate ? { gate: t.gate } : {}),
      preview: { path: t.rel, ...(before !== undefined ? { before } : {}), after: content },
      run: () => applyPlan(ctx, t, before, { content, message: `${before === undefined ? 'Created' : 'Wrote'} ${t.rel} (${lines} lines).` }),
    };
  },
};
