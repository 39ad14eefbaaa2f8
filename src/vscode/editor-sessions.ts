/**
 * The editor's saved sessions: every conversation is written as it happens to core's SessionStore in the extension's
 * global storage (the CLI finds the same folder, so `tack sessions` lists what the panel saved and the other way
 * round), keyed by workspace. The session that was open is remembered in workspaceState and reopened after a reload.
 * A session another window writes is continued in a fork (core's one-writer rule), and said so.
 * No key ever reaches a file: the writer redacts the stored keys of every configured provider (`secrets`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import {
  AgentSession, parseLines, recordEvents, restoreSession, SessionStore, type AgentEvent, type AgentSessionDeps, type CompactionEntry,
  type Logger, type SessionData, type SessionHandle, type SessionSummary,
} from '../core/index';
import type { Marker } from '../shared/protocol';

const OPEN_KEY = 'tack.sessions.open';

export interface EditorSessionsDeps {
  /** The extension's global storage folder (the CLI's TACK_DATA_DIR). */
  dataDir: string;
  /** The workspace folder; without one, sessions are kept under a folder of their own in storage. */
  workspace: string | undefined;
  state: vscode.Memento;
  log: Logger;
  /** Key strings to keep out of every file (read at each write). */
  secrets: () => readonly string[];
  deps: AgentSessionDeps;
}

/** A session to show: the AgentSession and the markers (compaction cards, notices) that go with its transcript. */
export interface OpenedSession {
  session: AgentSession;
  markers: Marker[];
}

/** The card of one compaction: what ran and what it replaced, in a line. */
export function compactionMarker(e: CompactionEntry, afterId: string | undefined): Marker {
  const parts: string[] = [];
  if (e.replaced) parts.push(`${e.replaced.count} earlier message${e.replaced.count === 1 ? '' : 's'} sent as a summary${e.model ? ` (written by ${e.model})` : ''}`);
  if (e.pruned?.length) parts.push(`${e.pruned.length} old tool output${e.pruned.length === 1 ? '' : 's'} replaced by a stub`);
  if (e.instructions) parts.push(`instructions: ${e.instructions.length > 200 ? `${e.instructions.slice(0, 199)}…` : e.instructions}`);
  return { kind: 'compaction', id: e.id, ...(afterId ? { afterId } : {}), before: e.before, after: e.after, strategy: e.strategy, trigger: e.trigger, detail: parts.join('; ') };
}

export class EditorSessions {
  readonly store: SessionStore;
  private handle?: SessionHandle;
  private record?: (ev: AgentEvent) => void;
  private current?: AgentSession;

  constructor(private readonly d: EditorSessionsDeps) {
    this.store = new SessionStore({ dataDir: d.dataDir, workspace: d.workspace ?? path.join(d.dataDir, 'no-folder'), log: d.log, secrets: d.secrets });
  }

  get currentId(): string | undefined {
    return this.current?.id;
  }

  /** A new conversation. Its file is created with the first record, so an untouched New Session leaves nothing behind. */
  fresh(): OpenedSession {
    this.close();
    const session = new AgentSession(this.d.deps);
    this.current = session;
    let handle: SessionHandle | undefined;
    const target = {
      append: (rec: Parameters<SessionHandle['append']>[0]) => {
        if (!handle) {
          try {
            handle = this.store.create({ id: session.id });
          } catch (err) {
            this.d.log.error(`Could not create the session file: ${(err as Error).message} (this conversation is not saved).`);
            return false;
          }
          if (this.current === session) { this.handle = handle; void this.d.state.update(OPEN_KEY, session.id); } else handle.close();
        }
        return handle.append(rec);
      },
    };
    this.record = recordEvents(target, session);
    return { session, markers: [] };
  }

  /** The session open before the window reloaded, if any and still there. */
  reopen(): OpenedSession | undefined {
    const id = this.d.state.get<string>(OPEN_KEY);
    if (!id) return undefined;
    const r = this.resume(id);
    if ('error' in r) { this.d.log.warn(`The session open before the reload could not be reopened: ${r.error}`); void this.d.state.update(OPEN_KEY, undefined); return undefined; }
    return r;
  }

  /**
   * Opens a saved session to continue it. When another window writes it, this window continues a fork (a new
   * session holding a copy), and a notice at the end of the conversation says so.
   */
  resume(id: string): OpenedSession | { error: string } {
    let opened;
    try {
      opened = this.store.open(id);
    } catch (err) {
      return { error: (err as Error).message };
    }
    if ('error' in opened) return opened;
    this.close();
    const { handle } = opened;
    const session = restoreSession(handle.data, this.d.deps);
    this.current = session;
    this.handle = handle;
    this.record = recordEvents(handle, session);
    void this.d.state.update(OPEN_KEY, handle.id);
    const markers = this.markersOf(handle.file, handle.data);
    const last = session.messages.at(-1)?.id;
    if (opened.forkedFrom) {
      markers.push({ kind: 'notice', id: `fork-${handle.id}`, ...(last ? { afterId: last } : {}), level: 'info', text: 'This session is open in another window, so it continues here as a copy (a new session); the other window keeps the original.' });
    } else if (handle.readOnly) {
      markers.push({ kind: 'notice', id: `readonly-${handle.id}`, ...(last ? { afterId: last } : {}), level: 'warning', text: `This session is read-only here: ${handle.readOnlyReason ?? 'it cannot be written'}. New messages are not saved.` });
    }
    return { session, markers };
  }

  /** Every event of every run and compaction of the current session goes to its file. Must not throw. */
  observe(ev: AgentEvent): void {
    try {
      this.record?.(ev);
    } catch (err) {
      this.d.log.error(`Could not record the session: ${(err as Error).message}`);
    }
  }

  list(): SessionSummary[] {
    try {
      return this.store.list();
    } catch (err) {
      this.d.log.error(`Could not list the sessions: ${(err as Error).message}`);
      return [];
    }
  }

  rename(id: string, title: string): { ok: true } | { error: string } {
    // The open session is renamed through its own writer (its lock is this window's).
    if (id === this.handle?.id) return this.handle.rename(title) ? { ok: true } : { error: 'The title could not be written (see the log).' };
    return this.store.rename(id, title);
  }

  delete(id: string): { ok: true } | { error: string } {
    if (id === this.current?.id) return { error: 'This session is open; start a new session first.' };
    return this.store.delete(id);
  }

  exportMarkdown(id: string): string | { error: string } {
    return this.store.exportMarkdown(id);
  }

  /** Releases the lock of the session being written. */
  close(): void {
    this.handle?.close();
    this.handle = undefined;
    this.record = undefined;
  }

  /**
   * Compaction cards where they happened: after the message that was last when each compaction ran. The order is the
   * file's, so the file is read again — only for sessions that have compactions.
   */
  private markersOf(file: string, data: SessionData): Marker[] {
    if (!data.compactions.length) return [];
    const after = new Map<string, string | undefined>();
    try {
      let last: string | undefined;
      for (const r of parseLines(fs.readFileSync(file, 'utf8')).records) {
        if (r.type === 'message') last = r.message.id;
        else if (r.type === 'compaction') after.set(r.id, last);
      }
    } catch (err) {
      this.d.log.warn(`Session ${file}: ${(err as Error).message}; compaction cards are shown at the end.`);
    }
    const ids = new Set(data.messages.map(m => m.id));
    return data.compactions.map(e => {
      const a = after.get(e.id);
      return compactionMarker(e, a && ids.has(a) ? a : data.messages.at(-1)?.id);
    });
  }
}
