/**
 * Reading workspace files on behalf of a profile (a custom system prompt, AGENTS.md, …). A path whose real location
 * leaves the workspace is refused: a symlinked AGENTS.md pointing at ~/.ssh would otherwise be sent to the model.
 * Only regular files up to WORKSPACE_FILE_MAX_BYTES are read (bounded-read.ts): a FIFO or a device never hangs Tack.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { formatSize, readBoundedFile } from './bounded-read';

export interface WorkspaceReader {
  /** The file's text, or undefined when it does not exist. Throws with a message when it resolves outside the workspace, is not a regular file or is too large. */
  readInside(relativePath: string): Promise<string | undefined>;
}

/** Instruction and prompt files are read whole into the system prompt: larger ones are refused. */
export const WORKSPACE_FILE_MAX_BYTES = 1024 * 1024;

/**
 * `rel` (from path.relative) names a place inside its base: not the base itself, not `..` or `../…`, not absolute.
 * A name that merely starts with two dots (`..notes.md`) is inside.
 */
export function isInside(rel: string): boolean {
  return !!rel && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

export function nodeWorkspaceReader(root: string, maxBytes = WORKSPACE_FILE_MAX_BYTES): WorkspaceReader {
  return {
    async readInside(rel) {
      let real: string;
      try {
        real = await realpath(path.resolve(root, rel));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      if (!isInside(path.relative(await realpath(root), real))) throw new Error(`${rel} resolves outside the workspace`);
      const r = await readBoundedFile(real, maxBytes);
      if ('missing' in r) return undefined;
      if ('error' in r) throw new Error(`${rel} was not read: ${r.error}${/larger/.test(r.error) ? ` (at most ${formatSize(maxBytes)})` : ''}`);
      return r.text;
    },
  };
}
