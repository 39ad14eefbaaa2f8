/**
 * The Tack chat view. Every message from the webview is validated against the protocol before it is acted on;
 * nothing is posted before the webview says `ready`.
 */
import * as vscode from 'vscode';
import { parseWebviewMessage, type HostToWebview, type SessionRequest, type WebviewToHost } from '../shared/protocol';
import type { ChatController } from './chat-controller';
import type { EditorApprovals } from './approvals';
import type { Logger } from '../core/index';
import { webviewHtml, webviewOptions } from './webview-html';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'tack.chat';
  private view?: vscode.WebviewView;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** Sessions: where the panel's session and compaction requests go (sessions-ui.ts). */
  sessionRequests?: (msg: SessionRequest) => Promise<void>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: () => ChatController,
    private readonly approvals: () => EditorApprovals,
    private readonly log: Logger,
    /** Called after the webview said `ready` and got the conversation: the host posts notices and the model. */
    private readonly onReady: () => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, { script: 'webview.js', style: 'chat.css', title: 'Tack' });
    this.disposables.push(
      view.webview.onDidReceiveMessage(data => this.receive(data)),
      view.onDidDispose(() => { this.view = undefined; this.ready = false; }),
      // A hidden webview is torn down; when shown again it loads afresh and says `ready`.
      view.onDidChangeVisibility(() => { if (!view.visible) this.ready = false; }),
    );
  }

  get isVisible(): boolean {
    return this.view?.visible === true && this.ready;
  }

  get isResolved(): boolean {
    return this.view !== undefined;
  }

  post(msg: HostToWebview): void {
    if (this.view && this.ready) void this.view.webview.postMessage(msg);
  }

  private receive(data: unknown): void {
    const msg = parseWebviewMessage(data);
    if (!msg) {
      this.log.warn(`Ignored an invalid message from the chat webview: ${JSON.stringify(data)?.slice(0, 200)}`);
      return;
    }
    void this.handle(msg);
  }

  private async handle(msg: WebviewToHost): Promise<void> {
    const c = this.controller();
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        for (const m of c.fullState()) this.post(m);
        this.onReady();
        break;
      case 'send': await c.send(msg.text); break;
      case 'stop': c.stop(); break;
      case 'retry': await c.retry(); break;
      case 'newChat': await c.clear(); break;
      case 'switchModel': await vscode.commands.executeCommand('tack.switchModel'); break;
      case 'copy': await vscode.env.clipboard.writeText(msg.text); break;
      case 'openLink': await openLink(msg.url); break;
      case 'approve': this.approvals().answer(msg.id, msg.nonce, msg.decision); break;
      case 'showDiff': await this.approvals().showDiff(msg.id, msg.nonce); break;
      case 'openFile': await openWorkspaceFile(msg.path); break;
      case 'continue': await c.continue(); break;
      case 'showEarlier': c.showEarlier(); break;
      case 'harnessDetails': await vscode.commands.executeCommand('tack.showHarness'); break;
      case 'listSessions': case 'openSession': case 'renameSession': case 'deleteSession': case 'exportSession': case 'openReplaced':
        await this.sessionRequests?.(msg); break;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Links from model output open only after the user saw the full URL, and only for web and mail schemes. */
async function openLink(url: string): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(url, true);
  } catch {
    return;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) return;
  const open = 'Open';
  const answer = await vscode.window.showInformationMessage(`Open this link from the chat?\n\n${url}`, { modal: true }, open);
  if (answer === open) await vscode.env.openExternal(uri);
}

/** Opens a workspace file a tool changed; anything that leaves the workspace folder is ignored. */
async function openWorkspaceFile(rel: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || rel.startsWith('/') || rel.split(/[\\/]/).includes('..')) return;
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, rel), { preview: true });
}
