/**
 * MCP servers and skills in the CLI: user-level servers from `tack.mcpServers` in the configuration file, the
 * folder's files through core's loader; approvals pinned in `<data dir>/mcp-trust.json` (user storage, never the
 * repository). A workspace server starts only with `--trust-mcp` (its definition counts as approved for this run,
 * nothing is stored) or after a yes on the terminal (stored, pinned to the definition's hash). Wiring only.
 */
import { tackDataDir } from './usage-store';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import {
  discoverSkills, fileTrustStore, loadMcpConfig, McpManager, selectServers, selectSkills, trustStateOf, type Logger, type McpConfig,
  type McpServerView, type ResolvedProfile, type ServerApprovalPort, type SkillScan,
} from '../core/index';
import { readBoundedFile } from '../core/files/bounded-read';
import { CONFIG_MAX_BYTES, configPath } from './config';
import { terminalSafe } from './output';

/** Where the CLI keeps data that belongs to the user, not the repository. */

/** `tack.mcpServers` from the configuration file (undefined when absent or unreadable: loadSettings reports that). */
async function userServers(env: NodeJS.ProcessEnv): Promise<unknown> {
  const r = await readBoundedFile(configPath(env), CONFIG_MAX_BYTES);
  if (!('text' in r)) return undefined;
  try {
    const v = JSON.parse(r.text.replace(/^\uFEFF/, ''));
    return v && typeof v === 'object' ? (v as Record<string, unknown>)['tack.mcpServers'] : undefined;
  } catch {
    return undefined; // loadSettings reports invalid JSON
  }
}

export function cliMcpConfig(root: string, env: NodeJS.ProcessEnv): Promise<McpConfig> {
  return userServers(env).then(u => loadMcpConfig({ root, userServers: u, env }));
}

function viewLines(v: McpServerView): string[] {
  return [
    `  from ${v.file} (${v.transport})`,
    ...(v.command !== undefined ? [`  command: ${v.command} ${(v.args ?? []).map(a => JSON.stringify(a)).join(' ')}`] : []),
    ...(v.url !== undefined ? [`  url: ${v.url}`] : []),
    ...(v.cwd !== undefined ? [`  cwd: ${v.cwd}`] : []),
    ...(v.envKeys?.length ? [`  env: ${v.envKeys.join(', ')} (values hidden)`] : []),
    ...(v.headerNames?.length ? [`  headers: ${v.headerNames.join(', ')} (values hidden)`] : []),
  ].map(terminalSafe);
}

/** Asks on the terminal (stdin is a TTY) before a workspace server starts; shows what changed since the last yes. */
export function terminalServerApprovals(): ServerApprovalPort {
  return {
    approveServer: (def, previous) => new Promise(resolve => {
      const lines = [`\n[approve MCP server?] "${terminalSafe(def.name)}" is defined by this folder:`, ...viewLines(def)];
      if (previous) lines.push('  It changed since you approved it; before:', ...viewLines(previous));
      process.stderr.write(lines.join('\n') + '\n');
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      rl.question('Start it? [y/N] ', a => { rl.close(); resolve(a.trim().toLowerCase() === 'y'); });
    }),
  };
}

export interface CliMcpInput {
  root: string;
  env: NodeJS.ProcessEnv;
  profile: ResolvedProfile;
  trustMcp: boolean;
  tty: boolean;
  log: Logger;
  warn(message: string): void;
}

/** The run's MCP manager (nothing started yet), or undefined when no server is selected or offered. */
export async function cliMcpManager(i: CliMcpInput): Promise<McpManager | undefined> {
  const config = await cliMcpConfig(i.root, i.env);
  for (const p of config.problems) i.warn(`${p.file}: ${p.message}`);
  const sel = selectServers(config, i.profile);
  for (const m of sel.missing) i.warn(`profile "${i.profile.name}" names MCP server "${m}", which no configuration defines.`);
  if (!sel.run.length) return undefined;
  const pending = sel.run.filter(s => s.source === 'workspace');
  if (pending.length && !i.trustMcp && !i.tty) {
    i.warn(`workspace MCP server${pending.length > 1 ? 's' : ''} ${pending.map(s => s.name).join(', ')} not started: pass --trust-mcp to run ${pending.length > 1 ? 'them' : 'it'} (the definition is shown by tack profiles).`);
  }
  return new McpManager({
    servers: sel.run, offered: sel.offered, log: i.log,
    trust: {
      root: i.root, store: fileTrustStore(path.join(tackDataDir(i.env), 'mcp-trust.json')), workspaceTrusted: true, approveAll: i.trustMcp,
      ...(i.tty && !i.trustMcp ? { port: terminalServerApprovals() } : {}),
    },
    ...(i.env.TACK_MCP_START_TIMEOUT_MS ? { startTimeoutMs: Number(i.env.TACK_MCP_START_TIMEOUT_MS) } : {}),
  });
}

/** For `tack profiles`: each server the profile would run or offer, with its trust state. */
export async function mcpSummary(config: McpConfig, profile: ResolvedProfile, root: string, env: NodeJS.ProcessEnv) {
  const sel = selectServers(config, profile);
  const store = fileTrustStore(path.join(tackDataDir(env), 'mcp-trust.json'));
  const row = async (s: McpConfig['servers'][string], selected: boolean) => ({
    name: s.name, source: s.source, file: s.file, transport: s.transport, selected,
    trust: await trustStateOf(s, { root, store, workspaceTrusted: true }),
    ...(s.unresolved ? { unresolved: s.unresolved } : {}),
  });
  return [...await Promise.all(sel.run.map(s => row(s, true))), ...await Promise.all(sel.offered.map(s => row(s, false)))];
}

export async function cliSkills(root: string, env: NodeJS.ProcessEnv, trusted: boolean): Promise<SkillScan> {
  return discoverSkills({ root, home: env.HOME || os.homedir(), trusted });
}

export { selectSkills };
