/**
 * One connection to one MCP server through `@modelcontextprotocol/sdk`: stdio (a child process whose stderr is kept,
 * last lines only, for the failure message), or Streamable HTTP falling back to SSE for older servers. Connecting
 * has a deadline; a server that never answers `initialize` is closed and reported, never waited on. `close` ends the
 * child process for sure (stdin closed, then SIGTERM, then SIGKILL).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerDef } from './config';

/** A tool as the server lists it (description and annotations are untrusted input). */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpConnection {
  readonly tools: McpToolInfo[];
  /** Re-reads the tool list (after `notifications/tools/list_changed`). */
  listTools(signal?: AbortSignal): Promise<McpToolInfo[]>;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<unknown>;
  /** The last lines the server wrote to stderr (stdio only). */
  stderrTail(): string[];
  /** The child's pid (stdio), for tests and diagnostics. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export interface ConnectOptions {
  timeoutMs: number;
  /** The folder a stdio server runs in when its definition names none (the workspace root). */
  defaultCwd?: string;
  /** Called once when the connection ends without `close` (the process died, the HTTP session ended). */
  onClosed(reason: string): void;
  /** The server said its tool list changed. */
  onToolsChanged?(): void;
}

const STDERR_LINES = 20;

/** A failed start, with the last lines the server wrote to stderr. */
export class McpStartError extends Error {
  constructor(message: string, readonly stderr: string[]) { super(message); }
}

export function toolInfos(list: Array<{ name: string; description?: string; inputSchema: unknown }>): McpToolInfo[] {
  return list.map(t => ({
    name: t.name,
    description: typeof t.description === 'string' ? t.description : '',
    inputSchema: t.inputSchema && typeof t.inputSchema === 'object' ? t.inputSchema as Record<string, unknown> : { type: 'object' },
  }));
}

function withDeadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function stdioTransport(def: McpServerDef, opts: ConnectOptions, tail: string[]): StdioClientTransport {
  const t = new StdioClientTransport({
    command: def.command!,
    args: def.args ?? [],
    // The definition's env on top of a minimal inherited environment (PATH, HOME, …), never all of Tack's.
    env: { ...getDefaultEnvironment(), ...(def.env ?? {}) },
    cwd: def.cwd ?? opts.defaultCwd,
    stderr: 'pipe',
  });
  let partial = '';
  t.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = lines.pop() ?? '';
    tail.push(...lines.filter(l => l.trim()));
    if (partial.length > 4000) { tail.push(partial.slice(0, 4000)); partial = ''; }
    tail.splice(0, Math.max(0, tail.length - STDERR_LINES));
  });
  return t;
}

async function attempt(def: McpServerDef, transport: Transport, opts: ConnectOptions): Promise<Client> {
  const client = new Client({ name: 'tack', version: '0.1.0' }, { capabilities: {} });
  await withDeadline(client.connect(transport), opts.timeoutMs, `did not finish starting within ${Math.round(opts.timeoutMs / 1000)} s`);
  return client;
}

/** Kills a stdio child for sure: the SDK closes stdin and waits; a server that ignores that gets SIGTERM, then SIGKILL. */
async function closeStdio(client: Client | undefined, t: StdioClientTransport): Promise<void> {
  const pid = t.pid ?? undefined;
  const alive = () => { if (pid === undefined) return false; try { process.kill(pid, 0); return true; } catch { return false; } };
  const closing = (client ? client.close() : t.close()).catch(() => undefined);
  const term = setTimeout(() => { if (alive()) process.kill(pid!, 'SIGTERM'); }, 300);
  const kill = setTimeout(() => { if (alive()) process.kill(pid!, 'SIGKILL'); }, 1500);
  await closing;
  clearTimeout(term);
  clearTimeout(kill);
  if (alive()) process.kill(pid!, 'SIGKILL');
}

/** Connects and lists the tools. Throws an Error whose message says what went wrong (the manager adds stderr). */
export async function connectServer(def: McpServerDef, opts: ConnectOptions): Promise<McpConnection> {
  const tail: string[] = [];
  let closedByUs = false;
  let client: Client | undefined;
  let stdio: StdioClientTransport | undefined;
  if (def.transport === 'stdio') {
    stdio = stdioTransport(def, opts, tail);
    try {
      client = await attempt(def, stdio, opts);
    } catch (err) {
      await closeStdio(client, stdio);
      throw new McpStartError((err as Error).message, tail);
    }
  } else {
    const url = new URL(def.url!);
    const requestInit = def.headers ? { headers: def.headers } : undefined;
    if (def.transport === 'http') {
      const http = new StreamableHTTPClientTransport(url, { requestInit });
      try {
        client = await attempt(def, http, opts);
      } catch (err) {
        await http.close().catch(() => undefined);
        // Older servers speak only SSE; a timeout is not retried (the server is there but stuck).
        if (/did not finish starting/.test((err as Error).message)) throw err;
        const sse = new SSEClientTransport(url, { requestInit });
        try {
          client = await attempt(def, sse, opts);
        } catch (err2) {
          await sse.close().catch(() => undefined);
          throw new Error(`Streamable HTTP failed (${(err as Error).message}), and SSE too (${(err2 as Error).message})`);
        }
      }
    } else {
      const sse = new SSEClientTransport(url, { requestInit });
      try {
        client = await attempt(def, sse, opts);
      } catch (err) {
        await sse.close().catch(() => undefined);
        throw err;
      }
    }
  }
  const c = client!;
  const close = async () => {
    closedByUs = true;
    if (stdio) await closeStdio(c, stdio);
    else await c.close().catch(() => undefined);
  };
  let tools: McpToolInfo[];
  try {
    tools = toolInfos((await withDeadline(c.listTools(), opts.timeoutMs, `did not list its tools within ${Math.round(opts.timeoutMs / 1000)} s`)).tools);
  } catch (err) {
    await close();
    throw new McpStartError(`tools/list failed: ${(err as Error).message}`, tail);
  }
  c.onclose = () => { if (!closedByUs) opts.onClosed(stdio ? 'the server process exited' : 'the connection closed'); };
  if (opts.onToolsChanged) {
    c.setNotificationHandler(ToolListChangedNotificationSchema, () => opts.onToolsChanged?.());
  }
  const conn: McpConnection = {
    get tools() { return tools; },
    async listTools(signal) {
      tools = toolInfos((await c.listTools(undefined, { signal })).tools);
      return tools;
    },
    callTool: (name, args, signal, timeoutMs) => c.callTool({ name, arguments: args }, undefined, { signal, timeout: timeoutMs }),
    stderrTail: () => [...tail],
    pid: stdio?.pid ?? undefined,
    close,
  };
  return conn;
}
