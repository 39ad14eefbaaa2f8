/** Runs the built CLI (dist/cli.js) as a user would, with a home folder and a config file of the test's own. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startScriptedServer, type ScriptReply, type ScriptedServer } from '../fixtures/scripted-server';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Only PATH from the test's environment goes through, so keys or config of the machine never leak in. */
export function runCli(home: string, config: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise(resolve => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: home, TACK_CONFIG: config, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => { stdout += d; });
    p.stderr.on('data', d => { stderr += d; });
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** JSON Lines output as objects. */
export const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map(l => JSON.parse(l));

export interface ScriptedWorkspace { ws: string; server: ScriptedServer; config: string }

/**
 * A temp workspace holding `files`, a scripted Chat Completions server, and a config file (in `home`) whose provider
 * `box` points at it, with `box/m` as the default model.
 */
export async function scriptedWorkspace(home: string, script: ScriptReply[], files: Record<string, string> = {}, opts: { repeatLast?: boolean; parent?: string; prefix?: string } = {}): Promise<ScriptedWorkspace> {
  const ws = fs.mkdtempSync(path.join(opts.parent ?? os.tmpdir(), opts.prefix ?? 'tack-ws-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
    fs.writeFileSync(path.join(ws, f), text);
  }
  const server = await startScriptedServer(script, { repeatLast: opts.repeatLast ?? false });
  const config = path.join(home, `settings-${path.basename(ws)}.json`);
  fs.writeFileSync(config, JSON.stringify({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: server.baseUrl } }, 'tack.model': 'box/m' }));
  return { ws, server, config };
}
