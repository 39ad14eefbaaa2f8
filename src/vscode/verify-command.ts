/**
 * Tack: Verify Providers… — pick one model, pick the hosts that serve it and the reference, see how many requests it
 * sends and what they may cost, then watch the report. The run goes through the same provider layer as the panel
 * (user settings only, keys to their own origin, the active profile's allowedProviders); Stop (in the report or the
 * progress notification) ends it and keeps what was measured. Results are kept in the extension's global storage
 * (verify.jsonl, shared with `tack verify`) and compared with the last run of each host.
 */
import * as vscode from 'vscode';
import type { CommandRegistrar } from './inspect-command';
import {
  catalogPrice, checkAllowedProvider, modelKey, describePlan, driftNotes, highlights, listEndpoints, listModels, loadSuite, nodeFileLogPort, planVerify,
  probeTargetFacts, runVerify, streamResponse, VerifyHistory, verifyRecords, type BreakdownInput, type FetchFn, type KeySource, type Logger,
  type ProviderRequest, type ResolvedProfile, type StreamEvent, type TackSettings, type Usage,
} from '../core/index';
import { VerifyPanel } from './verify-panel';

export interface VerifyCommandDeps {
  extensionUri: vscode.Uri;
  promptsDir: string;
  /** verify.jsonl in the extension's global storage. */
  historyFile: string;
  version: string;
  settings(): TackSettings;
  keys: KeySource;
  log: Logger;
  profile(): ResolvedProfile | undefined;
  /** Books one response's usage. Must not throw. */
  onUsage(modelRef: string, ev: Extract<StreamEvent, { type: 'usage' }>): void;
  /** The request inspector: each request is sent through the fetch it returns, its usage reported back. */
  track?(input: BreakdownInput): { fetch: FetchFn; usage(u: Usage): void };
}

/** One request through the inspector's fetch, its reported usage passed back to it. */
async function* tracked(req: ProviderRequest, t: ReturnType<NonNullable<VerifyCommandDeps['track']>> | undefined): AsyncGenerator<StreamEvent> {
  for await (const ev of streamResponse(t ? { ...req, fetch: t.fetch } : req)) {
    if (ev.type === 'usage') t?.usage(ev.usage);
    yield ev;
  }
}

/** Arguments for running without the pickers (tests, keybindings): the hosts, the reference, runs per probe. */
export interface VerifyArgs { targets: string[]; reference?: string; runs?: number }

async function availableRefs(d: VerifyCommandDeps): Promise<string[]> {
  const settings = d.settings();
  const endpoints = listEndpoints(settings).endpoints.filter(e => !checkAllowedProvider(d.profile(), e.id));
  const lists = await Promise.all(endpoints.map(async e => {
    const l = await listModels(e, await d.keys.getKey(e.id).catch(() => undefined), { ...settings.network, connectTimeoutMs: Math.min(settings.network.connectTimeoutMs, 3000) }, { log: d.log });
    return l.needsKey || l.error ? [] : l.models.map(m => `${e.id}/${m}`);
  }));
  return lists.flat();
}

async function pick(d: VerifyCommandDeps): Promise<VerifyArgs | undefined> {
  const refs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Tack: listing models' }, () => availableRefs(d));
  if (!refs.length) { void vscode.window.showWarningMessage('Tack: no models to verify. Configure providers in tack.providers (and their keys).'); return undefined; }
  const groups = new Map<string, string[]>();
  for (const r of refs) {
    const k = modelKey(r.slice(r.indexOf('/') + 1));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const model = await vscode.window.showQuickPick([...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).map(([k, hosts]) => ({ label: k, description: `${hosts.length} host${hosts.length === 1 ? '' : 's'}` })), { title: 'Verify Providers (1/3): which model?', placeHolder: 'A model; the next step picks the hosts that serve it' });
  if (!model) return undefined;
  const hosts = await vscode.window.showQuickPick(groups.get(model.label)!.map(r => ({ label: r, picked: true })), { title: 'Verify Providers (2/3): which hosts?', canPickMany: true, placeHolder: 'The hosts to compare' });
  if (!hosts?.length) return undefined;
  const targets = hosts.map(h => h.label);
  const reference = targets.length === 1 ? targets[0] : (await vscode.window.showQuickPick(targets.map(t => ({ label: t })), { title: 'Verify Providers (3/3): reference host', placeHolder: 'The host the others are compared with (the model vendor\'s own API, if among them)' }))?.label;
  return reference ? { targets, reference } : undefined;
}

export function registerVerifyCommand(d: VerifyCommandDeps, register: CommandRegistrar = vscode.commands.registerCommand): vscode.Disposable[] {
  const panel = new VerifyPanel(d.extensionUri);
  let running: AbortController | undefined;
  panel.onStop = () => running?.abort();

  const run = async (given?: VerifyArgs) => {
    if (running) { panel.show(); void vscode.window.showInformationMessage('Tack: a verification is already running.'); return undefined; }
    const args = given?.targets?.length ? given : await pick(d);
    if (!args) return undefined;
    const runs = args.runs ?? 3;
    const suite = await loadSuite(d.promptsDir);
    const all = args.reference && !args.targets.includes(args.reference) ? [args.reference, ...args.targets] : args.targets;
    const plan = planVerify(suite, all, runs, ref => catalogPrice(ref.slice(0, ref.indexOf('/')), ref.slice(ref.indexOf('/') + 1)));
    const go = 'Run';
    const answer = await vscode.window.showInformationMessage(`Tack: verify ${all.length} host(s) with suite ${suite.version}?`, { modal: true, detail: `This sends ${describePlan(plan)}` }, go);
    if (answer !== go) return undefined;

    const controller = new AbortController();
    running = controller;
    panel.show();
    panel.post({ type: 'plan', targets: all, reference: args.reference ?? all[0], runs, plan: describePlan(plan), suiteVersion: suite.version });
    const settings = d.settings();
    try {
      const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Tack: verifying providers', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return runVerify({
          targets: args.targets, ...(args.reference ? { reference: args.reference } : {}), runs, suite, signal: controller.signal,
          onProgress: p => { panel.post({ type: 'progress', ...p }); progress.report({ message: `${p.target}: ${p.done}/${p.total}` }); },
          onUsage: (t, ev) => d.onUsage(t.modelRef, ev),
        }, {
          settings, keys: d.keys, log: d.log,
          price: t => catalogPrice(t.endpoint.id, t.modelId),
          check: t => checkAllowedProvider(d.profile(), t.endpoint.id),
          facts: (t, servedBy) => probeTargetFacts(settings, t, servedBy, { timeoutMs: Math.min(settings.network.connectTimeoutMs, 5000) }),
          stream: req => tracked(req, d.track?.({ system: req.system, messages: req.messages, tools: req.tools })),
        });
      });
      const history = new VerifyHistory(nodeFileLogPort(d.historyFile));
      const kept = await history.read().catch(err => { d.log.error(`Could not read earlier verification results: ${(err as Error).message}`); return []; });
      const drift = driftNotes(kept, report.rows, suite.version);
      await history.append(verifyRecords(report.rows, { now: new Date(), suiteVersion: suite.version, versions: { tack: d.version, vscode: vscode.version, host: 'vscode' }, runs, reference: report.reference }))
        .catch(err => d.log.error(`Could not keep the verification results: ${(err as Error).message}`));
      panel.post({
        type: 'report', rows: report.rows.map(r => ({ ...r, quantization: r.quantization ? { value: r.quantization.value, source: r.quantization.source } : null })),
        notes: highlights(report.rows), drift, suiteVersion: suite.version, reference: report.reference, runs, stopped: controller.signal.aborted,
      });
      return report.rows;
    } finally {
      running = undefined;
    }
  };
  return [register('tack.verifyProviders', (args?: VerifyArgs) => run(args))];
}
