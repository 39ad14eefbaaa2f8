/** `read {path, offset?, limit?}`: a text file as numbered rows (hashline: with the `[path#tag]` header), an image as an image part. */
import { READ_SCHEMA } from '../../edits/schemas';
import { renderPlainRead } from '../../edits/plain-read';
import { readText } from '../text-files';
import type { Tool } from '../types';
import { fileTarget } from './file-target';

/** Rows shown when the call gives no limit. */
export const DEFAULT_READ_LIMIT = 2000;
const IMAGE_TYPES: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const readTool: Tool = {
  name: 'read',
  prompt: 'read',
  parameters: READ_SCHEMA,
  readOnly: true,
  async prepare(args, ctx) {
    const t = await fileTarget(ctx, String(args.path), false);
    if ('error' in t) return t;
    const offset = typeof args.offset === 'number' ? args.offset : undefined;
    const limit = typeof args.limit === 'number' ? args.limit : DEFAULT_READ_LIMIT;
    return {
      title: `read ${t.rel}${offset ? ` from line ${offset}` : ''}`,
      async run() {
        const ext = t.rel.slice(t.rel.lastIndexOf('.') + 1).toLowerCase();
        if (Object.hasOwn(IMAGE_TYPES, ext)) {
          const st = await ctx.files.stat(t.abs);
          if (!st) return { text: `${t.rel} does not exist.`, isError: true };
          if (st.size > MAX_IMAGE_BYTES) return { text: `${t.rel} is an image of ${st.size} bytes, too large to attach.`, isError: true };
          const data = Buffer.from(await ctx.files.readFile(t.abs)).toString('base64');
          return { text: `[image ${t.rel}, ${st.size} bytes]`, images: [{ mediaType: IMAGE_TYPES[ext], data }] };
        }
        const r = await readText(ctx.files, t.abs);
        if (r.kind === 'missing') return { text: `${t.rel} does not exist. Use glob to find files.`, isError: true };
        if (r.kind === 'binary') return { text: `${t.rel} is a binary file (${r.size} bytes); it is not shown.`, isError: true };
        const range = { ...(offset !== undefined ? { offset } : {}), limit };
        const text = ctx.editFormat === 'hashline' ? ctx.snapshots.renderRead(t.rel, r.text, range) : renderPlainRead(r.text, range);
        return { text };
      },
    };
  },
};
