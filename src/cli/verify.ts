/**
 * `tack verify --target <provider>/<model> … [--reference <provider>/<model>] [--runs N] [--json]`: runs the shipped
 * verification suite against each target and prints a table, or with `--json` one object per target (a public shape,
 * see core/verify/report.ts verifyJson). Before anything is sent, stderr says how many requests go out and what they
 * may cost. Results are kept (verify.jsonl) and compared with the last run of the same target and suite version; the
 * usage of every request is appended to the usage log the editor charts, marked as CLI. Ctrl-C stops; what was
 * measured is still reported.
 */
import {
  catalogPrice, describePlan, driftNotes, highlights, loadSuite, nodeFileLogPort, planVerify, probeTargetFacts, runVerify,
  verifyJson, verifyRecords, verifyTable, VerifyHistory, type Logger, type TackSettings,
} from '../core/index';
import { envKeys } from './config';
import { terminalYesNo } from './tty';
import type { Writer } from './output';
import { cliUsageBooker, verifyHistoryFile } from './usage-store';

export interface VerifyArgs { targets: string[]; reference?: string; runs: number; json: boolean }

export async function verifyCommand(args: VerifyArgs, settings: TackSettings, env: NodeJS.ProcessEnv, promptsDir: string, version: string, writer: Writer, log: Logger): Promise<number> {
  let suite;
  try {
    suite = await loadSuite(promptsDir);
  } catch (err) {
    writer.err(`tack: ${(err as Error).message}\n`);
    return 2;
  }
  const all = args.reference && !args.targets.includes(args.reference) ? [args.reference, ...args.targets] : args.targets;
  const plan = planVerify(suite, all, args.runs, ref => {
    const slash = ref.indexOf('/');
    return slash > 0 ? catalogPrice(ref.slice(0, slash), ref.slice(slash + 1)) : undefined;
  });
  writer.err(`tack: verify (suite ${suite.version}, ${args.runs} run${args.runs === 1 ? '' : 's'}): ${describePlan(plan)} Ctrl-C stops.\n`);

  const book = cliUsageBooker(env);
  const history = new VerifyHistory(nodeFileLogPort(verifyHistoryFile(env)));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const report = await runVerify({
    targets: args.targets, ...(args.reference ? { reference: args.reference } : {}), runs: args.runs, suite, signal: controller.signal,
    onProgress: p => { if (!args.json && p.done % 5 === 0) writer.err(`tack: ${p.target}: ${p.done}/${p.total}\n`); },
    onUsage: (t, ev) => {
      book(t.endpoint.id, t.modelId, ev).catch(err => writer.err(`tack: could not write the usage log: ${(err as Error).message}\n`));
    },
  }, {
    settings, keys: envKeys(env, settings, terminalYesNo()), log,
    price: t => catalogPrice(t.endpoint.id, t.modelId),
    facts: (t, servedBy) => probeTargetFacts(settings, t, servedBy, { timeoutMs: Math.min(settings.network.connectTimeoutMs, 5000) }),
  });
  process.off('SIGINT', onSigint);

  const kept = await history.read().catch(err => { writer.err(`tack: could not read earlier results: ${(err as Error).message}\n`); return []; });
  const drift = driftNotes(kept, report.rows, suite.version);
  const notes = highlights(report.rows);
  await history.append(verifyRecords(report.rows, {
    now: new Date(), suiteVersion: suite.version, versions: { tack: version, node: process.versions.node, host: 'cli' }, runs: args.runs, reference: report.reference,
  })).catch(err => writer.err(`tack: could not keep the results: ${(err as Error).message}\n`));

  if (args.json) {
    for (const row of report.rows) writer.out(JSON.stringify({ ...verifyJson(row), suiteVersion: suite.version, note: notes[row.target], drift: drift[row.target] ?? [] }) + '\n');
  } else {
    writer.out(verifyTable(report.rows) + '\n\n');
    for (const row of report.rows) {
      writer.out(`${row.target}: ${notes[row.target]}\n`);
      for (const d of drift[row.target] ?? []) writer.out(`  ${d}\n`);
    }
    writer.out(`\nSuite ${suite.version}, ${args.runs} run(s), reference ${report.reference}. These numbers describe how each host serves this suite, not the model's quality in general.\n`);
  }
  if (controller.signal.aborted) return 130;
  return report.rows.some(r => r.requests > 0 && r.errors.every(e => e.count < r.requests)) ? 0 : 1;
}
