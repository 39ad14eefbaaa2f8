/** The `tack` command: argument parsing and output around core; no logic of its own. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../core/index';
import { parseCommand, USAGE } from './args';
import { envKeys, loadSettings } from './config';
import { modelsCommand } from './models';
import { safeWriter, type Writer } from './output';
import { profilesCommand } from './profiles';
import { runCommand } from './run';
import { sessionsCommand } from './sessions';
import { terminalYesNo } from './tty';
import { verifyCommand } from './verify';

const VERSION = '0.1.0';
/** `dist/cli.js` → `<package root>/prompts`. */
const PROMPTS_DIR = path.join(__dirname, '..', 'prompts');

// Everything printed goes through safeWriter: no control sequences from models, servers or repositories reach the terminal.
const writer: Writer = safeWriter({ out: s => process.stdout.write(s), err: s => process.stderr.write(s) });
const stderrLog: Logger = {
  info: () => {},
  warn: m => writer.err(`tack: ${m}\n`),
  error: m => { if (process.env.TACK_DEBUG) writer.err(`tack: ${m}\n`); },
};

async function models(json: boolean, provider: string | undefined): Promise<number> {
  const loaded = await loadSettings(process.env);
  if ('error' in loaded) { writer.err(`tack: ${loaded.error}\n`); return 2; }
  return modelsCommand(json, provider, loaded.settings, envKeys(process.env, loaded.settings, terminalYesNo()), stderrLog, writer);
}

async function main(argv: string[]): Promise<number> {
  const cmd = parseCommand(argv, process.env);
  if ('error' in cmd) { writer.err(`tack: ${cmd.error}\n\n${USAGE}\n`); return 2; }
  switch (cmd.name) {
    case 'help': writer.out(USAGE + '\n'); return 0;
    case 'version': writer.out(`tack ${VERSION}\n`); return 0;
    case 'run': return runCommand(cmd, writer, stderrLog, PROMPTS_DIR);
    case 'models': return models(cmd.json, cmd.provider);
    case 'sessions': return sessionsCommand(cmd, writer, stderrLog, process.env);
    case 'profiles': {
      const loaded = await loadSettings(process.env);
      if ('error' in loaded) { writer.err(`tack: ${loaded.error}\n`); return 2; }
      if (cmd.cwd && (!fs.existsSync(cmd.cwd) || !fs.statSync(cmd.cwd).isDirectory())) { writer.err(`tack: --cwd ${cmd.cwd} is not a directory.\n`); return 2; }
      return profilesCommand(cmd, writer, process.env, loaded.settings, PROMPTS_DIR);
    }
    case 'verify': {
      const loaded = await loadSettings(process.env);
      if ('error' in loaded) { writer.err(`tack: ${loaded.error}\n`); return 2; }
      return verifyCommand(cmd, loaded.settings, process.env, PROMPTS_DIR, VERSION, writer, stderrLog);
    }
  }
}

// `tack profiles --json | head`: a closed pipe ends the command quietly instead of with a stack trace.
process.stdout.on('error', err => { if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(process.exitCode ?? 0); });

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => { writer.err(`tack: internal error: ${(err as Error).stack ?? err}\n`); process.exitCode = 70; },
);
