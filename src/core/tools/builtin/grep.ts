/** `grep {pattern, path?, glob?}`: a regex search with ripgrep, `path:line:text` per match. */
import { runRipgrep, WALK_ARGS } from '../ripgrep';
import type { Tool } from '../types';
import { fileTarget } from './file-target';

const MAX_MATCHES_PER_FILE = 50;

export const grepTool: Tool = {
  name: 'grep',
  prompt: 'grep',
  parameters: {
    type: 'object',
    properties: { pattern: { type: 'string', minLength: 1 }, path: { type: 'string' }, glob: { type: 'string' } },
    required: ['pattern'],
    additionalProperties: false,
  },
  readOnly: true,
  async prepare(args, ctx) {
    let where = '.';
    if (typeof args.path === 'string' && args.path.trim()) {
      const t = await fileTarget(ctx, args.path, false);
      if ('error' in t) return t;
      if (t.rel.startsWith('..')) return { error: 'grep searches the workspace only.' };
      where = t.rel || '.';
    }
    const glob = typeof args.glob === 'string' && args.glob ? args.glob : undefined;
    const pattern = String(args.pattern);
    return {
      title: `grep ${JSON.stringify(pattern)}${where !== '.' ? ` in ${where}` : ''}${glob ? ` (${glob})` : ''}`,
      async run(signal) {
        const rgArgs = ['--line-number', '--no-heading', '--with-filename', '--max-columns', '400', '--max-columns-preview',
          '--max-count', String(MAX_MATCHES_PER_FILE), ...WALK_ARGS, ...(glob ? ['--glob', glob] : []), '-e', pattern, '--', where];
        const r = await runRipgrep(ctx.exec.rgPath, rgArgs, ctx.root, signal);
        if (r.code === 1) return { text: 'No matches.' };
        if (r.code === 2 && !r.stdout) return { text: `grep failed: ${r.stderr.trim()}`, isError: true };
        return { text: r.stdout.split('\n').filter(Boolean).map(l => l.replace(/^\.\//, '')).join('\n') };
      },
    };
  },
};
