/** The usage log (and other append-only JSON Lines stores) as a file on disk, for Node hosts. */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { UsageLogPort } from './usage-log';

/**
 * The log as a file on disk, appended with O_APPEND (one write per record), so the editor and the CLI can add to the
 * same file without either rewriting it. A missing file reads as undefined.
 */
export function nodeFileLogPort(file: string): UsageLogPort {
  return {
    async readText() {
      try {
        return await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async appendText(text) {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, text, 'utf8');
    },
  };
}
