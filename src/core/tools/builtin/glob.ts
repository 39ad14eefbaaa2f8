/** `glob {pattern}`: workspace files matching a glob, as paths relative to the root (ripgrep's file walk). */
import { runRipgrep, WALK_ARGS } from '../ripgrep';
import type { Tool } from '../types';

const MAX_FILES = 500;

export const globTool: Tool = {
  name: 'glob',
  prompt: 'glob',
  parameters: { type: 'object', properties: { pattern: { type: 'string', minLength: 1 } }, required: ['pattern'], additionalProperties: false },
  readOnly: true,
  async prepare(args, ctx) {
    const pattern = String(args.pattern).replace(/^\.\//, '');
    if (pattern.startsWith('/') || pattern.split('/').includes('..')) return { error: 'The pattern must be relative to the workspace root (no leading / and no ..).' };
    return {
      title: `glob ${pattern}`,
      async run(signal) {
        const r = await runRipgrep(ctx.exec.rgPath, ['--files', ...WALK_ARGS, '--glob', pattern], ctx.root, signal);
        if (r.code === 2) return { text: `glob failed: ${r.stderr.trim()}`, isError: true };
        const files = r.stdout.split('\n').filter(Boolean).map(f => f.replace(/^\.\//, '')).sort();
        if (!files.length) return { text: `No files match ${pattern}.` };
        const shown = files.slice(0, MAX_FILES).join('\n');
        return { text: files.length > MAX_FILES ? `${shown}\n[${files.length - MAX_FILES} more files; narrow the pattern]` : shown };
      },
    };
  },
};
