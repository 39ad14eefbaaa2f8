/**
 * The CLI's approvals: `ask` prompts on the terminal (only when stdin is a TTY), one question at a time; every
 * other case answers no, so a run in CI never does more than the flags say.
 */
import * as readline from 'node:readline';
import { refusingApprovals, type ApprovalPort, type ApprovalRequest } from '../core/index';
import { terminalSafe as safeText } from './output';

function question(prompt: string, signal: AbortSignal): Promise<string | undefined> {
  return new Promise(resolve => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const done = (answer: string | undefined) => { signal.removeEventListener('abort', onAbort); rl.close(); resolve(answer); };
    const onAbort = () => done(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    rl.question(prompt, a => done(a));
    rl.on('close', () => resolve(undefined));
  });
}

function describe(r: ApprovalRequest): string {
  const lines = [`\n[approve?] ${safeText(r.summary)}`];
  if (r.command) lines.push(`  $ ${safeText(r.command)}`);
  if (r.preview) {
    const before = r.preview.before?.split('\n').length ?? 0;
    lines.push(`  ${r.preview.before === undefined ? 'new file' : `${before} lines`} → ${r.preview.after.split('\n').length} lines: ${safeText(r.preview.path)}`);
  }
  return lines.join('\n') + '\n';
}

/** A terminal that can be asked: stdin is a TTY. */
export function terminalApprovals(): ApprovalPort {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    canAsk: true,
    ask: (r, signal) => serial(async () => {
      process.stderr.write(describe(r));
      const a = (await question('Run it? [y]es / [n]o / [a]lways this session: ', signal))?.trim().toLowerCase();
      if (a === 'y' || a === 'yes') return { decision: 'approved' as const };
      if (a === 'a' || a === 'always') return { decision: 'approved' as const, forSession: true };
      return { decision: 'denied' as const, reason: a === undefined ? 'no answer' : 'the person said no' };
    }),
    confirmKeyOrigin: (id, origin, previous) => serial(async () => {
      const a = await question(`The key for "${id}" was stored for ${previous ?? 'another server'}. Send it to ${safeText(origin)}? [y/N] `, new AbortController().signal);
      return a?.trim().toLowerCase() === 'y';
    }),
    confirmBudget: message => serial(async () => {
      const a = await question(`${safeText(message)} Go on anyway? [y/N] `, new AbortController().signal);
      return a?.trim().toLowerCase() === 'y';
    }),
  };
}

export function cliApprovals(mode: 'ask' | 'auto' | 'deny', tty: boolean): ApprovalPort {
  if (mode === 'ask' && tty) return terminalApprovals();
  return refusingApprovals(mode === 'ask' ? 'there is no terminal to ask on' : `--approve ${mode}`);
}
