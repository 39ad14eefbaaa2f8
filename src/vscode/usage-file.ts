/** The usage log's file, in the extension's global storage (per user, never in the repository). */
import * as vscode from 'vscode';
import type { UsageLogPort } from '../core/index';

export function fileUsageLog(file: vscode.Uri): UsageLogPort {
  return {
    async readText() {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      } catch {
        return undefined;
      }
    },
    async appendText(text) {
      // workspace.fs has no append: read and rewrite. The log is small (one short line per response).
      const before = (await this.readText()) ?? '';
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(before + text));
    },
  };
}
