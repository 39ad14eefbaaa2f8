/**
 * The trust pin for workspace MCP servers: a server a repository defines starts only after the person approved that
 * exact definition. The approval is keyed to a SHA-256 of the definition (command, args, env with values, cwd, url,
 * headers with values) and kept in user storage (never the repository), so any change — a git pull, the agent
 * editing `.mcp.json`, a swapped command under the same name — asks again, showing what changed. What a person is
 * shown (`McpServerView`) hides env and header values. User-level servers need no approval.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ServerApprovalPort } from '../ports';
import type { McpServerDef } from './config';

/** A definition as a person sees it: env keys and header names only, values hidden. */
export interface McpServerView {
  name: string;
  file: string;
  transport: McpServerDef['transport'];
  command?: string;
  args?: string[];
  envKeys?: string[];
  cwd?: string;
  url?: string;
  headerNames?: string[];
}

export function serverView(d: McpServerDef): McpServerView {
  return {
    name: d.name, file: d.file, transport: d.transport,
    ...(d.command !== undefined ? { command: d.command } : {}),
    ...(d.args ? { args: [...d.args] } : {}),
    ...(d.env ? { envKeys: Object.keys(d.env).sort() } : {}),
    ...(d.cwd !== undefined ? { cwd: d.cwd } : {}),
    ...(d.url !== undefined ? { url: d.url } : {}),
    ...(d.headers ? { headerNames: Object.keys(d.headers).sort() } : {}),
  };
}

/** The pin: every field that changes what runs, values included (a changed secret value asks again too). */
export function definitionHash(d: McpServerDef): string {
  const sorted = (r?: Record<string, string>) => r && Object.keys(r).sort().map(k => [k, r[k]]);
  const canonical = JSON.stringify([d.transport, d.command ?? null, d.args ?? [], sorted(d.env) ?? [], d.cwd ?? null, d.url ?? null, sorted(d.headers) ?? []]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Lines saying what changed between the approved definition and this one (`args: ["a"] → ["b"]`). */
export function diffViews(prev: McpServerView, next: McpServerView, envChanged = false): string[] {
  const out: string[] = [];
  const keys: Array<keyof McpServerView> = ['transport', 'command', 'args', 'envKeys', 'cwd', 'url', 'headerNames'];
  for (const k of keys) {
    const a = JSON.stringify(prev[k] ?? null);
    const b = JSON.stringify(next[k] ?? null);
    if (a !== b) out.push(`${k}: ${a} → ${b}`);
  }
  if (!out.length && envChanged) out.push('an env or header value changed (values are not shown)');
  return out;
}

export interface TrustRecord {
  hash: string;
  view: McpServerView;
  approvedAt: string;
}

/** Where approvals live: user storage (the editor's globalState, the CLI's data dir). Must not throw on a missing store. */
export interface McpTrustStore {
  get(key: string): Promise<TrustRecord | undefined>;
  set(key: string, record: TrustRecord): Promise<void>;
  list(): Promise<Record<string, TrustRecord>>;
  /** Forgets one approval, or all when key is undefined. */
  reset(key?: string): Promise<void>;
}

/** The store key: one approval per workspace folder and server name. */
export function trustKey(root: string, name: string): string {
  return `${root}\u0000${name}`;
}

/** A JSON file in user storage (CLI: `<data dir>/mcp-trust.json`); written whole through a temp file. */
export function fileTrustStore(file: string): McpTrustStore {
  const load = async (): Promise<Record<string, TrustRecord>> => {
    try {
      const v = JSON.parse(await readFile(file, 'utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`the MCP approvals file ${file} could not be read: ${(err as Error).message}`);
    }
  };
  const save = async (all: Record<string, TrustRecord>) => {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    await rename(tmp, file);
  };
  return {
    async get(key) { const all = await load(); return Object.hasOwn(all, key) ? all[key] : undefined; },
    async set(key, record) { const all = await load(); all[key] = record; await save(all); },
    list: load,
    async reset(key) { if (key === undefined) { await save({}); return; } const all = await load(); delete all[key]; await save(all); },
  };
}

/** An in-memory store (tests, and hosts that keep approvals for one process only). */
export function memoryTrustStore(): McpTrustStore {
  const all: Record<string, TrustRecord> = {};
  return {
    get: async k => (Object.hasOwn(all, k) ? all[k] : undefined),
    set: async (k, r) => { all[k] = r; },
    list: async () => ({ ...all }),
    reset: async k => { if (k === undefined) for (const x of Object.keys(all)) delete all[x]; else delete all[k]; },
  };
}

export type TrustState = 'user' | 'approved' | 'changed' | 'unapproved' | 'restricted';

export interface TrustContext {
  root: string;
  store: McpTrustStore;
  /** Asks the person (the editor's modal); absent: nobody can approve, so workspace servers stay stopped. */
  port?: ServerApprovalPort;
  /** False in Restricted Mode / an untrusted folder: workspace servers never start, nobody is asked. */
  workspaceTrusted: boolean;
  /** The CLI's `--trust-mcp`: the definitions as they are now count as approved for this run (nothing is stored). */
  approveAll?: boolean;
}

/** The trust state of one definition, without asking (for `tack profiles` and the panel). Never throws. */
export async function trustStateOf(def: McpServerDef, c: Pick<TrustContext, 'root' | 'store' | 'workspaceTrusted'>): Promise<TrustState> {
  if (def.source === 'user') return 'user';
  if (!c.workspaceTrusted) return 'restricted';
  const rec = await c.store.get(trustKey(c.root, def.name)).catch(() => undefined);
  if (!rec) return 'unapproved';
  return rec.hash === definitionHash(def) ? 'approved' : 'changed';
}

/**
 * Whether `def` may start: user servers yes; workspace servers only in a trusted folder with an approval of this
 * exact hash, asking the person (with the previous definition, for a diff) when there is none. Never throws.
 */
export async function ensureTrusted(def: McpServerDef, c: TrustContext): Promise<{ ok: true; how: string } | { ok: false; reason: string }> {
  if (def.source === 'user') return { ok: true, how: 'user-level server' };
  if (!c.workspaceTrusted) return { ok: false, reason: 'this folder is not trusted (Restricted Mode): workspace MCP servers never start here' };
  if (c.approveAll) return { ok: true, how: 'approved for this run (--trust-mcp)' };
  const key = trustKey(c.root, def.name);
  const hash = definitionHash(def);
  let rec: TrustRecord | undefined;
  try {
    rec = await c.store.get(key);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (rec?.hash === hash) return { ok: true, how: 'approved earlier (definition unchanged)' };
  if (!c.port) return { ok: false, reason: rec ? 'its definition changed since it was approved, and nobody can approve it here' : 'it needs your approval, and nobody can approve it here' };
  let yes: boolean;
  try {
    yes = await c.port.approveServer(serverView(def), rec?.view);
  } catch (err) {
    return { ok: false, reason: `the approval failed: ${(err as Error).message}` };
  }
  if (!yes) return { ok: false, reason: 'you declined it' };
  try {
    await c.store.set(key, { hash, view: serverView(def), approvedAt: new Date().toISOString() });
  } catch (err) {
    return { ok: true, how: `approved (not remembered: ${(err as Error).message})` };
  }
  return { ok: true, how: rec ? 'approved again after a change' : 'approved' };
}
