/**
 * Runs the verification suite against several targets (`<provider>/<model>`) through the normal provider layer, and
 * scores them. Targets run side by side, the probes of one target one after the other (so one host's speed is not
 * measured while it competes with itself). Never throws: a target that cannot be reached or refuses gets its errors
 * in its own row, and the others still complete. Stop (the AbortSignal) ends every target; what was measured is kept.
 */
import type { TackSettings } from '../config/settings';
import type { ErrorKind, StreamEvent } from '../events';
import type { KeySource, Logger } from '../ports';
import type { FetchFn } from '../net/timed-fetch';
import { resolveTarget } from '../agent/step';
import type { TurnTarget } from '../agent/turn-options';
import { resolveKey } from '../providers/keys';
import { streamResponse } from '../providers/stream';
import type { ProviderRequest, RequestOptions } from '../providers/request';
import { priceUsage } from '../ledger/cost';
import type { Price, Quantization } from '../models/types';
import { estimateTokens } from '../inspect/tokens';
import { scoreTarget, type Measures, type Observation } from './score';
import type { Probe, ProbeSuite } from './suite';

export interface TargetFacts {
  quantization?: Quantization;
  contextWindow?: number;
}

export interface VerifyDeps {
  settings: TackSettings;
  keys: KeySource;
  log: Logger;
  fetch?: FetchFn;
  /** The target's price, for responses whose provider reported no cost. */
  price?: (target: TurnTarget) => Price | undefined;
  /** What the host reports about the served model (quantization, context window). Must not throw. */
  facts?: (target: TurnTarget, servedBy: string | undefined) => Promise<TargetFacts | undefined>;
  /** Host policy before anything is sent (a profile's allowedProviders, Restricted Mode). An error skips the target. */
  check?: (target: TurnTarget) => Extract<StreamEvent, { type: 'error' }> | undefined;
  /** Extra request options per target (Ollama's num_ctx, OpenRouter routing); temperature and output limit are the suite's. */
  options?: (target: TurnTarget) => RequestOptions;
  /** Replaces streamResponse (tests); default: the provider layer. */
  stream?: (req: ProviderRequest) => AsyncIterable<StreamEvent>;
  /** Milliseconds, monotonic; default performance.now. */
  now?: () => number;
}

export interface VerifyInput {
  targets: readonly string[];
  /** Defaults to the first target. Run as an extra row when it is not one of the targets. */
  reference?: string;
  runs: number;
  suite: ProbeSuite;
  signal: AbortSignal;
  onProgress?: (p: { target: string; done: number; total: number }) => void;
  /** Called once per finished request, e.g. to book its usage. */
  onUsage?: (target: TurnTarget, ev: Extract<StreamEvent, { type: 'usage' }>) => void;
}

export interface TargetError { kind: ErrorKind; message: string; count: number }

export interface VerifyRow extends Measures {
  type: 'verify';
  target: string;
  reference: boolean;
  quantization: Quantization | null;
  contextWindow: number | null;
  servedBy: string | null;
  price: Price | null;
  errors: TargetError[];
  /** Set when Stop ended this target before every probe ran. */
  stopped?: boolean;
}

export interface VerifyReport {
  suiteVersion: string;
  runs: number;
  reference: string;
  rows: VerifyRow[];
  observations: Record<string, Observation[]>;
}

/** Errors after which the next request to the same target would fail the same way. */
const FATAL: readonly ErrorKind[] = ['auth', 'not_found', 'config', 'policy', 'cancelled'];

export function requestsPerTarget(suite: ProbeSuite, runs: number): number {
  return suite.probes.length * runs;
}

function addError(errors: TargetError[], kind: ErrorKind, message: string): void {
  const same = errors.find(e => e.kind === kind && e.message === message);
  if (same) same.count++; else errors.push({ kind, message, count: 1 });
}

async function observe(req: ProviderRequest, probe: Probe, run: number, stream: VerifyDeps['stream'], now: () => number, price: Price | undefined, onUsage: (ev: Extract<StreamEvent, { type: 'usage' }>) => void): Promise<Observation> {
  const start = now();
  const o: Observation = { probeId: probe.id, run, text: '', toolCalls: [], latencyMs: 0, outputTokens: 0, costUsd: null };
  let reported: number | undefined;
  for await (const ev of (stream ?? streamResponse)(req)) {
    if (o.ttftMs === undefined && (ev.type === 'text' || ev.type === 'reasoning' || ev.type === 'tool_call_start')) o.ttftMs = now() - start;
    switch (ev.type) {
      case 'text': o.text += ev.delta; break;
      case 'tool_call_end': o.toolCalls.push({ name: ev.name, args: ev.args }); break;
      case 'usage': {
        const priced = ev.usage.costUsd === null && price ? { ...ev, ...priceUsage(ev.usage, price) } : ev;
        if (ev.usage.output > 0) reported = ev.usage.output;
        o.costUsd = priced.usage.costUsd;
        if (ev.servedBy) o.servedBy = ev.servedBy;
        onUsage(priced);
        break;
      }
      case 'done': o.stopReason = ev.stopReason; break;
      case 'error': o.error = { kind: ev.kind, message: ev.message }; break;
    }
  }
  o.latencyMs = now() - start;
  o.outputTokens = reported ?? estimateTokens(o.text + o.toolCalls.map(c => c.name + c.args).join(''));
  return o;
}

async function runTarget(ref: string, input: VerifyInput, deps: VerifyDeps): Promise<{ row: Omit<VerifyRow, keyof Measures | 'reference'>; obs: Observation[] }> {
  const errors: TargetError[] = [];
  const obs: Observation[] = [];
  const base = { type: 'verify' as const, target: ref, quantization: null, contextWindow: null, servedBy: null, price: null, errors };
  const resolved = resolveTarget(deps.settings, ref);
  if ('error' in resolved) {
    addError(errors, resolved.error.kind, resolved.error.message);
    return { row: base, obs };
  }
  const { target } = resolved;
  const refused = deps.check?.(target);
  if (refused) {
    addError(errors, refused.kind, refused.message);
    return { row: { ...base, target: target.modelRef }, obs };
  }
  const { apiKey, keyWithheld } = await resolveKey(target.endpoint, deps.keys, deps.log);
  const price = deps.price?.(target);
  const total = requestsPerTarget(input.suite, input.runs);
  const now = deps.now ?? (() => performance.now());
  let stopped = false;
  outer: for (let run = 1; run <= input.runs; run++) {
    for (const probe of input.suite.probes) {
      if (input.signal.aborted) { stopped = true; break outer; }
      const req: ProviderRequest = {
        endpoint: target.endpoint, modelId: target.modelId, ...(apiKey ? { apiKey } : {}), ...(keyWithheld ? { keyWithheld } : {}),
        system: input.suite.system,
        messages: [{ role: 'user', text: probe.prompt }],
        ...(probe.kind === 'tool' ? { tools: probe.tools } : {}),
        signal: input.signal, network: deps.settings.network, log: deps.log, ...(deps.fetch ? { fetch: deps.fetch } : {}),
        options: { ...deps.options?.(target), temperature: 0, maxOutputTokens: input.suite.maxOutputTokens },
      };
      const o = await observe(req, probe, run, deps.stream, now, price, ev => input.onUsage?.(target, ev));
      obs.push(o);
      input.onProgress?.({ target: target.modelRef, done: obs.length, total });
      if (o.error) {
        if (o.error.kind === 'cancelled') { stopped = true; break outer; }
        addError(errors, o.error.kind, o.error.message);
        if (FATAL.includes(o.error.kind)) break outer;
      }
    }
  }
  const servedBy = obs.find(o => o.servedBy)?.servedBy;
  const facts = await deps.facts?.(target, servedBy).catch(() => undefined);
  return {
    row: {
      ...base, target: target.modelRef, quantization: facts?.quantization ?? null, contextWindow: facts?.contextWindow ?? null,
      servedBy: servedBy ?? null, price: price ?? null, ...(stopped ? { stopped } : {}),
    },
    obs,
  };
}

/** Never throws; one row per target (plus the reference's when it is not a target), in the order given. */
export async function runVerify(input: VerifyInput, deps: VerifyDeps): Promise<VerifyReport> {
  const targets = [...new Set(input.targets)];
  const reference = input.reference ?? targets[0];
  const all = reference && !targets.includes(reference) ? [reference, ...targets] : targets;
  const results = await Promise.all(all.map(ref => runTarget(ref, input, deps)));
  const refResult = results[all.indexOf(reference)];
  const observations: Record<string, Observation[]> = {};
  const rows = results.map((r, i) => {
    observations[r.row.target] = r.obs;
    const isRef = all[i] === reference;
    const measures = scoreTarget(input.suite, r.obs, isRef || !refResult?.obs.some(o => !o.error) ? undefined : refResult.obs);
    return { ...r.row, reference: isRef, ...measures } as VerifyRow;
  });
  return { suiteVersion: input.suite.version, runs: input.runs, reference: refResult?.row.target ?? reference, rows, observations };
}
