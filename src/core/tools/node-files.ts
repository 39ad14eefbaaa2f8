/**
 * FileOps on disk. Reads open with O_NOFOLLOW|O_NONBLOCK and check the opened file is a regular one (a FIFO or a
 * device never blocks or streams forever), capped in size. Writes never go through a link: the file is opened with
 * O_NOFOLLOW and without truncating, its real path (via /proc/self/fd where available) is checked to be inside the
 * root — so a file or folder swapped for a link between the check and the write is refused — and only then written.
 */
import { constants } from 'node:fs';
import { mkdir, open, readlink, realpath, stat as fsStat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileOps } from './file-ops';
import { isInside } from './paths';

export const DEFAULT_MAX_READ_BYTES = 10 * 1024 * 1024;

export function nodeFileOps(root: string): FileOps {
  return {
    async readFile(abs, opts) {
      const max = opts?.maxBytes ?? DEFAULT_MAX_READ_BYTES;
      const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new Error(`${abs} is not a regular file`);
        if (st.size > max) throw new Error(`${abs} is ${st.size} bytes, over the ${max}-byte limit`);
        const buf = Buffer.alloc(st.size);
        let off = 0;
        while (off < st.size) {
          const { bytesRead } = await fh.read(buf, off, st.size - off, off);
          if (bytesRead === 0) break;
          off += bytesRead;
        }
        return buf.subarray(0, off);
      } finally {
        await fh.close();
      }
    },
    async writeFile(abs, data) {
      const rootReal = await realpath(root);
      const dir = path.dirname(abs);
      if (isInside(rootReal, dir) === undefined) throw new Error(`${abs} is outside the workspace`);
      await mkdir(dir, { recursive: true });
      const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o666);
      try {
        const st = await fh.stat();
        if (!st.isFile()) throw new Error(`${abs} is not a regular file`);
        const real = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
        if (real !== undefined && isInside(rootReal, real) === undefined) throw new Error(`${abs} now leads outside the workspace (${real}); nothing was written`);
        await fh.truncate(0);
        await fh.write(data, 0, data.length, 0);
      } finally {
        await fh.close();
      }
    },
    async stat(abs) {
      try {
        const st = await fsStat(abs);
        return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', size: st.size, mtimeMs: st.mtimeMs };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
