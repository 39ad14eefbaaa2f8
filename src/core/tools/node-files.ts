/**
 * FileOps on the local disk, for the CLI (the editor has its own through WorkspaceEdit).
 *
 * Between checkPath and the actual read or write, a file can be swapped for a symbolic link (SECURITY.md 18). So
 * files are opened with O_NOFOLLOW (a link in last place fails to open) and O_NONBLOCK (a FIFO cannot hang the
 * open), then the open descriptor is verified before a byte is read or written: it must be a regular file, and its
 * real path — from /proc/self/fd on Linux, elsewhere by comparing the descriptor's device and inode with the path's
 * — must be the path that was checked, which catches a folder on the way swapped for a link too. Writes truncate
 * only after that check, and refuse files with other hard links (writing one would change the other).
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileOps } from './file-ops';
import { DEFAULT_MAX_READ_BYTES } from './file-ops';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export function nodeFileOps(root: string): FileOps {
  let rootReal: Promise<string> | undefined;
  const workspace = () => (rootReal ??= realpath(root));
  return {
    async readFile(abs, opts) {
      const max = opts?.maxBytes ?? DEFAULT_MAX_READ_BYTES;
      await refuseNonRegular(abs, 'read');
      const fh = await openChecked(abs, constants.O_RDONLY, 'read');
      try {
        const st = await verifyOpened(fh, abs, 'read');
        if (st.size > max) throw new Error(`${abs} is ${formatBytes(st.size)}, more than the ${formatBytes(max)} read limit; read a part of it instead.`);
        return await readBounded(fh, abs, max);
      } finally {
        await fh.close();
      }
    },

    async writeFile(abs, data) {
      const existing = await lstatOrUndefined(abs);
      if (existing) await refuseNonRegular(abs, 'write', existing);
      else await makeParents(path.dirname(abs), await workspace());
      const fh = await openChecked(abs, constants.O_WRONLY | constants.O_CREAT, 'write');
      try {
        const st = await verifyOpened(fh, abs, 'write');
        if (st.nlink > 1) throw new Error(`Refused to write ${abs}: it has ${st.nlink} hard links, so writing it would also change a file elsewhere.`);
        await fh.truncate(0);
        let written = 0;
        while (written < data.byteLength) {
          const { bytesWritten } = await fh.write(data, written, data.byteLength - written, written);
          written += bytesWritten;
        }
      } finally {
        await fh.close();
      }
    },

    async stat(abs) {
      const st = await lstatOrUndefined(abs);
      if (!st) return undefined;
      return { type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', size: st.size, mtimeMs: st.mtimeMs };
    },
  };
}

async function lstatOrUndefined(abs: string): Promise<Stats | undefined> {
  try {
    return await lstat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Refuses directories, links, FIFOs, devices and sockets by what the path is now, before opening it. */
async function refuseNonRegular(abs: string, verb: 'read' | 'write', known?: Stats): Promise<void> {
  const st = known ?? (await lstatOrUndefined(abs));
  if (!st) throw new Error(`${abs} does not exist.`);
  if (!st.isFile()) throw new Error(`Refused to ${verb} ${abs}: it is ${kindOf(st)}, not a regular file.`);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

async function openChecked(abs: string, flags: number, verb: 'read' | 'write'): Promise<FileHandle> {
  try {
    return await open(abs, flags | O_NOFOLLOW | O_NONBLOCK, 0o666);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new Error(`Refused to ${verb} ${abs}: it became a symbolic link after it was checked.`);
    if (code === 'ENXIO') throw new Error(`Refused to ${verb} ${abs}: it is a named pipe or device, not a regular file.`);
    throw err;
  }
}

/** Confirms the descriptor is a regular file at exactly `abs` (no link or swapped folder on the way). */
async function verifyOpened(fh: FileHandle, abs: string, verb: 'read' | 'write'): Promise<Stats> {
  const st = await fh.stat();
  if (!st.isFile()) throw new Error(`Refused to ${verb} ${abs}: it is ${kindOf(st)}, not a regular file.`);
  const real = await descriptorPath(fh.fd);
  if (real !== undefined) {
    if (real !== abs) throw new Error(`Refused to ${verb} ${abs}: it now leads to ${real}; it changed after it was checked.`);
    return st;
  }
  const now = await lstatOrUndefined(abs);
  if (!now || now.isSymbolicLink() || now.dev !== st.dev || now.ino !== st.ino || (await realpath(abs)) !== abs) {
    throw new Error(`Refused to ${verb} ${abs}: it changed after it was checked.`);
  }
  return st;
}

/** The real path of an open descriptor where the OS tells it (Linux /proc), else undefined. */
async function descriptorPath(fd: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return await readlink(`/proc/self/fd/${fd}`);
  } catch (err) {
    // /proc may be absent (some containers); the device/inode comparison is used instead.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Reads at most `max` bytes; a file that grew past `max` since fstat is refused rather than cut silently. */
async function readBounded(fh: FileHandle, abs: string, max: number): Promise<Uint8Array> {
  const buf = Buffer.alloc(Math.min(max, 64 * 1024) + 1);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, total);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > max) throw new Error(`${abs} is more than the ${formatBytes(max)} read limit; read a part of it instead.`);
    chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/**
 * Creates the missing folders of `dir` one by one, only inside the workspace, and checks each one it made is a real
 * folder (not a link that appeared in its place).
 */
async function makeParents(dir: string, workspace: string): Promise<void> {
  const rel = path.relative(workspace, dir);
  const inside = rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
  const existing = await lstatOrUndefined(dir);
  if (existing) {
    if (!existing.isDirectory()) throw new Error(`Refused to write into ${dir}: it is ${kindOf(existing)}, not a folder.`);
    return;
  }
  if (!inside) throw new Error(`Refused to create ${dir}: folders are only created inside the workspace ${workspace}.`);
  await makeParents(path.dirname(dir), workspace);
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const made = await lstat(dir);
  if (!made.isDirectory()) throw new Error(`Refused to write into ${dir}: it is ${kindOf(made)}, not a folder.`);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KB`;
  return `${n} bytes`;
}
