/**
 * The MCP servers of one window (the editor) or one process (the CLI). Nothing starts at construction: `start()`
 * runs when a session first needs tools, checks each server's trust pin (trust.ts), connects, and reports every
 * state change to listeners. A server that dies is restarted with backoff (its tools unavailable meanwhile); a tool
 * list that changes after approval is reported (`tools_changed`) before the new tools are offered — and, when the
 * host can ask (`confirmToolsChange`), withheld until the person accepts it. `dispose()`
 * stops every process. Never throws: failures are states with a reason and the server's last stderr lines.
 */
import type { Logger } from '../ports';
import { connectServer, McpStartError, type McpConnection, type McpToolInfo } from './client';
import type { McpServerDef } from './config';
import { makeMcpTool, type McpTool } from './tools';
import { ensureTrusted, type TrustContext } from './trust';

export type McpServerState = 'offered' | 'awaiting_approval' | 'declined' | 'starting' | 'ready' | 'failed' | 'restarting' | 'tools_changed' | 'stopped';

export interface McpServerStatus {
  name: string;
  source: McpServerDef['source'];
  state: McpServerState;
  /** Tools offered (ready). */
  tools?: number;
  /** Why it failed, was declined or restarts; what changed in its tool list. */
  message?: string;
  /** The last lines the server wrote to stderr (failed). */
  stderr?: string[];
}

/** One state change, the shape of the CLI's `{"type":"mcp",…}` line. */
export interface McpStateChange {
  server: string;
  state: McpServerState;
  tools?: number;
  message?: string;
}

export interface McpManagerOptions {
  /** Servers to start (selected by the profile: config.ts `selectServers`). */
  servers: McpServerDef[];
  /** Defined but not started; listed with state `offered`. */
  offered?: McpServerDef[];
  trust: TrustContext;
  log: Logger;
  startTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Restarts after a crash: at most `maxAttempts`, waiting baseDelayMs · 2^n. */
  restart?: { maxAttempts: number; baseDelayMs: number };
  /**
   * Asks the person about a server whose tool list or a tool's description changed since it was first seen
   * (`change` says what changed). Its tools are withheld (state `tools_changed`) until this resolves true; false
   * leaves them off (`declined`). Absent: the change is reported and the new list offered. Must not throw.
   */
  confirmToolsChange?(server: string, change: string): Promise<boolean>;
}

interface Entry {
  def: McpServerDef;
  status: McpServerStatus;
  conn?: McpConnection;
  tools: McpTool[];
  /** The tool list as first seen after approval (name, description, schema). */
  approvedSignature?: string;
  attempts: number;
  timer?: NodeJS.Timeout;
  /** Tool lists are applied one after another (a confirmation may be pending while another list arrives). */
  applying?: Promise<void>;
}

export const DEFAULT_START_TIMEOUT_MS = 30_000;
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

const signatureOf = (tools: McpToolInfo[]) => JSON.stringify(tools.map(t => [t.name, t.description, t.inputSchema]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

function describeChange(before: string, after: McpToolInfo[]): string {
  const old = new Map((JSON.parse(before) as Array<[string, string, unknown]>).map(([n, d, s]) => [n, JSON.stringify([d, s])]));
  const now = new Map(after.map(t => [t.name, JSON.stringify([t.description, t.inputSchema])]));
  const added = [...now.keys()].filter(n => !old.has(n));
  const removed = [...old.keys()].filter(n => !now.has(n));
  const changed = [...now.keys()].filter(n => old.has(n) && old.get(n) !== now.get(n));
  return [added.length ? `added: ${added.join(', ')}` : '', removed.length ? `removed: ${removed.join(', ')}` : '', changed.length ? `description or parameters changed: ${changed.join(', ')}` : '']
    .filter(Boolean).join('; ');
}

export class McpManager {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(c: McpStateChange) => void>();
  private started: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly o: McpManagerOptions) {
    for (const def of o.servers) this.entries.set(def.name, { def, status: { name: def.name, source: def.source, state: 'stopped' }, tools: [], attempts: 0 });
    for (const def of o.offered ?? []) {
      if (!this.entries.has(def.name)) this.entries.set(def.name, { def, status: { name: def.name, source: def.source, state: 'offered' }, tools: [], attempts: 0 });
    }
  }

  /** Every server's status, for the panel and `tack profiles`. */
  status(): McpServerStatus[] {
    return [...this.entries.values()].map(e => ({ ...e.status, ...(e.status.stderr ? { stderr: [...e.status.stderr] } : {}) }));
  }

  /** Listens to state changes; returns the unsubscribe function. Listeners must not throw. */
  onState(listener: (c: McpStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the selected servers once (later calls wait for the same start). Resolves when each is ready or failed. */
  start(): Promise<void> {
    this.started ??= Promise.all([...this.entries.values()].filter(e => e.status.state !== 'offered').map(e => this.startOne(e, false))).then(() => undefined);
    return this.started;
  }

  /** The tools of the servers that are ready now. */
  tools(): McpTool[] {
    return [...this.entries.values()].filter(e => e.status.state === 'ready' || e.status.state === 'tools_changed').flatMap(e => e.tools);
  }

  /** Stops every server process; the manager does nothing afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.entries.values()].map(async e => {
      clearTimeout(e.timer);
      const c = e.conn;
      e.conn = undefined;
      e.tools = [];
      if (c) await c.close().catch(err => this.o.log.warn(`MCP server "${e.def.name}" did not close cleanly: ${(err as Error).message}`));
      if (e.status.state !== 'offered') this.set(e, { state: 'stopped' });
    }));
  }

  /** The pid of a stdio server's process (tests, diagnostics). */
  pidOf(name: string): number | undefined {
    return this.entries.get(name)?.conn?.pid;
  }

  private set(e: Entry, patch: Omit<McpServerStatus, 'name' | 'source'>): void {
    e.status = { name: e.def.name, source: e.def.source, ...patch };
    const change: McpStateChange = { server: e.def.name, state: patch.state, ...(patch.tools !== undefined ? { tools: patch.tools } : {}), ...(patch.message ? { message: patch.message } : {}) };
    for (const l of this.listeners) l(change);
  }

  private async startOne(e: Entry, restart: boolean): Promise<void> {
    if (this.disposed) return;
    if (e.def.unresolved?.length) { this.set(e, { state: 'failed', message: `needs ${e.def.unresolved.join(', ')}, which Tack does not prompt for` }); return; }
    if (!restart) {
      if (e.def.source === 'workspace' && !this.o.trust.approveAll && this.o.trust.workspaceTrusted && this.o.trust.port) this.set(e, { state: 'awaiting_approval' });
      const t = await ensureTrusted(e.def, this.o.trust);
      if (!t.ok) { this.set(e, { state: 'declined', message: `not started: ${t.reason}` }); return; }
      if (this.disposed) return;
    }
    this.set(e, { state: restart ? 'restarting' : 'starting' });
    const timeoutMs = this.o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let conn: McpConnection;
    try {
      conn = await connectServer(e.def, {
        timeoutMs, defaultCwd: this.o.trust.root,
        onClosed: reason => this.crashed(e, reason),
        onToolsChanged: () => { void this.refreshTools(e); },
      });
    } catch (err) {
      const tail = err instanceof McpStartError ? err.stderr : [];
      const message = `could not start: ${(err as Error).message}${tail.length ? ` — its last output: ${tail.slice(-3).join(' | ')}` : ''}`;
      this.set(e, { state: 'failed', message, ...(tail.length ? { stderr: tail } : {}) });
      this.o.log.warn(`MCP server "${e.def.name}" ${message}`);
      return;
    }
    if (this.disposed) { await conn.close(); return; }
    e.conn = conn;
    await this.applyTools(e, conn.tools);
  }

  /** Applies tool lists in the order they came (a pending confirmation holds the later ones back). */
  private applyTools(e: Entry, list: McpToolInfo[]): Promise<void> {
    const next = (e.applying ?? Promise.resolve()).then(() => this.applyToolsNow(e, list));
    e.applying = next;
    return next;
  }

  /**
   * Sets the server's tools; a list that differs from the one first seen is reported before it is offered, and
   * with `confirmToolsChange` withheld until the person accepts it (the accepted list is the new reference).
   */
  private async applyToolsNow(e: Entry, list: McpToolInfo[]): Promise<void> {
    const conn = e.conn;
    if (!conn || this.disposed) return;
    const sig = signatureOf(list);
    if (e.approvedSignature !== undefined && sig !== e.approvedSignature) {
      const change = describeChange(e.approvedSignature, list);
      const message = `its tool list changed since it was approved (${change})`;
      if (this.o.confirmToolsChange) e.tools = [];
      this.set(e, { state: 'tools_changed', tools: list.length, message });
      if (this.o.confirmToolsChange) {
        let yes: boolean;
        try {
          yes = await this.o.confirmToolsChange(e.def.name, message);
        } catch (err) {
          this.o.log.warn(`MCP server "${e.def.name}": asking about its changed tools failed: ${(err as Error).message}`);
          yes = false;
        }
        if (this.disposed || e.conn !== conn) return;
        if (!yes) { this.set(e, { state: 'declined', message: `its changed tools are not offered: you declined them (${change})` }); return; }
        e.approvedSignature = sig;
      }
    }
    e.approvedSignature ??= sig;
    const callTimeout = this.o.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    e.tools = list.map(t => makeMcpTool(e.def.name, t, (name, args, signal) => {
      if (!e.conn || e.conn !== conn) throw new Error('the server is not running (it is restarting or stopped); try again later');
      return conn.callTool(name, args, signal, callTimeout);
    }));
    e.attempts = 0;
    this.set(e, { state: 'ready', tools: list.length });
  }

  private async refreshTools(e: Entry): Promise<void> {
    if (!e.conn || this.disposed) return;
    try {
      await this.applyTools(e, await e.conn.listTools());
    } catch (err) {
      this.o.log.warn(`MCP server "${e.def.name}": re-reading its tools failed: ${(err as Error).message}`);
    }
  }

  private crashed(e: Entry, reason: string): void {
    if (this.disposed) return;
    const stderr = e.conn?.stderrTail() ?? [];
    e.conn = undefined;
    e.tools = [];
    const max = this.o.restart?.maxAttempts ?? 3;
    const base = this.o.restart?.baseDelayMs ?? 1000;
    if (e.attempts >= max) {
      this.set(e, { state: 'failed', message: `${reason}; gave up after ${max} restarts`, ...(stderr.length ? { stderr } : {}) });
      return;
    }
    const delay = base * 2 ** e.attempts;
    e.attempts++;
    this.set(e, { state: 'failed', message: `${reason}; restarting in ${Math.round(delay / 100) / 10} s (attempt ${e.attempts} of ${max})`, ...(stderr.length ? { stderr } : {}) });
    e.timer = setTimeout(() => { void this.startOne(e, true); }, delay);
    e.timer.unref?.();
  }
}
