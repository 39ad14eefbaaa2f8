/** The `tack` command: argument parsing and output around core; no logic of its own. */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ChatSession, listEndpoints, listModels, loadPrompt, resolveTarget, type Logger, type StreamEvent,
} from '../core/index';
import { parseCommand, USAGE } from './args';
import { envKeys, loadSettings } from './config';
import { TextPrinter, toJsonEvent, totalsOf, type JsonEvent, type Writer } from './output';

const VERSION = '0.1.0';
/** `dist/cli.js` → `<package root>/prompts`. */
const PROMPTS_DIR = path.join(__dirname, '..', 'prompts');

const writer: Writer = { out: s => process.stdout.write(s), err: s => process.stderr.write(s) };
const stderrLog: Logger = {
  info: () => {},
  warn: m => process.stderr.write(`tack: ${m}\n`),
  error: m => { if (process.env.TACK_DEBUG) process.stderr.write(`tack: ${m}\n`); },
};

function emitter(json: boolean): (ev: JsonEvent) => void {
  if (json) return ev => writer.out(JSON.stringify(ev) + '\n');
  const printer = new TextPrinter(writer);
  return ev => printer.event(ev);
}

async function run(prompt: string, json: boolean, model: string | undefined, cwd: string | undefined): Promise<number> {
  const emit = emitter(json);
  const fail = (kind: 'config', message: string): number => {
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
  const settings = loaded.settings;
  const modelRef = model ?? settings.model;
  const resolved = resolveTarget(settings, modelRef);
  if ('error' in resolved) return fail('config', resolved.error.message);

  const session = new ChatSession({ keys: envKeys(process.env), log: stderrLog, systemPrompt: () => loadPrompt(PROMPTS_DIR, 'system') });
  emit({ type: 'session', id: randomUUID(), model: resolved.target.modelId, provider: resolved.target.endpoint.id });

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let last: StreamEvent | undefined;
  for await (const ev of session.send(prompt, settings, resolved.target.modelRef, controller.signal)) {
    last = ev;
    const out = toJsonEvent(ev);
    if (out) emit(out);
  }
  process.off('SIGINT', onSigint);
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
  const { endpoints, errors } = listEndpoints(loaded.settings);
  for (const e of errors) writer.err(`tack: ${e}\n`);
  const chosen = provider ? endpoints.filter(e => e.id === provider) : endpoints;
  if (provider && chosen.length === 0) { writer.err(`tack: unknown provider "${provider}".\n`); return 2; }
  const keys = envKeys(process.env);
  const listings = await Promise.all(chosen.map(async e => listModels(e, await keys.getKey(e.id), loaded.settings.network)));
  for (const l of listings) {
    if (json) {
      for (const m of l.models) writer.out(JSON.stringify({ provider: l.endpoint.id, model: m, ref: `${l.endpoint.id}/${m}` }) + '\n');
      if (l.error) writer.out(JSON.stringify({ provider: l.endpoint.id, error: l.error }) + '\n');
    } else {
      writer.out(`${l.endpoint.label} (${l.endpoint.id}) — ${l.endpoint.baseUrl}\n`);
      for (const m of l.models) writer.out(`  ${l.endpoint.id}/${m}\n`);
      if (l.error) writer.out(`  (${l.error})\n`);
    }
  }
  return listings.some(l => !l.error) || listings.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const cmd = parseCommand(argv);
  if ('error' in cmd) { writer.err(`tack: ${cmd.error}\n\n${USAGE}\n`); return 2; }
  switch (cmd.name) {
    case 'help': writer.out(USAGE + '\n'); return 0;
    case 'version': writer.out(`tack ${VERSION}\n`); return 0;
    case 'run': return run(cmd.prompt, cmd.json, cmd.model, cmd.cwd);
    case 'models': return models(cmd.json, cmd.provider);
  }
}

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => { writer.err(`tack: internal error: ${(err as Error).stack ?? err}\n`); process.exitCode = 70; },
);
