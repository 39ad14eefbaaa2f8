/**
 * The editor's session state around core: the active profile and model, the turn plan each request runs with, the
 * session ledger and usage log, the model facts for the status bar, and the notices the panel shows.
 * One instance per window; extension.ts wires it to the views and commands.
 */
import * as vscode from 'vscode';
import {
  addToTotals, catalogPrice, checkBudget, chooseOllamaNumCtx, checkExpectedQuantization, effectiveContextWindow, emptyTotals, lookupModel,
  nodeWorkspaceReader, prepareProfileTurn, providerDeclaredQuantization, resolveTarget, serverKindOf, systemPromptFor, totalTokens,
  usageRecord, UsageLog, type KeySource, type Logger, type ProbeResult, type SessionTotals, type StreamEvent, type TurnSetup,
} from '../core/index';
import type { HostToWebview, ModelInfo } from '../shared/protocol';
import type { TurnPlan } from './chat-controller';
import type { ModelChoice } from './model-choice';
import type { ModelFacts } from './model-facts';
import type { ProfilesHost } from './profiles-host';
import { readProfileSettings, readSettings } from './settings';
import { describeModel, formatCost, formatTokens, type StatusBar } from './status-bar';

type Notice = Extract<HostToWebview, { type: 'notices' }>['items'][number];

export interface TackHostDeps {
  profiles: ProfilesHost;
  choice: ModelChoice;
  facts: ModelFacts;
  status: StatusBar;
  keys: KeySource;
  log: Logger;
  usageLog: UsageLog;
  promptsDir: string;
  post(msg: HostToWebview): void;
}

export class TackHost {
  totals: SessionTotals = emptyTotals();
  private budgetOverridden = false;
  private facts?: ProbeResult;
  private factsFor = '';
  /** The upstream provider that served the last response of each model (OpenRouter), for its quantization. */
  private readonly servedBy = new Map<string, string>();
  private lastSetup?: TurnSetup;

  constructor(private readonly d: TackHostDeps) {}

  workspaceLabel(): string {
    return vscode.workspace.workspaceFolders?.[0]?.name ?? vscode.workspace.name ?? '(no folder)';
  }

  /** The setup for the next turn: profile, settings with its providers, keys, model, hooks. */
  setup(): TurnSetup {
    const r = prepareProfileTurn({
      state: this.d.profiles.current,
      profileName: this.d.profiles.active().name,
      explicitModel: this.d.choice.chosen(),
      settings: readSettings(),
      ollama: readProfileSettings().ollama,
      keys: this.d.keys,
      prices: catalogPrice,
      probeOllama: t => this.d.facts.probe(t),
      budgetOverridden: () => this.budgetOverridden,
      warn: m => this.d.log.warn(m),
    });
    // The profile always exists (the store falls back to the default), so an error here is a bug worth seeing.
    if ('error' in r) throw new Error(r.error);
    this.lastSetup = r;
    return r;
  }

  plan(): TurnPlan {
    const s = this.setup();
    return { settings: s.settings, modelRef: s.modelRef, turn: s.turn };
  }

  modelRef(): string {
    return this.setup().modelRef;
  }

  modelInfo(): ModelInfo {
    const s = this.setup();
    const d = describeModel(s.settings, s.modelRef);
    return { label: d.label, ref: d.ref };
  }

  systemPrompt(): Promise<string> {
    const s = this.lastSetup ?? this.setup();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const reader = folder?.uri.scheme === 'file' && vscode.workspace.isTrusted ? nodeWorkspaceReader(folder.uri.fsPath) : undefined;
    return systemPromptFor(s.profile, reader, this.d.promptsDir, m => this.d.log.warn(m));
  }

  /** Ledger, usage log and budget, from each event of a turn. */
  observe(ev: StreamEvent, modelRef: string): void {
    if (ev.type !== 'usage') return;
    this.totals = addToTotals(this.totals, ev.usage);
    if (ev.servedBy && this.servedBy.get(modelRef) !== ev.servedBy) {
      this.servedBy.set(modelRef, ev.servedBy);
      this.factsFor = ''; // probe again: the quantization is the serving provider's
    }
    const slash = modelRef.indexOf('/');
    const profile = this.lastSetup?.profile.name;
    const costSource = ev.costSource ?? (ev.usage.costUsd === null ? 'unknown' : 'provider');
    void this.d.usageLog.append(usageRecord({
      now: new Date(), workspace: this.workspaceLabel(), provider: modelRef.slice(0, slash), model: modelRef.slice(slash + 1),
      ...(profile ? { profile } : {}), usage: ev.usage, costSource,
    })).catch(err => this.d.log.error(`Could not write the usage log: ${(err as Error).message}`));
  }

  /** After a turn: refresh the status bar; offer to go on when the budget stopped the turn. */
  async turnEnded(lastError?: { kind: string; message: string }): Promise<void> {
    this.refresh();
    if (lastError?.kind === 'policy' && this.lastSetup && checkBudget(this.budgetTotals(), this.lastSetup.profile).level === 'stop') {
      const go = 'Continue this session';
      const answer = await vscode.window.showWarningMessage(lastError.message, go);
      if (answer === go) {
        this.budgetOverridden = true;
        await vscode.commands.executeCommand('tack.retry');
      }
    }
  }

  newSession(): void {
    this.totals = emptyTotals();
    this.budgetOverridden = false;
    this.refresh();
  }

  private budgetTotals() {
    return { costUsd: this.totals.costUsd, tokens: totalTokens(this.totals) };
  }

  /** Updates the status bar and the panel's model label and notices; probes the model in the background. */
  refresh(): void {
    const s = this.setup();
    const profileState = this.d.profiles.current;
    const resolved = resolveTarget(s.settings, s.modelRef);
    const target = 'target' in resolved ? resolved.target : undefined;
    const servedBy = target ? this.servedBy.get(target.modelRef) : undefined;
    const key = target ? `${target.endpoint.id}\u0000${target.endpoint.baseUrl}\u0000${target.modelId}\u0000${servedBy ?? ''}` : '';
    if (key !== this.factsFor) {
      this.factsFor = key;
      this.facts = undefined;
      if (target) {
        void this.d.facts.forEndpoint(target.endpoint, target.modelId, providerDeclaredQuantization(s.settings, target.endpoint.id), servedBy).then(r => {
          if (this.factsFor === key) { this.facts = r; this.refresh(); }
        });
      }
    }
    const quantizationCheck = checkExpectedQuantization(s.profile.expectQuantization, this.facts?.quantization, s.profile.name);
    // Ollama gets the num_ctx Tack sends; that, not the model's maximum, is the window the request really has.
    const ollama = readProfileSettings().ollama;
    const sentNumCtx = target && serverKindOf(target.endpoint.id, target.endpoint.baseUrl, target.endpoint.type) === 'ollama'
      ? chooseOllamaNumCtx({ profileNumCtx: s.profile.numCtx, settingNumCtx: ollama.numCtx, modelContextLength: this.facts?.contextWindow, modelfileNumCtx: this.facts?.numCtx, maxNumCtx: ollama.maxNumCtx }).numCtx
      : undefined;
    const window = effectiveContextWindow(this.facts, target ? lookupModel(target.endpoint.id, target.modelId) : undefined, sentNumCtx);
    const budget = checkBudget(this.budgetTotals(), s.profile);
    this.d.status.update({
      profile: s.profile,
      ...(profileState.notice ? { profileNotice: profileState.notice } : {}),
      settings: s.settings,
      modelRef: s.modelRef,
      ...(this.facts?.quantization ? { quantization: this.facts.quantization } : {}),
      quantizationCheck,
      totals: this.totals,
      ...(window.tokens ? { contextWindow: window.tokens, contextSource: window.source } : {}),
      budget,
    });
    const notices: Notice[] = [];
    if (!vscode.workspace.isTrusted) notices.push({ level: 'info', text: 'Restricted Mode: this folder is not trusted, so Tack ignores the providers its profiles define and keeps edit, write and bash off. Trust the folder to lift this.' });
    if (profileState.notice) notices.push({ level: 'warning', text: profileState.notice });
    if (quantizationCheck.status === 'mismatch' || quantizationCheck.status === 'unknown') notices.push({ level: 'warning', text: quantizationCheck.message });
    if (budget.level !== 'ok' && budget.message) notices.push({ level: budget.level === 'stop' ? 'error' : 'warning', text: budget.message });
    this.d.post({ type: 'notices', items: notices });
    const tokens = totalTokens(this.totals);
    this.d.post({ type: 'model', model: { ...this.modelInfo(), session: `${s.profile.name} · ${formatTokens(tokens)} tok · ${formatCost(this.totals.costUsd, this.totals.costPartial)}` } });
  }
}
