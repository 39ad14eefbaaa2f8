/** Tack: Show Usage — a webview panel with the usage chart, fed by the ledger; CSV export through a save dialog. */
import * as vscode from 'vscode';
import type { UsageRecord } from '../core/index';
import { parseUsageViewMessage, type UsageHostMessage } from '../shared/usage-protocol';
import { webviewHtml, webviewOptions } from './webview-html';

export interface UsageSource {
  /** Every record of the usage log, all workspaces. */
  records(): Promise<UsageRecord[]>;
  csv(): Promise<string>;
  /** Label of the current workspace, as used in the rows. */
  workspace(): string;
}

export class UsagePanel {
  private panel?: vscode.WebviewPanel;

  constructor(private readonly extensionUri: vscode.Uri, private readonly source: UsageSource) {}

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      void this.post();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel('tack.usage', 'Tack Usage', vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.panel = panel;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'usage.js', style: 'usage.css', title: 'Tack Usage' });
    panel.webview.onDidReceiveMessage(async data => {
      const msg = parseUsageViewMessage(data);
      if (!msg) return;
      if (msg.type === 'ready' || msg.type === 'refresh') await this.post();
      if (msg.type === 'exportCsv') await this.exportCsv();
    });
    panel.onDidDispose(() => { this.panel = undefined; });
    return panel;
  }

  private async post(): Promise<void> {
    const msg: UsageHostMessage = { type: 'data', records: await this.source.records(), workspace: this.source.workspace() };
    await this.panel?.webview.postMessage(msg);
  }

  private async exportCsv(): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      title: 'Export Tack usage',
      filters: { CSV: ['csv'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'tack-usage.csv') : undefined,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(await this.source.csv()));
    void vscode.window.showInformationMessage(`Tack: usage exported to ${target.fsPath}`);
  }
}
