/**
 * Tack: Inspect Last Request — opens exactly what Tack sent on the last request as a read-only JSON document (a
 * virtual document: nothing is written to disk, and it cannot be edited), with the token breakdown as a table in the
 * comments at the top. The capture has its keys redacted before it gets here.
 */
import * as vscode from 'vscode';
import type { TokenBreakdown } from '../core/index';
import type { InspectCapture } from './inspect-state';

export const INSPECT_SCHEME = 'tack-inspect';

function table(b: TokenBreakdown): string[] {
  const row = (label: string, n: number | string) => `//   ${label.padEnd(28)} ${String(n).padStart(8)}`;
  return [
    `// Token breakdown (${b.method}: counted with the o200k tokenizer, the provider's own tokenizer differs)`,
    row('system prompt', b.system),
    row('instructions', b.instructions),
    row('skills index', b.skillsIndex),
    row(`tool definitions (${b.perTool.length})`, b.tools),
    ...b.perTool.map(t => row(`  ${t.name}`, t.tokens)),
    row('history', b.history),
    row('latest message', b.latest),
    row('total (estimate)', b.total),
    row('provider-reported input', b.reportedInput ?? 'unknown'),
  ];
}

export type CommandRegistrar = (id: string, handler: (...args: any[]) => unknown) => vscode.Disposable;

export function renderCapture(c: InspectCapture): string {
  const r = c.request;
  const head = [
    `// Tack: the last request, as sent at ${r.at}. Keys and secret headers are shown as "[redacted]".`,
    `// ${r.method} ${r.url} (${r.bodyBytes} bytes)`,
    ...(c.breakdown ? table(c.breakdown) : ['// No token breakdown: the sender of this request did not say what it asked for.']),
  ];
  return `${head.join('\n')}\n${JSON.stringify({ url: r.url, method: r.method, headers: r.headers, body: r.body }, null, 2)}\n`;
}

/** Registers the command and the read-only document behind it. `last` returns the capture to show. */
/** `register` puts the command's handler where the host routes commands (extension.ts registers every id). */
export function registerInspectCommand(last: () => InspectCapture | undefined, register: CommandRegistrar = vscode.commands.registerCommand): vscode.Disposable[] {
  let counter = 0;
  const docs = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: uri => docs.get(uri.path) ?? '' };
  return [
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, provider),
    register('tack.inspectLastRequest', async () => {
      const c = last();
      if (!c) {
        void vscode.window.showInformationMessage('Tack: no request has been sent in this window yet.');
        return undefined;
      }
      const path = `/last-request-${++counter}.jsonc`;
      docs.set(path, renderCapture(c));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: INSPECT_SCHEME, path }));
      await vscode.languages.setTextDocumentLanguage(doc, 'jsonc');
      await vscode.window.showTextDocument(doc, { preview: false });
      return c;
    }),
  ];
}
