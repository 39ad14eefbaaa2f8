/**
 * Text in and out of files for the tools, byte-exact: a BOM stays in the string (and so in the file), invalid UTF-8
 * and NUL bytes mark a file as binary (never edited as text), and what is written is exactly the string's UTF-8.
 */
import type { FileOps } from './file-ops';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export type TextRead = { kind: 'text'; text: string } | { kind: 'binary'; size: number } | { kind: 'missing' };

export function isBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  return head.includes(0);
}

export async function readText(files: FileOps, abs: string): Promise<TextRead> {
  const st = await files.stat(abs);
  if (!st) return { kind: 'missing' };
  if (st.type !== 'file') throw new Error(st.type === 'dir' ? 'it is a directory' : 'it is not a regular file');
  const bytes = await files.readFile(abs);
  if (isBinary(bytes)) return { kind: 'binary', size: bytes.length };
  try {
    return { kind: 'text', text: decoder.decode(bytes) };
  } catch {
    return { kind: 'binary', size: bytes.length };
  }
}

export function writeText(files: FileOps, abs: string, text: string): Promise<void> {
  return files.writeFile(abs, encoder.encode(text));
}
