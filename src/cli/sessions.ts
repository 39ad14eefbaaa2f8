/** `tack sessions`: the saved sessions of a folder; and the store the CLI saves runs in. Wiring only. */
import * as fs from 'node:fs';
import { SessionStore, type Logger } from '../core/index';
import { tackDataDir } from './usage-store';
import { jsonLine, type Writer } from './output';

/** Tack's user data folder: TACK_DATA_DIR, else $XDG_DATA_HOME/tack, else ~/.local/share/tack. Never the repository. */

/** Environment variables that hold credentials: their values never enter a session file. */
const SECRET_VAR = /(_API_KEY|_TOKEN|_SECRET|_SECRET_ACCESS_KEY|_ACCESS_KEY_ID|_PASSWORD)$/;

export function envSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).filter(([k, v]) => SECRET_VAR.test(k) && !!v).map(([, v]) => v!);
}

export function cliSessionStore(env: NodeJS.ProcessEnv, workspace: string, log: Logger): SessionStore {
  const secrets = envSecrets(env);
  return new SessionStore({ dataDir: tackDataDir(env), workspace, log, secrets: () => secrets });
}

export async function sessionsCommand(a: { json: boolean; cwd?: string }, writer: Writer, log: Logger, env: NodeJS.ProcessEnv): Promise<number> {
  const cwd = a.cwd ?? process.cwd();
  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) { writer.err(`tack: --cwd ${cwd} is not a directory.\n`); return 2; }
  const rows = cliSessionStore(env, cwd, log).list();
  if (a.json) {
    for (const r of rows) {
      writer.out(jsonLine({ id: r.id, title: r.title, created: new Date(r.created).toISOString(), updated: new Date(r.updated).toISOString(), model: r.model ?? null, messages: r.messages, tokens: r.tokens, costUsd: r.costUsd, ...(r.forkedFrom ? { forkedFrom: r.forkedFrom } : {}) }));
    }
    return 0;
  }
  if (!rows.length) { writer.err('tack: no sessions for this folder yet.\n'); return 0; }
  for (const r of rows) {
    const date = new Date(r.updated).toISOString().slice(0, 16).replace('T', ' ');
    const cost = r.costUsd === null ? '' : ` · $${r.costUsd.toFixed(4)}`;
    writer.out(`${r.id}  ${date}  ${r.title}\n    ${r.model ?? 'no model yet'} · ${r.messages} messages · ${r.tokens} tokens${cost}\n`);
  }
  return 0;
}
