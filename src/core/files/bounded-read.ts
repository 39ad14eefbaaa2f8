/**
 * Reading a file a repository (or anyone) may have planted, without trusting what it is: only regular files are
 * read, and only up to a size cap. A FIFO named AGENTS.md, a profiles file linked to /dev/zero or /dev/stdin, a
 * directory, a socket — each is refused by looking at the opened file, before a byte is read. The open itself uses
 * O_NONBLOCK, so opening a FIFO with no writer returns at once instead of hanging the process.
 */
import { constants, open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type BoundedRead = { text: string } | { missing: true } | { error: string };

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/**
 * The file's text (UTF-8), `missing` when it does not exist, or an `error` sentence saying why it was not read
 * (not a regular file, larger than `maxBytes`, permissions). Never throws.
 */
export async function readBoundedFile(file: string, maxBytes: number): Promise<BoundedRead> {
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { error: (err as Error).message };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { error: `it is ${kindOf(st)}; Tack reads only regular files` };
    if (st.size > maxBytes) return { error: `it is larger than ${formatSize(maxBytes)} (${formatSize(st.size)})` };
    // The file may grow between stat and read: read at most one byte past the cap to notice.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) break;
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > maxBytes) return { error: `it is larger than ${formatSize(maxBytes)}` };
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    await fh.close().catch(() => undefined);
  }
}
