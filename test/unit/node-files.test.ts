// FileOps on disk for the CLI: non-regular files refused before reading, size caps, and a file or folder swapped
// for a symbolic link between checkPath and the write (SECURITY.md 18), on real temp directories.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPath } from '../../src/core/tools/paths';
import { nodeFileOps } from '../../src/core/tools/node-files';

let tmp: string;
let ws: string;
let outside: string;
const text = (s: string) => new TextEncoder().encode(s);

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tack-files-')));
  ws = path.join(tmp, 'proj');
  outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Guards a step that must not hang (opening a FIFO): fails instead of blocking the suite. */
async function noHang<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} hung`)), 5000); });
  try {
    return await Promise.race([p, guard]);
  } finally {
    clearTimeout(timer);
  }
}

async function checked(rel: string): Promise<string> {
  const r = await checkPath(ws, rel);
  assert.ok(r.ok, JSON.stringify(r));
  return r.abs;
}

test('readFile returns the bytes of a checked file; stat tells file, folder, link and nothing', async () => {
  const ops = nodeFileOps(ws);
  const abs = await checked('src/a.ts');
  assert.equal(new TextDecoder().decode(await ops.readFile(abs)), 'export const a = 1;\n');
  const st = await ops.stat(abs);
  assert.equal(st?.type, 'file');
  assert.equal(st?.size, 20);
  assert.equal((await ops.stat(path.join(ws, 'src')))?.type, 'dir');
  fs.symlinkSync('a.ts', path.join(ws, 'src', 'link.ts'));
  assert.equal((await ops.stat(path.join(ws, 'src', 'link.ts')))?.type, 'other', 'a link is not followed');
  assert.equal(await ops.stat(path.join(ws, 'src', 'missing.ts')), undefined);
  assert.equal(await ops.stat(path.join(ws, 'src', 'a.ts', 'below-a-file')), undefined);
  await assert.rejects(ops.readFile(path.join(ws, 'src', 'missing.ts')), /missing\.ts does not exist/);
});

test('readFile refuses folders, FIFOs, devices and links to devices before reading, without hanging', async () => {
  const ops = nodeFileOps(ws);
  await assert.rejects(ops.readFile(path.join(ws, 'src')), /is a directory, not a regular file/);
  const fifo = path.join(ws, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await noHang('reading a FIFO', assert.rejects(ops.readFile(fifo), /named pipe \(FIFO\), not a regular file/));
  await noHang('writing a FIFO', assert.rejects(ops.writeFile(fifo, text('x')), /named pipe \(FIFO\), not a regular file/));
  fs.symlinkSync('/dev/zero', path.join(ws, 'zero'));
  await noHang('reading a link to /dev/zero', assert.rejects(ops.readFile(path.join(ws, 'zero')), /symbolic link, not a regular file/));
  await noHang('reading /dev/zero', assert.rejects(ops.readFile('/dev/zero'), /is a device, not a regular file/));
  refusedByCheck(await checkPath(ws, 'zero'));
});

function refusedByCheck(r: Awaited<ReturnType<typeof checkPath>>): void {
  assert.ok(!r.ok && /outside the workspace/.test(r.message), JSON.stringify(r));
}

test('readFile caps the size: over the limit is refused with the sizes named', async () => {
  const ops = nodeFileOps(ws);
  const small = path.join(ws, 'small.bin');
  fs.writeFileSync(small, Buffer.alloc(2000, 1));
  assert.equal((await ops.readFile(small, { maxBytes: 2000 })).byteLength, 2000);
  await assert.rejects(ops.readFile(small, { maxBytes: 1000 }), /small\.bin is 2\.0 KB, more than the 1000 bytes read limit/);
  const big = path.join(ws, 'big.bin');
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 10 * 1024 * 1024 + 1); // sparse: no 10 MB written
  await assert.rejects(ops.readFile(big), /big\.bin is 10\.0 MB, more than the 10 MB read limit/);
  fs.truncateSync(big, 10 * 1024 * 1024);
  assert.equal((await ops.readFile(big)).byteLength, 10 * 1024 * 1024);
});

test('writeFile replaces a file, creates a new one with its folders inside the root, never outside', async () => {
  const ops = nodeFileOps(ws);
  const existing = await checked('src/a.ts');
  await ops.writeFile(existing, text('short'));
  assert.equal(fs.readFileSync(existing, 'utf8'), 'short', 'truncated to the new content');
  const created = await checked('new/deep/file.ts');
  await ops.writeFile(created, text('hello'));
  assert.equal(fs.readFileSync(created, 'utf8'), 'hello');
  await ops.writeFile(path.join(ws, 'empty.txt'), new Uint8Array());
  assert.equal(fs.readFileSync(path.join(ws, 'empty.txt'), 'utf8'), '');
  await assert.rejects(ops.writeFile(path.join(outside, 'made', 'x.txt'), text('x')), /folders are only created inside the workspace/);
  assert.equal(fs.existsSync(path.join(outside, 'made')), false);
  await assert.rejects(ops.writeFile(path.join(ws, 'src'), text('x')), /is a directory/);
  await assert.rejects(ops.writeFile(path.join(ws, 'src', 'a.ts', 'x'), text('x')), /not a folder/);
});

test('a file swapped for a link to outside after the check is not written through', async () => {
  const ops = nodeFileOps(ws);
  const target = path.join(ws, 'target.txt');
  fs.writeFileSync(target, 'original');
  const abs = await checked('target.txt');
  fs.rmSync(target);
  fs.symlinkSync(path.join(outside, 'secret.txt'), target);
  await assert.rejects(ops.writeFile(abs, text('pwned')), /Refused to write .*target\.txt: it is a symbolic link/);
  await assert.rejects(ops.readFile(abs), /symbolic link/);
  assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');

  // The same when the file did not exist yet at check time, and a dangling link is created in its place.
  const fresh = await checked('fresh.txt');
  fs.symlinkSync(path.join(outside, 'created-outside.txt'), path.join(ws, 'fresh.txt'));
  await assert.rejects(ops.writeFile(fresh, text('pwned')), /symbolic link/);
  assert.equal(fs.existsSync(path.join(outside, 'created-outside.txt')), false);
});

test('a folder on the way swapped for a link after the check is caught on the open descriptor', async () => {
  const ops = nodeFileOps(ws);
  fs.mkdirSync(path.join(ws, 'sub'));
  fs.writeFileSync(path.join(ws, 'sub', 'secret.txt'), 'inside');
  const abs = await checked('sub/secret.txt');
  fs.renameSync(path.join(ws, 'sub'), path.join(ws, 'sub-moved'));
  fs.symlinkSync(outside, path.join(ws, 'sub'));
  await assert.rejects(ops.writeFile(abs, text('pwned')), /Refused to write .*sub\/secret\.txt: it now leads to .*outside\/secret\.txt/);
  await assert.rejects(ops.readFile(abs), /it now leads to .*outside\/secret\.txt/);
  assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
});

test('a file with another hard link is not written (it would change the other file too)', async () => {
  const ops = nodeFileOps(ws);
  const linked = path.join(ws, 'hard.txt');
  fs.linkSync(path.join(outside, 'secret.txt'), linked);
  await assert.rejects(ops.writeFile(linked, text('pwned')), /has 2 hard links/);
  assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
});
