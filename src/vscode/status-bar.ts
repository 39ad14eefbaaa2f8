/** The status bar entry: the active model and provider; a click opens Switch Model. */
import * as vscode from 'vscode';
import { resolveTarget, type TackSettings } from '../core/index';
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

export class ModelStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('tack.model', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Tack Model';
    this.item.command = 'tack.switchModel';
    this.item.show();
  }

  update(settings: TackSettings, modelRef: string): void {
    const d = describeModel(settings, modelRef);
    this.item.text = `${d.problem ? '$(warning)' : '$(hubot)'} ${d.label}`;
    this.item.tooltip = d.tooltip;
    this.item.backgroundColor = d.problem && modelRef ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
