/**
 * `index.json`: a cache of session summaries keyed by id, each with the size and mtime of the file it was read from.
 * Always rebuildable from the session files; a missing, damaged or disagreeing index only costs a re-read.
 */
import * as fs from 'node:fs';
import type { Logger } from '../ports';
import type { SessionSummary } from './replay';

export interface IndexEntry { size: number; mtimeMs: number; summary: SessionSummary }

export function readIndex(file: string, log: Logger): Record<string, IndexEntry> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`Session index ${file} unreadable (${(err as Error).message}); rebuilding it from the files.`);
    return {};
  }
  try {
    const v = JSON.parse(text) as { v?: unknown; sessions?: unknown };
    if (v.v === 1 && v.sessions && typeof v.sessions === 'object') return v.sessions as Record<string, IndexEntry>;
  } catch {
    // damaged: said below, and rebuilt
  }
  log.warn(`Session index ${file} is damaged; rebuilding it from the files.`);
  return {};
}

/** Written to a temporary file and renamed over, so a reader never sees half an index. */
export function writeIndex(file: string, sessions: Record<string, IndexEntry>, log: Logger): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify({ v: 1, sessions }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    log.warn(`Could not write the session index ${file}: ${(err as Error).message} (listing still works, from the files).`);
    fs.rmSync(tmp, { force: true });
  }
}
