/**
 * Where sessions live: `<dataDir>/sessions/<workspace key>/` holds `<id>.jsonl` (the session), `<id>.lock` (its
 * writer), `<id>/` (its data folder: whole outputs of truncated tool results) and `index.json` (a cache for
 * listing, rebuilt from the files whenever they disagree; nothing is ever deleted because the index lacks it).
 * The workspace key is a hash of the canonical workspace path: sessions are never stored inside the repository.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../ports';
import { acquireLock } from './lock';
import { parseLines, reportSkipped, SESSION_FORMAT_VERSION, type SessionRecord } from './records';
import { replay, summarize, type SessionData, type SessionSummary } from './replay';
import { readIndex, writeIndex, type IndexEntry } from './index-file';
import { exportMarkdown } from './markdown';
import { SessionWriter } from './writer';

export interface SessionStoreOptions {
  /** Tack's user data folder (the CLI: TACK_DATA_DIR, $XDG_DATA_HOME/tack or ~/.local/share/tack). */
  dataDir: string;
  /** The workspace folder; canonicalised (realpath) when it exists. */
  workspace: string;
  log: Logger;
  /** Key strings to keep out of every file written (API keys in use). Read at each write. */
  secrets?: () => readonly string[];
  now?: () => number;
}

/** An open session: its data as loaded, and a writer unless it is a read-only view. */
export interface SessionHandle {
  readonly id: string;
  readonly file: string;
  /** The session's data folder (tool outputs), next to its file. */
  readonly dataDir: string;
  readonly data: SessionData;
  /** True when another live process writes this session: appends are refused. */
  readonly readOnly: boolean;
  /** Why it is read-only (who holds the lock). */
  readonly readOnlyReason?: string;
  /** Appends a record; false when read-only or the write failed (logged). */
  append(rec: SessionRecord): boolean;
  rename(title: string): boolean;
  /** Releases the lock and closes the file. Idempotent. */
  close(): void;
}

export type OpenResult = { handle: SessionHandle; forkedFrom?: string } | { error: string };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function workspaceKey(workspace: string): string {
  let canonical = path.resolve(workspace);
  try { canonical = fs.realpathSync(canonical); } catch { /* a folder that does not exist (yet) keys by its resolved path */ }
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export class SessionStore {
  readonly dir: string;
  readonly workspace: string;
  private readonly now: () => number;

  constructor(private readonly o: SessionStoreOptions) {
    this.workspace = path.resolve(o.workspace);
    try { this.workspace = fs.realpathSync(this.workspace); } catch { /* kept resolved, see workspaceKey */ }
    this.dir = path.join(o.dataDir, 'sessions', workspaceKey(this.workspace));
    this.now = o.now ?? Date.now;
  }

  fileOf(id: string): string { return path.join(this.dir, `${id}.jsonl`); }
  dataDirOf(id: string): string { return path.join(this.dir, id); }

  /** A new, empty session, locked for writing by this process. */
  create(init: { model?: string; profile?: string; forkedFrom?: string; id?: string } = {}): SessionHandle {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = init.id ?? randomUUID();
    if (!ID.test(id)) throw new Error(`Invalid session id "${id}".`);
    const lock = acquireLock(path.join(this.dir, `${id}.lock`));
    if (!lock.ok) throw new Error(lock.message);
    const created = this.now();
    const fd = fs.openSync(this.fileOf(id), 'a', 0o600);
    const writer = new SessionWriter(fd, this.fileOf(id), this.o.secrets ?? (() => []), this.o.log);
    writer.append({ type: 'session', v: SESSION_FORMAT_VERSION, id, workspace: this.workspace, created, ...(init.forkedFrom ? { forkedFrom: init.forkedFrom } : {}) });
    if (init.model || init.profile) writer.append({ type: 'meta', at: created, ...(init.model ? { model: init.model } : {}), ...(init.profile ? { profile: init.profile } : {}) });
    const data = replay([{ type: 'session', v: SESSION_FORMAT_VERSION, id, workspace: this.workspace, created }])!;
    return this.handle(id, data, writer, lock.release);
  }

  /**
   * Opens a session to continue it. When another live process writes it: `ifLocked: 'read-only'` gives a view
   * whose appends are refused, `'fork'` (the default) a new session holding a copy of its transcript.
   */
  open(id: string, opts: { ifLocked?: 'read-only' | 'fork' } = {}): OpenResult {
    const loaded = this.load(id);
    if ('error' in loaded) return loaded;
    if (loaded.version > SESSION_FORMAT_VERSION) return { handle: this.readOnlyHandle(id, loaded, `It was written by a newer Tack (format ${loaded.version}).`) };
    const lock = acquireLock(path.join(this.dir, `${id}.lock`));
    if (!lock.ok) {
      if (opts.ifLocked === 'read-only') return { handle: this.readOnlyHandle(id, loaded, lock.message) };
      return { handle: this.fork(loaded), forkedFrom: id };
    }
    const file = this.fileOf(id);
    // A torn last line (a crash mid-write) is cut off before appending, so the next record starts on its own line.
    const text = fs.readFileSync(file, 'utf8');
    if (text && !text.endsWith('\n')) fs.truncateSync(file, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    const writer = new SessionWriter(fs.openSync(file, 'a', 0o600), file, this.o.secrets ?? (() => []), this.o.log);
    return { handle: this.handle(id, loaded, writer, lock.release) };
  }

  /** A new session with a copy of `source`'s transcript, usage and compactions (ids kept). */
  fork(source: SessionData): SessionHandle {
    const h = this.create({ forkedFrom: source.id, ...(source.model ? { model: source.model } : {}), ...(source.profile ? { profile: source.profile } : {}) });
    const at = this.now();
    for (const message of source.messages) h.append({ type: 'message', at, message });
    for (const u of source.usage) h.append(u);
    for (const c of source.compactions) h.append({ type: 'compaction', ...c });
    h.close();
    const reopened = this.open(h.id);
    if ('error' in reopened) throw new Error(reopened.error);
    return reopened.handle;
  }

  /** Reads a whole session (no lock). A torn last line and damaged lines are skipped and logged. */
  load(id: string): SessionData | { error: string } {
    if (!ID.test(id)) return { error: `"${id}" is not a session id.` };
    let text: string;
    try {
      text = fs.readFileSync(this.fileOf(id), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { error: code === 'ENOENT' ? `No session "${id}" for this workspace (list them with tack sessions).` : `Cannot read session ${id}: ${(err as Error).message}` };
    }
    const parsed = parseLines(text);
    reportSkipped(this.fileOf(id), parsed, this.o.log);
    const data = replay(parsed.records);
    return data ?? { error: `${this.fileOf(id)} is not a session file (no header line).` };
  }

  /** Every session of the workspace, newest first. The index is a cache: stale or missing entries are re-read. */
  list(): SessionSummary[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter(n => n.endsWith('.jsonl'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const index = readIndex(path.join(this.dir, 'index.json'), this.o.log);
    const next: Record<string, IndexEntry> = {};
    let changed = Object.keys(index).length !== names.length;
    for (const name of names) {
      const id = name.slice(0, -'.jsonl'.length);
      if (!ID.test(id)) continue;
      let st: fs.Stats;
      try { st = fs.statSync(this.fileOf(id)); } catch (err) { this.o.log.warn(`Session ${id}: ${(err as Error).message}`); continue; }
      const cached = index[id];
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) { next[id] = cached; continue; }
      const data = this.load(id);
      if ('error' in data) { this.o.log.warn(data.error); continue; }
      next[id] = { size: st.size, mtimeMs: st.mtimeMs, summary: summarize(data) };
      changed = true;
    }
    if (changed) writeIndex(path.join(this.dir, 'index.json'), next, this.o.log);
    return Object.values(next).map(e => e.summary).sort((a, b) => b.updated - a.updated);
  }

  /** Renames a session that no other process writes. */
  rename(id: string, title: string): { ok: true } | { error: string } {
    const r = this.open(id, { ifLocked: 'read-only' });
    if ('error' in r) return r;
    try {
      if (r.handle.readOnly) return { error: r.handle.readOnlyReason ?? 'The session is read-only.' };
      return r.handle.rename(title) ? { ok: true } : { error: 'The title could not be written (see the log).' };
    } finally {
      r.handle.close();
    }
  }

  /** Deletes a session's file and data folder, unless another live process writes it. */
  delete(id: string): { ok: true } | { error: string } {
    if (!ID.test(id)) return { error: `"${id}" is not a session id.` };
    if (!fs.existsSync(this.fileOf(id))) return { error: `No session "${id}" for this workspace.` };
    const lock = acquireLock(path.join(this.dir, `${id}.lock`));
    if (!lock.ok) return { error: lock.message };
    try {
      fs.rmSync(this.fileOf(id), { force: true });
      fs.rmSync(this.dataDirOf(id), { recursive: true, force: true });
    } finally {
      lock.release();
    }
    return { ok: true };
  }

  /** The session as Markdown (messages, tool calls and results, compactions), secrets redacted. */
  exportMarkdown(id: string): string | { error: string } {
    const data = this.load(id);
    if ('error' in data) return data;
    return exportMarkdown(data, this.o.secrets?.() ?? []);
  }

  private handle(id: string, data: SessionData, writer: SessionWriter, release: () => void): SessionHandle {
    let closed = false;
    const now = this.now;
    return {
      id, file: this.fileOf(id), dataDir: this.dataDirOf(id), data, readOnly: false,
      append: rec => !closed && writer.append(rec),
      rename(title) { return this.append({ type: 'meta', at: now(), title: title.trim() }); },
      close: () => { if (closed) return; closed = true; writer.close(); release(); },
    };
  }

  private readOnlyHandle(id: string, data: SessionData, reason: string): SessionHandle {
    return {
      id, file: this.fileOf(id), dataDir: this.dataDirOf(id), data, readOnly: true, readOnlyReason: reason,
      append: () => false, rename: () => false, close: () => {},
    };
  }
}
