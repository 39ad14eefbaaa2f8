/**
 * The newest messages of a session without reading all of it: the file is read backwards in chunks until enough
 * message records are found, so reopening a long session shows its tail first. The rest comes from a full load.
 */
import * as fs from 'node:fs';
import type { StoredMessage } from '../agent/transcript';
import { asRecord } from './records';

export interface SessionTail {
  /** Up to `count` newest messages, oldest first (removals found in the read part applied). */
  messages: StoredMessage[];
  /** True when the whole file was read (the tail is the whole transcript). */
  complete: boolean;
}

const CHUNK = 256 * 1024;

export function readTail(file: string, count: number): SessionTail {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    let pos = size;
    let carry = Buffer.alloc(0);
    const found: StoredMessage[] = [];
    const removed = new Set<string>();
    const seen = new Set<string>();
    let torn = true; // the text after the last newline may be a torn write
    while (pos > 0 && found.length < count) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, pos);
      const joined = Buffer.concat([buf, carry]);
      const firstNl = pos > 0 ? joined.indexOf(10) : -1;
      if (pos > 0 && firstNl < 0) { carry = joined; continue; } // one line longer than a chunk: keep reading backwards
      carry = pos > 0 ? joined.subarray(0, firstNl + 1) : Buffer.alloc(0);
      const lines = joined.subarray(firstNl + 1).toString('utf8').split('\n');
      if (torn) { lines.pop(); torn = false; }
      for (let i = lines.length - 1; i >= 0 && found.length < count; i--) {
        if (!lines[i].trim()) continue;
        let rec;
        try { rec = asRecord(JSON.parse(lines[i])); } catch { rec = undefined; /* damaged line: skipped as a full load would */ }
        if (rec?.type === 'remove') rec.ids.forEach(id => removed.add(id));
        if (rec?.type === 'message' && !removed.has(rec.message.id) && !seen.has(rec.message.id)) {
          seen.add(rec.message.id);
          found.push(rec.message);
        }
      }
    }
    return { messages: found.reverse(), complete: pos === 0 };
  } finally {
    fs.closeSync(fd);
  }
}
