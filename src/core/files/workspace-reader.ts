/**
 * Reading workspace files on behalf of a profile (a custom system prompt, AGENTS.md, …). A path whose real location
 * leaves the workspace is refused: a symlinked AGENTS.md pointing at ~/.ssh would otherwise be sent to the model.
 */
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';

export interface WorkspaceReader {
  /** The file's text, or undefined when it does not exist. Throws with a message when it resolves outside the workspace. */
  readInside(relativePath: string): Promise<string | undefined>;
}

export function nodeWorkspaceReader(root: string): WorkspaceReader {
  return {
    async readInside(rel) {
      let real: string;
      try {
        real = await realpath(path.resolve(root, rel));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const inside = path.relative(await realpath(root), real);
      if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new Error(`${rel} resolves outside the workspace`);
      return readFile(real, 'utf8');
    },
  };
}
