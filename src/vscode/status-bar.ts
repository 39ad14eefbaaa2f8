/**
 * The status bar tells the truth about the session: profile · model and provider · quantization (with its source)
 * · tokens and cost. Each part is its own item so each can be clicked: profile → Switch Profile, model → Switch
 * Model, tokens → Show Usage. Nothing is shown as known when it is not.
 */
import * as vscode from 'vscode';
import {
  contextFillPercent, quantizationLabel, resolveTarget, type BudgetStatus, type Quantization, type QuantizationCheck,
  type ResolvedProfile, type SessionTotals, type TackSettings,
} from '../core/index';
import type { ModelInfo } from '../shared/protocol';

/** What the panel and the status bar show for a model reference. */
export function describeModel(settings: TackSettings, modelRef: string): ModelInfo & { problem?: string; tooltip: string } {
  if (!modelRef) return { label: 'Choose a model', ref: null, problem: 'No model chosen', tooltip: 'No model chosen — click to pick one' };
  const r = resolveTarget(settings, modelRef);
  if ('error' in r) return { label: modelRef, ref: modelRef, problem: r.error.message, tooltip: r.error.message };
  const { target } = r;
  return {
    label: `${target.modelId} · ${target.endpoint.label}`,
    ref: target.modelRef,
    tooltip: `Model: ${target.modelId}\nProvider: ${target.endpoint.label} (${target.endpoint.id}) at ${target.endpoint.baseUrl}\nClick to switch model`,
  };
}

export function formatTokens(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

export function formatCost(usd: number | null, partial: boolean): string {
  if (usd === null) return 'cost unknown';
  return `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}${partial ? '+' : ''}`;
}

export interface StatusView {
  profile: ResolvedProfile;
  /** Set when the profiles file is invalid and older profiles are in use. */
  profileNotice?: string;
  settings: TackSettings;
  modelRef: string;
  /** Undefined while unknown (not probed yet, or the server says nothing). */
  quantization?: Quantization;
  quantizationCheck?: QuantizationCheck;
  totals: SessionTotals;
  contextWindow?: number;
  contextSource?: string;
  budget?: BudgetStatus;
}

export class StatusBar implements vscode.Disposable {
  private readonly profile = vscode.window.createStatusBarItem('tack.profile', vscode.StatusBarAlignment.Right, 103);
  private readonly model = vscode.window.createStatusBarItem('tack.model', vscode.StatusBarAlignment.Right, 102);
  private readonly quant = vscode.window.createStatusBarItem('tack.quantization', vscode.StatusBarAlignment.Right, 101);
  private readonly usage = vscode.window.createStatusBarItem('tack.usage', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.profile.name = 'Tack Profile';
    this.profile.command = 'tack.switchProfile';
    this.model.name = 'Tack Model';
    this.model.command = 'tack.switchModel';
    this.quant.name = 'Tack Quantization';
    this.quant.command = 'tack.switchModel';
    this.usage.name = 'Tack Session Usage';
    this.usage.command = 'tack.showUsage';
    for (const i of [this.profile, this.model, this.quant, this.usage]) i.show();
  }

  update(v: StatusView): void {
    const warn = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.profile.text = `${v.profileNotice ? '$(warning)' : '$(layers)'} ${v.profile.name}`;
    this.profile.tooltip = [
      `Profile: ${v.profile.name}${v.profile.description ? ` — ${v.profile.description}` : ''}`,
      `From: ${v.profile.source}${v.profile.chain.length > 1 ? `, extends ${v.profile.chain.slice(1).join(' → ')}` : ''}`,
      ...(v.profile.restricted ? ['Restricted Mode: edit, write and bash are off; workspace providers are ignored.'] : []),
      ...(v.profileNotice ? [v.profileNotice] : []),
      'Click to switch profile',
    ].join('\n');
    this.profile.backgroundColor = v.profileNotice ? warn : undefined;

    const d = describeModel(v.settings, v.modelRef);
    this.model.text = `${d.problem ? '$(warning)' : '$(hubot)'} ${d.label}`;
    this.model.tooltip = d.tooltip;
    this.model.backgroundColor = d.problem && v.modelRef ? warn : undefined;

    const check = v.quantizationCheck;
    const mismatch = check && (check.status === 'mismatch' || check.status === 'unknown') ? check.message : undefined;
    this.quant.text = `${mismatch ? '$(warning) ' : ''}${quantizationLabel(v.quantization)}`;
    this.quant.tooltip = [
      v.quantization ? `Quantization: ${v.quantization.value}` : 'Quantization: not reported by the server',
      ...(v.quantization ? [`Source: ${v.quantization.source}${v.quantization.detail ? ` (${v.quantization.detail})` : ''}`] : []),
      ...(mismatch ? [mismatch] : []),
    ].join('\n');
    this.quant.backgroundColor = check?.status === 'mismatch' ? warn : undefined;

    const t = v.totals;
    const tokens = t.input + t.cacheRead + t.cacheWrite + t.output;
    const fill = contextFillPercent(t.lastInputTokens, v.contextWindow);
    this.usage.text = `$(pulse) ${formatTokens(tokens)} tok · ${formatCost(t.costUsd, t.costPartial)}`;
    this.usage.tooltip = [
      `Session: ${t.responses} response${t.responses === 1 ? '' : 's'}`,
      `Input ${t.input} · cache read ${t.cacheRead} · cache write ${t.cacheWrite} · output ${t.output} (reasoning ${t.reasoning})`,
      `Cost: ${formatCost(t.costUsd, t.costPartial)}${t.costPartial && t.costUsd !== null ? ` (${t.unpricedResponses} response(s) without a known price)` : ''}`,
      v.contextWindow
        ? `Context: ${t.lastInputTokens} of ${v.contextWindow} tokens${fill !== undefined ? ` (${fill}%)` : ''}${v.contextSource ? ` — window from ${v.contextSource}` : ''}`
        : 'Context window: unknown',
      ...(v.budget?.message ? [v.budget.message] : []),
      'Click for usage per day and model',
    ].join('\n');
    this.usage.backgroundColor = v.budget?.level === 'stop' ? new vscode.ThemeColor('statusBarItem.errorBackground') : v.budget?.level === 'warn' ? warn : undefined;
  }

  get modelText(): string {
    return this.model.text;
  }

  texts(): Record<'profile' | 'model' | 'quantization' | 'usage', string> {
    return { profile: this.profile.text, model: this.model.text, quantization: this.quant.text, usage: this.usage.text };
  }

  dispose(): void {
    for (const i of [this.profile, this.model, this.quant, this.usage]) i.dispose();
  }
}
