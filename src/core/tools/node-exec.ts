/**
 * ExecOps on Node: every command runs in its own process group (`detached`), so Stop and timeouts kill the whole
 * tree — a `sleep` started by `npm test` included — and nothing is left behind. Both hosts use it (the extension
 * host is Node too).
 */
import { spawn } from 'node:child_process';
import type { ExecOps, ExecRequest, ExecResult } from '../ports';

/** Output kept in memory per command; the tool layer truncates further for the model. */
const MAX_KEPT = 4 * 1024 * 1024;
/** After SIGTERM, a group that is still alive gets SIGKILL. */
const KILL_GRACE_MS = 1500;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function nodeExec(rgPath: string, env: NodeJS.ProcessEnv = process.env): ExecOps {
  return {
    rgPath,
    run: (req: ExecRequest) => new Promise<ExecResult>(resolve => {
      let output = '';
      let dropped = 0;
      const keep = (s: string) => {
        if (output.length < MAX_KEPT) output += s; else dropped += s.length;
        try { req.onOutput?.(s); } catch { /* a display failure must not break the command */ }
      };
      if (req.signal.aborted) { resolve({ exitCode: null, signal: null, output: '', timedOut: false, cancelled: true }); return; }
      let child;
      try {
        child = spawn('bash', ['-c', req.command], { cwd: req.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        resolve({ exitCode: null, signal: null, output: `Could not start bash: ${(err as Error).message}`, timedOut: false, cancelled: false });
        return;
      }
      let timedOut = false;
      let cancelled = false;
      let hardKill: ReturnType<typeof setTimeout> | undefined;
      const stop = () => {
        killGroup(child.pid, 'SIGTERM');
        hardKill ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      const timer = setTimeout(() => { timedOut = true; stop(); }, req.timeoutMs);
      const onAbort = () => { cancelled = true; stop(); };
      req.signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.setEncoding('utf8').on('data', keep);
      child.stderr.setEncoding('utf8').on('data', keep);
      child.on('error', err => keep(`\n${err.message}\n`));
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        req.signal.removeEventListener('abort', onAbort);
        // Children that outlived bash (background jobs) go with the group.
        killGroup(child.pid, 'SIGKILL');
        if (hardKill) clearTimeout(hardKill);
        if (dropped) output += `\n[${dropped} more characters of output not kept]`;
        resolve({ exitCode: code, signal: sig, output, timedOut, cancelled });
      });
    }),
  };
}
