/**
 * One writer per session file: `<id>.lock` is created exclusively and holds the writer's pid and host. A lock whose
 * pid no longer runs on this host is stale (a crash, a kill -9) and is taken over; a live one is refused, so a second
 * window gets a read-only view or a fork instead of interleaving writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

export type LockResult =
  | { ok: true; release(): void }
  | { ok: false; pid: number; host: string; message: string };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): { pid: number; host: string } | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host } : undefined;
  } catch {
    return undefined; // unreadable or half-written lock: its owner is unknown, treated below as stale
  }
}

/** Takes the lock, or says who holds it. Never throws for a held lock; I/O errors other than EEXIST do throw. */
export function acquireLock(file: string): LockResult {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
      fs.closeSync(fd);
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          // Only our own lock is removed (a stale-lock takeover elsewhere may have replaced it).
          const owner = readOwner(file);
          if (owner?.pid === process.pid && owner.host === os.hostname()) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    const stale = !owner || (owner.host === os.hostname() && !alive(owner.pid));
    if (owner && !stale) return { ok: false, pid: owner.pid, host: owner.host, message: `This session is open for writing in another process (pid ${owner.pid} on ${owner.host}).` };
    fs.rmSync(file, { force: true });
  }
  return { ok: false, pid: -1, host: os.hostname(), message: 'The session lock could not be taken (another process keeps taking it).' };
}
