/** Runs the built CLI (dist/cli.js) as a user would, with a home folder and a config file of the test's own. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

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
