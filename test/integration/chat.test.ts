// The chat in the real extension host: settings read from user scope only, a turn against a local
// OpenAI-compatible server, errors that keep the user's message, the view resolving.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import type { TackApi } from '../../src/vscode/api';
import { waitFor } from './support';

suite('Chat', () => {
  let server: FakeServer;
  let api: TackApi;
  const config = () => vscode.workspace.getConfiguration('tack');

  suiteSetup(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 2 });
    await config().update('providers', { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local test server' } }, vscode.ConfigurationTarget.Global);
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    api = (await vscode.extensions.getExtension<TackApi>('tack.tack')!.activate());
    await api.ready();
    await waitFor('the model from user settings', () => api.modelRef() === 'local/echo');
  });

  suiteTeardown(async () => {
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('Tack settings are application-scoped, so a workspace cannot set them', () => {
    const ext = vscode.extensions.getExtension('tack.tack')!;
    const props = ext.packageJSON.contributes.configuration.properties as Record<string, { scope?: string }>;
    for (const [key, p] of Object.entries(props)) assert.ok(p.scope === 'application' || p.scope === 'machine', `${key} has scope ${p.scope}`);
  });

  test('a message streams a reply from the configured server and the status bar names model and provider', async () => {
    await api.send('hello from the extension host');
    const msgs = api.messages();
    const last = msgs[msgs.length - 1];
    assert.strictEqual(msgs[msgs.length - 2].text, 'hello from the extension host');
    assert.ok(last.text.startsWith('You said: hello from the extension host'), last.text);
    const reported = server.requests[server.requests.length - 1].usage!;
    assert.deepStrictEqual(last.usage, { input: reported.prompt_tokens, output: reported.completion_tokens, costUsd: null });
    assert.match(api.statusText(), /echo · Local test server/);
    // The shipped system prompt (prompts/system.md) is loaded at run time and sent first.
    const sent = server.requests[server.requests.length - 1].body.messages;
    assert.strictEqual(sent[0].role, 'system');
    assert.match(sent[0].content, /You are Tack/);
  });

  test('an auth error is shown on the turn and the typed message is kept; retry works once fixed', async () => {
    await config().update('model', 'local/error-401', vscode.ConfigurationTarget.Global);
    await waitFor('the new model', () => api.modelRef() === 'local/error-401');
    await api.send('keep this message');
    let msgs = api.messages();
    assert.strictEqual(msgs[msgs.length - 2].text, 'keep this message');
    assert.strictEqual(msgs[msgs.length - 1].error?.kind, 'auth');
    assert.match(msgs[msgs.length - 1].error!.message, /Set the API key for "local"/);
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    await waitFor('the model back', () => api.modelRef() === 'local/echo');
    await api.retry();
    msgs = api.messages();
    assert.ok(msgs[msgs.length - 1].text.startsWith('You said: keep this message'));
    assert.strictEqual(msgs[msgs.length - 1].error, undefined);
  });

  test('a model without a provider and an unknown provider give config errors, not crashes', async () => {
    for (const [ref, pattern] of [['echo', /does not name a provider/], ['nowhere/echo', /Unknown provider "nowhere"/]] as const) {
      await config().update('model', ref, vscode.ConfigurationTarget.Global);
      await waitFor(`model ${ref}`, () => api.modelRef() === ref);
      await api.send(`typed for ${ref}`);
      const msgs = api.messages();
      assert.strictEqual(msgs[msgs.length - 2].text, `typed for ${ref}`);
      assert.strictEqual(msgs[msgs.length - 1].error?.kind, 'config');
      assert.match(msgs[msgs.length - 1].error!.message, pattern);
      assert.match(api.statusText(), /\$\(warning\)/);
    }
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    await waitFor('the model back', () => api.modelRef() === 'local/echo');
  });

  test('an unreachable server and a non-JSON reply give network and bad_response errors in the panel', async () => {
    const closed = await new Promise<number>(r => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
    await config().update('providers', {
      local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local test server' },
      down: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${closed}/v1`, label: 'Down server' },
    }, vscode.ConfigurationTarget.Global);
    for (const [ref, kind, pattern] of [['down/echo', 'network', /Could not reach Down server/], ['local/html', 'bad_response', /text\/html/]] as const) {
      await config().update('model', ref, vscode.ConfigurationTarget.Global);
      await waitFor(`model ${ref}`, () => api.modelRef() === ref);
      await api.send(`typed for ${ref}`);
      const msgs = api.messages();
      assert.strictEqual(msgs[msgs.length - 2].text, `typed for ${ref}`);
      assert.strictEqual(msgs[msgs.length - 1].error?.kind, kind);
      assert.match(msgs[msgs.length - 1].error!.message, pattern);
    }
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    await waitFor('the model back', () => api.modelRef() === 'local/echo');
  });

  test('workspace settings cannot redirect Tack', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ 'tack.model': 'evil/x', 'tack.providers': { local: { baseUrl: 'http://127.0.0.1:9/v1' } } }));
    try {
      await new Promise(r => setTimeout(r, 1500));
      assert.strictEqual(api.modelRef(), 'local/echo');
      const before = server.requests.length;
      await api.send('still local?');
      assert.strictEqual(server.requests.length, before + 1);
    } finally {
      fs.rmSync(file);
    }
  });

  test('Stop aborts a streaming reply and keeps the partial text', async () => {
    await config().update('model', 'local/slow', vscode.ConfigurationTarget.Global);
    await waitFor('slow model', () => api.modelRef() === 'local/slow');
    const done = api.send('go slowly');
    await waitFor('some streamed text', () => (api.messages()[api.messages().length - 1].text.length > 10));
    api.stop();
    await done;
    const last = api.messages()[api.messages().length - 1];
    assert.strictEqual(last.error?.kind, 'cancelled');
    assert.ok(last.text.startsWith('word0'));
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
  });

  test('the chat view resolves when opened', async () => {
    await vscode.commands.executeCommand('tack.openChat');
    await waitFor('the webview view', () => api.isViewResolved());
  });
});
