/**
 * FileOps for the editor: reads see unsaved changes of open editors; writes go through a WorkspaceEdit, so they are
 * undoable and an editor with unsaved changes keeps them (the change lands in the buffer, which stays unsaved);
 * a file that was clean is saved after the change. Non-regular files and links are refused like in the CLI.
 */
import { lstat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { nodeFileOps, type FileOps } from '../core/index';

function openDocument(abs: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find(d => d.uri.scheme === 'file' && d.uri.fsPath === abs);
}

export function editorFileOps(root: string): FileOps {
  const disk = nodeFileOps(root);
  return {
    async readFile(abs, opts) {
      const doc = openDocument(abs);
      if (doc?.isDirty) return new TextEncoder().encode(doc.getText());
      return disk.readFile(abs, opts);
    },
    async stat(abs) {
      const doc = openDocument(abs);
      if (doc?.isDirty) return { type: 'file', size: Buffer.byteLength(doc.getText()), mtimeMs: Date.now() };
      return disk.stat(abs);
    },
    async writeFile(abs, data) {
      const st = await lstat(abs).catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err; });
      if (st && !st.isFile()) throw new Error(`${abs} is not a regular file (a link or device); it was not written`);
      const uri = vscode.Uri.file(abs);
      const text = new TextDecoder().decode(data);
      const doc = openDocument(abs);
      const edit = new vscode.WorkspaceEdit();
      if (doc) {
        const wasDirty = doc.isDirty;
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
        if (!await vscode.workspace.applyEdit(edit)) throw new Error(`the editor refused the change to ${abs}`);
        if (!wasDirty && !await doc.save()) throw new Error(`${abs} was changed in the editor but could not be saved`);
        return;
      }
      edit.createFile(uri, { overwrite: true, contents: data });
      if (!await vscode.workspace.applyEdit(edit)) throw new Error(`the editor refused to write ${abs}`);
    },
  };
}
