/**
 * The editor's approvals: a tool call that asks waits here until the person answers on its card in the panel (or,
 * when the panel is not open, in a modal dialog). An answer counts only with the pending call's id and nonce, so a
 * forged or stale webview message does nothing. File changes open a diff of the proposed content.
 * "Allow for this session" lives in the session's memory only (never stored).
 */
import * as vscode from 'vscode';
import type { ApprovalAnswer, ApprovalPort, ApprovalRequest, Logger } from '../core/index';

const PROPOSED_SCHEME = 'tack-proposed';

interface Pending {
  request: ApprovalRequest;
  resolve(answer: ApprovalAnswer): void;
}

export class EditorApprovals implements ApprovalPort, vscode.Disposable {
  readonly canAsk = true;
  private readonly pending = new Map<string, Pending>();
  private readonly proposed = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly root: () => string | undefined,
    /** True when the panel can show the approval card; otherwise a modal asks. */
    private readonly panelVisible: () => boolean,
    private readonly log: Logger,
    private readonly keyOrigin: (providerId: string, origin: string, previous: string | undefined) => Promise<boolean | { refused: string }>,
    private readonly onBudgetContinue: () => void,
  ) {
    const proposed = this.proposed;
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: uri => proposed.get(uri.query) ?? '',
    });
  }

  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    return new Promise<ApprovalAnswer>(resolve => {
      const done = (a: ApprovalAnswer) => {
        if (!this.pending.delete(request.id)) return;
        // A rejected change's diff has done its job; an approved one stays, showing the change as it lands.
        if (a.decision === 'denied') void this.closeDiff(request.nonce);
        else this.proposed.delete(request.nonce);
        signal.removeEventListener('abort', onAbort);
        resolve(a);
      };
      const onAbort = () => done({ decision: 'denied', reason: 'the run was stopped' });
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(request.id, { request, resolve: done });
      if (request.preview) void this.showDiff(request.id, request.nonce);
      if (!this.panelVisible()) void this.askModal(request);
    });
  }

  /** An answer from the panel; ignored unless it matches a pending request exactly. */
  answer(id: string, nonce: string, decision: 'approve' | 'reject' | 'session'): boolean {
    const p = this.pending.get(id);
    if (!p || p.request.nonce !== nonce) {
      this.log.warn(`Ignored an approval answer that matches no pending request (${id}).`);
      return false;
    }
    p.resolve(decision === 'reject' ? { decision: 'denied', reason: 'the person rejected it' } : { decision: 'approved', forSession: decision === 'session' });
    return true;
  }

  /** Pending requests, for tests and the command palette. */
  list(): ApprovalRequest[] {
    return [...this.pending.values()].map(p => p.request);
  }

  async showDiff(id: string, nonce: string): Promise<void> {
    const p = this.pending.get(id);
    const preview = p?.request.preview;
    if (!p || p.request.nonce !== nonce || !preview) return;
    const root = this.root();
    if (!root) return;
    this.proposed.set(nonce, preview.after);
    const right = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${preview.path}`, query: nonce });
    const left = preview.before === undefined ? vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${preview.path}`, query: 'empty' }) : vscode.Uri.joinPath(vscode.Uri.file(root), preview.path);
    this.changed.fire(right);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${preview.path} ↔ proposed by Tack`, { preview: true });
  }

  /** The diff of an answered approval has done its job: its tab closes. */
  private async closeDiff(nonce: string): Promise<void> {
    this.proposed.delete(nonce);
    const tabs = vscode.window.tabGroups.all.flatMap(g => g.tabs).filter(t =>
      t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PROPOSED_SCHEME && t.input.modified.query === nonce);
    if (tabs.length) await vscode.window.tabGroups.close(tabs).then(undefined, err => this.log.warn(`Could not close the diff: ${(err as Error).message}`));
  }

  private async askModal(request: ApprovalRequest): Promise<void> {
    const approve = 'Approve';
    const detail = [request.summary, request.command ? `\n$ ${request.command}` : ''].join('');
    const a = await vscode.window.showWarningMessage(`Tack wants to run ${request.tool}.`, { modal: true, detail }, approve);
    this.pending.get(request.id)?.resolve(a === approve ? { decision: 'approved' } : { decision: 'denied', reason: 'the person rejected it' });
  }

  confirmKeyOrigin(providerId: string, origin: string, previous: string | undefined): Promise<boolean | { refused: string }> {
    return this.keyOrigin(providerId, origin, previous);
  }

  /**
   * The run ends at the budget (a run never waits on a notification); the notification offers to go on, which
   * `onBudgetContinue` does (lifts the budget for the session and retries).
   */
  async confirmBudget(message: string): Promise<boolean> {
    const go = 'Continue this session';
    void vscode.window.showWarningMessage(message, go).then(a => { if (a === go) this.onBudgetContinue(); });
    return false;
  }

  dispose(): void {
    for (const p of [...this.pending.values()]) p.resolve({ decision: 'denied', reason: 'the window closed' });
    this.registration.dispose();
    this.changed.dispose();
  }
}
