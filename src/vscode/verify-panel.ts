/** The Verify Providers report: a webview panel fed by the verify command; Stop in it aborts the run. */
import * as vscode from 'vscode';
import { parseVerifyViewMessage, type VerifyHostMessage } from '../shared/verify-protocol';
import { webviewHtml, webviewOptions } from './webview-html';

export class VerifyPanel {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  /** Messages sent before the webview said `ready`, replayed after it did. */
  private pending: VerifyHostMessage[] = [];
  private lastPlan?: VerifyHostMessage;
  private lastReport?: VerifyHostMessage;
  onStop?: () => void;

  constructor(private readonly extensionUri: vscode.Uri) {}

  show(): void {
    if (this.panel) { this.panel.reveal(); return; }
    const panel = vscode.window.createWebviewPanel('tack.verify', 'Tack: Verify Providers', vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    this.panel = panel;
    this.ready = false;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { script: 'verify.js', style: 'verify.css', title: 'Tack: Verify Providers' });
    panel.webview.onDidReceiveMessage(data => {
      const msg = parseVerifyViewMessage(data);
      if (!msg) return;
      if (msg.type === 'stop') this.onStop?.();
      if (msg.type === 'ready') {
        this.ready = true;
        // A reopened panel shows the last run again.
        const replay = this.pending.length ? this.pending : [this.lastPlan, this.lastReport].filter((m): m is VerifyHostMessage => !!m);
        this.pending = [];
        for (const m of replay) void panel.webview.postMessage(m);
      }
    });
    panel.onDidDispose(() => { this.panel = undefined; this.ready = false; });
  }

  post(msg: VerifyHostMessage): void {
    if (msg.type === 'plan') { this.lastPlan = msg; this.lastReport = undefined; }
    if (msg.type === 'report') this.lastReport = msg;
    if (this.panel && this.ready) void this.panel.webview.postMessage(msg);
    else if (msg.type !== 'progress') this.pending.push(msg);
  }
}
