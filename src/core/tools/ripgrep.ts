/**
 * Runs ripgrep without a shell (arguments are never parsed by one). It walks the workspace the way the editor's
 * search does: .gitignore respected, hidden files included but `.git/` left out, symbolic links not followed.
 */
import { execFile } from 'node:child_process';

export interface RgResult {
  /** 0 matches found, 1 none, 2 error. */
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_BUFFER = 16 * 1024 * 1024;
export const WALK_ARGS = ['--hidden', '--glob', '!.git', '--no-follow', '--color', 'never'];

export function runRipgrep(rgPath: string, args: readonly string[], cwd: string, signal: AbortSignal): Promise<RgResult> {
  return new Promise(resolve => {
    execFile(rgPath, [...args], { cwd, maxBuffer: MAX_BUFFER, signal, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (!e) { resolve({ code: 0, stdout, stderr }); return; }
      if (typeof e.code === 'number') { resolve({ code: e.code, stdout, stderr }); return; }
      // Not started (ENOENT), killed for its buffer, or aborted: an error the model sees.
      resolve({ code: 2, stdout, stderr: stderr || e.message });
    });
  });
}
