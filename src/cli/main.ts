/** The `tack` command: argument parsing and output around core; no logic of its own. */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ChatSession, checkBudget, nodeWorkspaceReader, prepareProfileTurn, resolveTarget, systemPromptFor, totalTokens,
  type Logger, type PriceLookup, type StreamEvent,
} from '../core/index';
import { catalogPrice } from '../core/models/catalog';
import { parseCommand, USAGE } from './args';
import { envKeys, loadSettings } from './config';
import { modelsCommand } from './models';
import { TextPrinter, toJsonEvent, totalsOf, type JsonEvent, type Writer } from './output';
import { loadCliProfiles, printDiagnostics, profilesCommand } from './profiles';
import { verifyCommand } from './verify';

const VERSION = '0.1.0';
/** `dist/cli.js` → `<package root>/prompts`. */
const PROMPTS_DIR = path.join(__dirname, '..', 'prompts');

const writer: Writer = { out: s => process.stdout.write(s), err: s => process.stderr.write(s) };
const stderrLog: Logger = {
  info: () => {},
  warn: m => process.stderr.write(`tack: ${m}\n`),
  error: m => { if (process.env.TACK_DEBUG) process.stderr.write(`tack: ${m}\n`); },
};

/** Prices for responses whose provider reported no cost: the bundled catalog; unknown stays null. */
const prices: PriceLookup = catalogPrice;

/** `session` carries the active profile; the other events are output.ts's public shapes. */
type SessionEvent = Extract<JsonEvent, { type: 'session' }> & { profile: string };

function emitter(json: boolean): (ev: JsonEvent | SessionEvent) => void {
  if (json) return ev => writer.out(JSON.stringify(ev) + '\n');
  const printer = new TextPrinter(writer);
  return ev => printer.event(ev);
}

interface RunArgs { prompt: string; json: boolean; model?: string; cwd?: string; profile?: string; trust: boolean }

async function run({ prompt, json, model, cwd, profile: profileName, trust }: RunArgs): Promise<number> {
  const emit = emitter(json);
  const fail = (kind: 'config' | 'policy', message: string): number => {
    emit({ type: 'error', kind, message });
    emit({ type: 'done', stopReason: 'error', totals: { input: 0, output: 0, costUsd: null } });
    return 2;
  };
  if (cwd) {
    if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) return fail('config', `--cwd ${cwd} is not a directory.`);
    process.chdir(cwd);
  }
  const loaded = await loadSettings(process.env);
  if ('error' in loaded) return fail('config', loaded.error);
  let profiles;
  try {
    profiles = await loadCliProfiles(process.cwd(), process.env, loaded.settings, trust, PROMPTS_DIR);
  } catch (err) {
    return fail('config', `Cannot read the profiles: ${(err as Error).message}`);
  }
  // An invalid profile file does not stop the run: the last valid profiles (the built-ins here) are used, and said so.
  printDiagnostics(profiles.state, writer, trust);
  const prepared = prepareProfileTurn({
    state: profiles.state, profileName, explicitModel: model, settings: loaded.settings, ollama: profiles.ollama,
    keys: envKeys(process.env), prices, warn: m => writer.err(`tack: ${m}\n`),
  });
  if ('error' in prepared) return fail('config', prepared.error);
  const { settings, profile } = prepared;
  const resolved = resolveTarget(settings, prepared.modelRef);
  if ('error' in resolved) return fail('config', resolved.error.message);

  const workspace = process.cwd();
  const session = new ChatSession({ keys: prepared.keys, log: stderrLog, systemPrompt: () => systemPromptFor(profile, nodeWorkspaceReader(workspace), PROMPTS_DIR, m => writer.err(`tack: ${m}\n`)) });
  const sessionEvent: SessionEvent = { type: 'session', id: randomUUID(), model: resolved.target.modelId, provider: resolved.target.endpoint.id, profile: profile.name };
  emit(sessionEvent);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let last: StreamEvent | undefined;
  for await (const ev of session.send(prompt, settings, resolved.target.modelRef, controller.signal, prepared.turn)) {
    last = ev;
    const out = toJsonEvent(ev);
    if (out) emit(out);
  }
  process.off('SIGINT', onSigint);
  const budget = checkBudget({ costUsd: session.totals.costUsd, tokens: totalTokens(session.totals) }, profile);
  if (budget.level !== 'ok' && budget.message) writer.err(`tack: ${budget.message}\n`);
  const totals = totalsOf(session.totals);
  if (last?.type === 'done') {
    emit({ type: 'done', stopReason: last.stopReason, totals });
    return 0;
  }
  const cancelled = last?.type === 'error' && last.kind === 'cancelled';
  emit({ type: 'done', stopReason: cancelled ? 'cancelled' : 'error', totals });
  return cancelled ? 130 : 1;
}

async function models(json: boolean, provider: string | undefined): Promise<number> {
  const loaded = await loadSettings(process.env);
  if ('error' in loaded) { writer.err(`tack: ${loaded.error}\n`); return 2; }
  return modelsCommand(json, provider, loaded.settings, envKeys(process.env), stderrLog, writer);
}

async function main(argv: string[]): Promise<number> {
  const cmd = parseCommand(argv, process.env);
  if ('error' in cmd) { writer.err(`tack: ${cmd.error}\n\n${USAGE}\n`); return 2; }
  switch (cmd.name) {
    case 'help': writer.out(USAGE + '\n'); return 0;
    case 'version': writer.out(`tack ${VERSION}\n`); return 0;
    case 'run': return run(cmd);
    case 'models': return models(cmd.json, cmd.provider);
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
