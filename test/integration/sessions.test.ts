// Sessions and compaction in the real extension host: a conversation with tool calls is saved to the session store
// as it happens (the file the CLI reads too) and a fresh load brings it back with its tool cards; Compact Now on a
// long scripted session records a compaction that shrinks the prompt, shown as a card; `/compact` typed in the panel
// runs the same, and says why when there is nothing left to compact.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { SessionStore, silentLogger as quiet } from '../../src/core/index';
import type { TackApi } from '../../src/vscode/api';
import { waitFor } from './support';


suite('Sessions', () => {
  let server: FakeServer;
  let api: TackApi;
  const config = () => vscode.workspace.getConfiguration('tack');
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const useModel = async (model: string) => {
    await config().update('model', `local/${model}`, vscode.ConfigurationTarget.Global);
    await waitFor(`the ${model} model`, () => api.modelRef() === `local/${model}`);
  };

  suiteSetup(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 0 });
    await config().update('providers', { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local test server' } }, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<TackApi>('tack.tack')!.activate();
    await api.ready();
  });

  suiteTeardown(async () => {
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('a conversation with tool calls is saved as it happens and a fresh load restores it with its tool cards', async () => {
    await useModel('agent-edit');
    await vscode.commands.executeCommand('tack.newChat');
    const file = path.join(root(), 'session-notes.md');
    fs.writeFileSync(file, 'one\ntwo\n');
    const done = api.send('edit session-notes.md');
    const pending = await waitFor('an approval for the edit', () => api.pendingApprovals().find(p => p.tool === 'edit'), 20_000);
    api.answerApproval(pending.id, pending.nonce, 'reject');
    await done;
    const id = api.sessionId();
    const sessionFile = api.sessionFile();
    assert.ok(fs.existsSync(sessionFile), `no session file at ${sessionFile}`);
    assert.ok(!sessionFile.startsWith(root()), 'the session is stored outside the workspace');
    const shown = api.messages();
    const shownCards = shown.flatMap(m => m.tools ?? []);
    assert.deepStrictEqual(shownCards.map(c => [c.name, c.state]), [['read', 'done'], ['edit', 'error']]);

    // The store the CLI uses reads the same file: <dataDir>/sessions/<workspace key>/<id>.jsonl.
    const dataDir = path.dirname(path.dirname(path.dirname(sessionFile)));
    const store = new SessionStore({ dataDir, workspace: root(), log: quiet });
    const data = store.load(id);
    assert.ok(!('error' in data), JSON.stringify(data));
    assert.deepStrictEqual(data.messages.filter(m => m.role !== 'tool').map(m => m.id), shown.map(m => m.id), 'every message the panel shows is in the file');
    assert.deepStrictEqual(data.messages.filter(m => m.role === 'tool').map(m => m.role === 'tool' && m.toolCallId), shownCards.map(c => c.id), 'with a result per tool call');
    assert.strictEqual(data.title, 'edit session-notes.md');
    assert.ok(store.list().some(s => s.id === id && s.messages === data.messages.length && s.tokens > 0), 'the session is listed with its token count');

    // A new session, then the saved one opened again: messages and tool cards come back from the file.
    await vscode.commands.executeCommand('tack.newChat');
    assert.notStrictEqual(api.sessionId(), id);
    assert.strictEqual(api.messages().length, 0);
    assert.strictEqual(await api.openSession(id), true);
    assert.strictEqual(api.sessionId(), id);
    const restored = api.messages();
    assert.deepStrictEqual(restored.map(m => [m.id, m.role, m.text]), shown.map(m => [m.id, m.role, m.text]));
    const cards = restored.flatMap(m => m.tools ?? []);
    assert.deepStrictEqual(cards.map(c => [c.id, c.name, c.state]), shownCards.map(c => [c.id, c.name, c.state]));
    // Titles are rebuilt from the stored arguments: the tool's own line without what only the run knew (`(1 edit)`).
    cards.forEach((c, i) => assert.ok(shownCards[i].title.startsWith(c.title), `${c.title} vs ${shownCards[i].title}`));
    assert.match(cards[1].output ?? '', /Not run: the person rejected it/);
    fs.rmSync(file, { force: true });

    // Another writer holds the session (a second window): opening it here continues a fork, and the panel says so.
    await vscode.commands.executeCommand('tack.newChat');
    const other = store.open(id);
    assert.ok(!('error' in other) && !other.handle.readOnly, 'the other writer holds the session');
    try {
      assert.strictEqual(await api.openSession(id), true);
      assert.notStrictEqual(api.sessionId(), id, 'a fork, not the held session');
      assert.deepStrictEqual(api.messages().map(m => m.text), restored.map(m => m.text), 'the fork holds a copy of the transcript');
      const notice = api.markers().find(m => m.kind === 'notice');
      assert.ok(notice && notice.kind === 'notice' && /open in another window/.test(notice.text), JSON.stringify(api.markers()));
    } finally {
      if (!('error' in other)) other.handle.close();
    }
  });

  test('Compact Now on a long scripted session records a compaction with before > after; /compact says when nothing is left', async () => {
    await useModel('echo');
    await vscode.commands.executeCommand('tack.newChat');
    // Four turns of about 3,000 tokens each (the echo model repeats the message): well past the 8,000 kept verbatim.
    for (let turn = 1; turn <= 4; turn++) {
      const text = `Turn ${turn}: ${Array.from({ length: 1200 }, (_, i) => `w${turn}x${i}`).join(' ')}`;
      await api.send(text);
    }
    assert.strictEqual(api.messages().length, 8);
    const requestsBefore = server.requests.length;
    assert.strictEqual(await api.compactNow('keep the turn numbers'), true);
    const card = api.markers().find(m => m.kind === 'compaction');
    assert.ok(card && card.kind === 'compaction', JSON.stringify(api.markers()));
    assert.ok(card.before > card.after, `before ${card.before}, after ${card.after}`);
    assert.strictEqual(card.strategy, 'summary');
    assert.match(card.detail, /earlier messages sent as a summary/);
    const summaryRequest = server.requests[requestsBefore];
    assert.match(JSON.stringify(summaryRequest.body.messages), /keep the turn numbers/, 'the instructions reach the summary request');
    const lines = fs.readFileSync(api.sessionFile(), 'utf8').trim().split('\n').map(l => JSON.parse(l));
    const recorded = lines.find(r => r.type === 'compaction');
    assert.ok(recorded && recorded.before === card.before && recorded.after === card.after, 'the compaction is in the session file');
    assert.strictEqual(lines.filter(r => r.type === 'message').length, 8, 'the transcript stays whole in the file');

    // The next request carries the summary instead of the older turns.
    await api.send('and now?');
    const next = server.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
    assert.match(JSON.stringify(next[1]), /Summary of the earlier conversation/);
    assert.ok(next.length < 1 + 9, `${next.length} messages sent: the summarised turns are left out`);

    // Everything older than the newest turns is already summarised: /compact says so, as a notice in the panel.
    await api.send('/compact once more');
    assert.strictEqual(api.messages().length, 10, '/compact is not sent as a message');
    const notice = await waitFor('a notice', () => api.markers().find(m => m.kind === 'notice'));
    assert.ok(notice.kind === 'notice' && /Nothing to compact/.test(notice.text), JSON.stringify(notice));

    // Reopened, the session shows its compaction card again.
    const id = api.sessionId();
    await vscode.commands.executeCommand('tack.newChat');
    await api.openSession(id);
    const again = api.markers().filter(m => m.kind === 'compaction');
    assert.deepStrictEqual(again.map(m => m.id), [card.id]);
    assert.strictEqual(again[0].afterId, card.afterId, 'the card sits where the compaction happened');
  });
});
