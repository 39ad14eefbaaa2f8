// The agent in the real extension host: an edit waits for approval (a forged nonce does nothing), lands through a
// WorkspaceEdit in an open editor with unsaved changes (which stay unsaved, the file on disk untouched), and a
// rejected edit changes nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import type { TackApi } from '../../src/vscode/api';
import { waitFor } from './support';

suite('Agent', () => {
  let server: FakeServer;
  let api: TackApi;
  const config = () => vscode.workspace.getConfiguration('tack');
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  suiteSetup(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 1 });
    // The web workbench may save edits after a delay; this test is about a buffer that stays unsaved.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    await config().update('providers', { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local test server' } }, vscode.ConfigurationTarget.Global);
    await config().update('model', 'local/agent-edit', vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<TackApi>('tack.tack')!.activate();
    await api.ready();
    await vscode.commands.executeCommand('tack.newChat');
    await waitFor('the agent-edit model', () => api.modelRef() === 'local/agent-edit');
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('an approved edit lands in the open editor with unsaved changes and keeps them; a forged nonce does nothing', async () => {
    const file = path.join(root(), 'notes-agent.md');
    fs.writeFileSync(file, 'first line\nsecond line\n');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit(b => b.insert(new vscode.Position(2, 0), 'typed by the person\n'));
    assert.ok(doc.isDirty);
    const done = api.send('edit notes-agent.md');
    const pending = await waitFor('an approval for the edit', () => api.pendingApprovals().find(p => p.tool === 'edit'), 20_000);
    assert.match(pending.summary, /edit notes-agent\.md/);
    assert.strictEqual(api.answerApproval(pending.id, 'f'.repeat(32), 'approve'), false, 'a wrong nonce is ignored');
    assert.strictEqual(doc.getText(), 'first line\nsecond line\ntyped by the person\n', 'nothing changed yet');
    assert.strictEqual(api.answerApproval(pending.id, pending.nonce, 'approve'), true);
    await done;
    assert.strictEqual(doc.getText(), '# Edited by Tack\nsecond line\ntyped by the person\n', 'the edit went into the buffer, over the unsaved text');
    assert.ok(doc.isDirty, 'the person\'s unsaved change stays unsaved');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'first line\nsecond line\n', 'the file on disk is untouched');
    const cards = api.messages().flatMap(m => m.tools ?? []);
    assert.ok(cards.some(c => c.name === 'edit' && c.state === 'done' && c.changedPath === 'notes-agent.md'), JSON.stringify(cards));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(!doc.isDirty);
  });

  test('a clean file is edited and saved; a rejected edit changes nothing', async () => {
    const file = path.join(root(), 'clean-agent.md');
    fs.writeFileSync(file, 'alpha\nbeta\n');
    let done = api.send('edit clean-agent.md');
    let pending = await waitFor('an approval', () => api.pendingApprovals().find(p => p.tool === 'edit'), 20_000);
    api.answerApproval(pending.id, pending.nonce, 'approve');
    await done;
    assert.strictEqual(fs.readFileSync(file, 'utf8'), '# Edited by Tack\nbeta\n');
    fs.writeFileSync(file, 'alpha\nbeta\n');
    done = api.send('edit clean-agent.md');
    pending = await waitFor('an approval', () => api.pendingApprovals().find(p => p.tool === 'edit'), 20_000);
    api.answerApproval(pending.id, pending.nonce, 'reject');
    await done;
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'alpha\nbeta\n');
    const last = server.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
    assert.ok(JSON.stringify(last).includes('Not run: the person rejected it'));
  });
});
