/**
 * Where the CLI keeps what it measured, next to the editor's own data, so Tack: Show Usage charts terminal and CI runs
 * too (marked as CLI): the usage log and the kept verification results live in the extension's global storage folder
 * in the editor's user data folder (`<user data>/User/globalStorage/tack.tack/`).
 * `TACK_DATA_DIR` names that folder explicitly (CI, tests, a portable editor); otherwise the folder of the first
 * editor found (VS Code, Insiders, VSCodium, code-server) that already has Tack data, else the first that is
 * installed, else VS Code's default location.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileLogPort, usageRecord, UsageLog, type StreamEvent } from '../core/index';

const EDITORS = ['Code', 'Code - Insiders', 'VSCodium'];
const STORAGE = ['User', 'globalStorage', 'tack.tack'];

export function editorStorageCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = env.HOME || os.homedir()): string[] {
  const roots = platform === 'darwin' ? [path.join(home, 'Library', 'Application Support')]
    : platform === 'win32' ? [env.APPDATA || path.join(home, 'AppData', 'Roaming')]
    : [env.XDG_CONFIG_HOME || path.join(home, '.config')];
  const editors = roots.flatMap(r => EDITORS.map(e => path.join(r, e)));
  if (platform !== 'win32') editors.push(path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'code-server'));
  return editors.map(e => path.join(e, ...STORAGE));
}

/** The folder; never throws (a missing editor just means the default location is used and created on first write). */
export function tackDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.TACK_DATA_DIR) return path.resolve(env.TACK_DATA_DIR);
  const candidates = editorStorageCandidates(env, platform);
  const withData = candidates.find(c => fs.existsSync(c));
  if (withData) return withData;
  const installed = candidates.find(c => fs.existsSync(path.join(c, '..', '..')));
  return installed ?? candidates[0];
}

export const usageLogFile = (env: NodeJS.ProcessEnv) => path.join(tackDataDir(env), 'usage.jsonl');
export const verifyHistoryFile = (env: NodeJS.ProcessEnv) => path.join(tackDataDir(env), 'verify.jsonl');

/**
 * Books CLI usage in the shared usage log, marked `host: "cli"`. One per command run; appends are serialised.
 * Rejects only when the file cannot be written (the caller says so on stderr and goes on).
 */
export function cliUsageBooker(env: NodeJS.ProcessEnv, workspace = path.basename(process.cwd()) || process.cwd()) {
  const log = new UsageLog(nodeFileLogPort(usageLogFile(env)));
  return (providerId: string, modelId: string, ev: Extract<StreamEvent, { type: 'usage' }>, profile?: string): Promise<void> => log.append(usageRecord({
    now: new Date(), workspace, provider: providerId, model: modelId, usage: ev.usage, host: 'cli', ...(profile ? { profile } : {}),
    costSource: ev.costSource ?? (ev.usage.costUsd === null ? 'unknown' : 'provider'),
  }));
}
