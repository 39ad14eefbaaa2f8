/**
 * `bash {command, timeout?}`: runs a command line in the workspace root, output streamed, in its own process group
 * (Stop and timeouts kill the whole group). The command is judged with the profile's `commands` rules before it
 * can run: a `deny` match refuses it, constructs that cannot be judged for certain always ask.
 */
import { judgeCommand } from '../command-rules';
import { checkPath, protectedReason } from '../paths';
import type { CallGate, Tool } from '../types';

export const DEFAULT_BASH_TIMEOUT_S = 120;
const MAX_BASH_TIMEOUT_S = 1800;

export const bashTool: Tool = {
  name: 'bash',
  prompt: 'bash',
  parameters: {
    type: 'object',
    properties: { command: { type: 'string', minLength: 1 }, timeout: { type: 'number', description: 'seconds', exclusiveMinimum: 0 } },
    required: ['command'],
    additionalProperties: false,
  },
  readOnly: false,
  async prepare(args, ctx) {
    const command = String(args.command);
    if (!command.trim()) return { error: 'The command is empty.' };
    const timeoutS = Math.min(typeof args.timeout === 'number' ? args.timeout : DEFAULT_BASH_TIMEOUT_S, MAX_BASH_TIMEOUT_S);
    // Only a trusted folder's rules may waive the question; deny rules hold everywhere.
    const rules = ctx.trusted ? ctx.commands : { deny: ctx.commands.deny ?? [] };
    const verdict = await judgeCommand(command, rules);
    // Judged again with everything allowed: what still asks is a construct that always needs a person's look.
    const construct = await judgeCommand(command, { auto: ['*'], deny: rules.deny ?? [] });
    // Files the command writes through redirections or tee go through the path rules: outside the workspace or
    // protected, only a person can approve it.
    const writes = construct.decision === 'ask' ? construct.writes ?? [] : [];
    let pathGate: CallGate | undefined;
    for (const w of writes) {
      const r = await checkPath(ctx.root, w);
      const why = !r.ok ? r.message : protectedReason(r.rel) ? `${r.rel} is a protected path (${protectedReason(r.rel)})` : undefined;
      if (why) { pathGate = { decision: 'ask', reason: `the command writes ${w}: ${why}`, human: true }; break; }
    }
    const firstLine = command.split('\n')[0];
    return {
      title: `bash ${firstLine.length > 80 ? `${firstLine.slice(0, 77)}…` : firstLine}${command.includes('\n') ? ' …' : ''}`,
      command,
      ...(verdict.decision === 'deny' ? { gate: { decision: 'deny' as const, reason: `the command matches the profile's commands.deny pattern "${verdict.pattern}"` } }
        : pathGate ? { gate: pathGate }
        : construct.decision === 'ask' ? { gate: { decision: 'ask' as const, reason: construct.reason } }
        : verdict.decision === 'auto' ? { autoReason: verdict.reason } : {}),
      async run(signal, onOutput) {
        const r = await ctx.exec.run({ command, cwd: ctx.root, timeoutMs: timeoutS * 1000, signal, onOutput });
        const out = r.output.trimEnd();
        const status = r.cancelled ? 'stopped by the person; the process group was killed'
          : r.timedOut ? `timed out after ${timeoutS} s; the process group was killed`
          : r.exitCode !== null ? `exit code ${r.exitCode}` : `killed by ${r.signal}`;
        return { text: `${out ? `${out}\n` : ''}[${status}]`, isError: r.cancelled || r.timedOut || r.exitCode !== 0 };
      },
    };
  },
};
