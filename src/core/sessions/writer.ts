/**
 * Appends records to one session file. Each record is one line written with a single append, so a crash loses at
 * most the line being written (readers skip a torn last line). Secrets the host names are replaced by
 * `[redacted]` before anything reaches the disk. Must not throw: a failed write is logged and reported as false.
 */
import * as fs from 'node:fs';
import type { Logger } from '../ports';
import { redactSecrets } from '../providers/redact';
import type { SessionRecord } from './records';

export class SessionWriter {
  private failed = false;

  constructor(private readonly fd: number, readonly file: string, private readonly secrets: () => readonly string[], private readonly log: Logger) {}

  /** The line as written: JSON with every secret (and its JSON-escaped form) redacted. */
  line(rec: SessionRecord): string {
    const secrets = this.secrets().flatMap(s => [s, JSON.stringify(s).slice(1, -1)]);
    return redactSecrets(JSON.stringify(rec), secrets) + '\n';
  }

  append(rec: SessionRecord): boolean {
    try {
      const buf = Buffer.from(this.line(rec), 'utf8');
      for (let off = 0; off < buf.length;) off += fs.writeSync(this.fd, buf, off, buf.length - off);
      this.failed = false;
      return true;
    } catch (err) {
      if (!this.failed) this.log.error(`Could not write to the session file ${this.file}: ${(err as Error).message}`);
      this.failed = true;
      return false;
    }
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch (err) {
      this.log.warn(`Closing the session file ${this.file} failed: ${(err as Error).message}`);
    }
  }
}
