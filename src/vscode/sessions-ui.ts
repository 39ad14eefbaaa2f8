/**
 * The panel's sessions list and compaction actions, host side: list, resume, rename, delete and export saved
 * sessions; open what a compaction replaced; Tack: Compact Now. Requests from the webview arrive validated
 * (protocol.ts); ids are looked up in the store, never used as paths by this file.
 */
import * as vscode from 'vscode';
import { redactSecrets, type CompactionEntry, type StoredMessage } from '../core/index';
import type { HostToWebview, SessionRequest, SessionRow } from '../shared/protocol';
import type { ChatController } from './chat-controller';
import type { EditorSessions } from './editor-sessions';

export interface SessionsUiDeps {
  sessions: EditorSessions;
  controller: () => ChatController;
  post(msg: HostToWebview): void;
  secrets: () => readonly string[];
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map(m => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}\n${text}\n${f}`;
}

function messageMarkdown(m: StoredMessage): string {
  if (m.role === 'user') return `## User\n\n${m.text}\n`;
  if (m.role === 'assistant') {
    const calls = (m.toolCalls ?? []).map(c => `**Tool call** \`${c.name}\`\n\n${fence(c.args)}\n`).join('\n');
    return `## Assistant (${m.model})\n\n${m.text}\n${calls ? `\n${calls}` : ''}`;
  }
  return `**Result of** \`${m.name}\`${m.isError ? ' (error)' : ''}\n\n${fence(m.text)}\n`;
}

/** What compaction `e` replaced in requests: the summarised messages and the summary, the pruned tool outputs. */
export function replacedMarkdown(e: CompactionEntry, messages: readonly StoredMessage[]): string {
  const out = [`# Compaction (${e.strategy}, ${e.trigger})`, '', `Prompt tokens ${e.before} → ${e.after}. The session file keeps every message; this is what requests no longer carry verbatim.`, ''];
  if (e.instructions) out.push(`Instructions: ${e.instructions}`, '');
  if (e.summary !== undefined && e.replaced) {
    const from = messages.findIndex(m => m.id === e.replaced!.firstId);
    const to = messages.findIndex(m => m.id === e.replaced!.lastId);
    out.push(`## The summary sent instead${e.model ? ` (written by ${e.model})` : ''}`, '', e.summary, '', `## The ${e.replaced.count} messages it replaced`, '');
    if (from >= 0 && to >= from) out.push(...messages.slice(from, to + 1).map(messageMarkdown));
    else out.push('(These messages are no longer in the transcript.)');
  }
  if (e.pruned?.length) {
    const pruned = new Set(e.pruned);
    out.push('', `## ${e.pruned.length} tool output(s) sent as a one-line stub`, '', ...messages.filter(m => pruned.has(m.id)).map(messageMarkdown));
  }
  return out.join('\n');
}

export class SessionsUi {
  constructor(private readonly d: SessionsUiDeps) {}

  rows(): SessionRow[] {
    const current = this.d.sessions.currentId;
    return this.d.sessions.list().map(s => ({
      id: s.id, title: s.title, updated: s.updated, ...(s.model ? { model: s.model } : {}), messages: s.messages, tokens: s.tokens,
      costUsd: s.costUsd, current: s.id === current,
    }));
  }

  /** Posts the list; `show` opens it in the panel (the Sessions button), otherwise it only refreshes an open list. */
  postList(show: boolean): void {
    this.d.post({ type: 'sessions', items: this.rows(), show });
  }

  async handle(msg: SessionRequest): Promise<void> {
    switch (msg.type) {
      case 'listSessions': this.postList(true); break;
      case 'openSession': await this.open(msg.id); break;
      case 'renameSession': await this.rename(msg.id); break;
      case 'deleteSession': await this.remove(msg.id); break;
      case 'exportSession': await this.exportSession(msg.id); break;
      case 'openReplaced': await this.openReplaced(msg.id); break;
    }
  }

  async open(id: string): Promise<boolean> {
    const c = this.d.controller();
    if (id === this.d.sessions.currentId) return true;
    if (c.busy) { void vscode.window.showInformationMessage('Tack: stop the running reply before switching sessions.'); return false; }
    const r = this.d.sessions.resume(id);
    if ('error' in r) { void vscode.window.showErrorMessage(`Tack: ${r.error}`); return false; }
    await c.adopt(r.session, r.markers);
    this.postList(false);
    return true;
  }

  private async rename(id: string): Promise<void> {
    const row = this.d.sessions.list().find(s => s.id === id);
    const title = await vscode.window.showInputBox({ title: 'Rename session', value: row?.title ?? '', validateInput: v => (v.trim() ? undefined : 'Enter a title') });
    if (!title?.trim()) return;
    const r = this.d.sessions.rename(id, title);
    if ('error' in r) void vscode.window.showErrorMessage(`Tack: ${r.error}`);
    this.postList(false);
  }

  private async remove(id: string): Promise<void> {
    const row = this.d.sessions.list().find(s => s.id === id);
    const del = 'Delete';
    const answer = await vscode.window.showWarningMessage(`Delete the session "${row?.title ?? id}"?`, { modal: true, detail: 'Its file and saved tool outputs are removed.' }, del);
    if (answer !== del) return;
    const r = this.d.sessions.delete(id);
    if ('error' in r) void vscode.window.showErrorMessage(`Tack: ${r.error}`);
    this.postList(false);
  }

  /** Export to Markdown: an untitled document to read, or a file the person picks. Keys are redacted by core. */
  async exportSession(id: string, to?: 'document' | 'file'): Promise<vscode.TextDocument | vscode.Uri | undefined> {
    const md = this.d.sessions.exportMarkdown(id);
    if (typeof md !== 'string') { void vscode.window.showErrorMessage(`Tack: ${md.error}`); return undefined; }
    const choice = to ?? (await vscode.window.showQuickPick([
      { label: 'Open as a Markdown document', to: 'document' as const },
      { label: 'Save to a file…', to: 'file' as const },
    ], { title: 'Export session to Markdown' }))?.to;
    if (choice === 'document') {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc;
    }
    if (choice === 'file') {
      const uri = await vscode.window.showSaveDialog({ filters: { Markdown: ['md'] }, saveLabel: 'Export' });
      if (!uri) return undefined;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(md, 'utf8'));
      return uri;
    }
    return undefined;
  }

  /** Opens what a compaction of the open session replaced, as an untitled Markdown document. */
  async openReplaced(id: string): Promise<vscode.TextDocument | undefined> {
    const session = this.d.controller().session;
    const entry = session.state.compaction.entries.find(e => e.id === id);
    if (!entry) return undefined;
    const content = redactSecrets(replacedMarkdown(entry, session.messages), this.d.secrets());
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  /** Tack: Compact Now: optional instructions for the summary (Escape cancels, empty: none). */
  async compactNow(instructions?: unknown): Promise<boolean> {
    let text = typeof instructions === 'string' ? instructions : await vscode.window.showInputBox({
      title: 'Tack: Compact Now',
      prompt: 'Optional: what the summary must keep or focus on (Enter without text: none).',
      placeHolder: 'e.g. keep the failing test names and the API decisions',
    });
    if (text === undefined) return false;
    text = text.trim();
    const c = this.d.controller();
    if (c.busy) { void vscode.window.showInformationMessage('Tack: stop the running reply before compacting.'); return false; }
    return c.compact(text || undefined);
  }
}
