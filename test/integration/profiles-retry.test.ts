// Profiles, budgets, provider policy and rate-limit retries in the real extension host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import type { TackApi } from '../../src/vscode/api';
import { waitFor } from './support';

suite('Profiles, budgets and retries', () => {
  let server: FakeServer;
  let api: TackApi;
  const config = () => vscode.workspace.getConfiguration('tack');
  const last = () => api.messages()[api.messages().length - 1];

  suiteSetup(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 1 });
    await config().update('providers', { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Local test server' } }, vscode.ConfigurationTarget.Global);
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<TackApi>('tack.tack')!.activate();
    await api.ready();
    await waitFor('the model from user settings', () => api.modelRef() === 'local/echo');
  });

  suiteTeardown(async () => {
    await config().update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  setup(() => vscode.commands.executeCommand('tack.newChat'));

  test('a 429 with retry-after is retried and the answer arrives', async () => {
    await config().update('model', 'local/ratelimit-s1-1', vscode.ConfigurationTarget.Global);
    await waitFor('model', () => api.modelRef() === 'local/ratelimit-s1-1');
    const before = server.requests.length;
    await api.send('patience');
    assert.strictEqual(server.requests.length - before, 2, 'one rate-limited request, one retry');
    assert.ok(last().text.startsWith('You said: patience'), last().text);
    assert.strictEqual(last().error, undefined);
  });

  test('Stop during a rate-limit wait ends the turn at once', async () => {
    await config().update('model', 'local/ratelimit-s30-1', vscode.ConfigurationTarget.Global);
    await waitFor('model', () => api.modelRef() === 'local/ratelimit-s30-1');
    const started = Date.now();
    const turn = api.send('stop me while waiting');
    await new Promise(r => setTimeout(r, 500));
    api.stop();
    await turn;
    assert.ok(Date.now() - started < 5000, `the turn took ${Date.now() - started} ms after Stop`);
    assert.strictEqual(last().error?.kind, 'cancelled');
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
  });

  test('a user profile with a token budget stops the session at 100 % and says why', async () => {
    await config().update('profiles', { default: 'budgeted', profiles: { budgeted: { extends: 'lean', budget: { sessionTokens: 150 } } } }, vscode.ConfigurationTarget.Global);
    await waitFor('the budgeted profile', () => api.profileName() === 'budgeted');
    await api.send('one');
    assert.strictEqual(last().error, undefined);
    await api.send('two');
    assert.ok(api.sessionTotals().input + api.sessionTotals().output >= 150, JSON.stringify(api.sessionTotals()));
    const before = server.requests.length;
    await api.send('three');
    assert.strictEqual(server.requests.length, before, 'no request once the budget is used up');
    assert.strictEqual(last().error?.kind, 'policy');
    assert.match(last().error!.message, /budget/i);
    assert.match(api.statusTexts().profile, /budgeted/);
  });

  test("fallbackModels take over when the profile's model keeps failing before any output", async () => {
    await config().update('profiles', { default: 'with-fallback', profiles: { 'with-fallback': { extends: 'lean', model: 'local/error-503', fallbackModels: ['local/echo'] } } }, vscode.ConfigurationTarget.Global);
    await waitFor('the with-fallback profile', () => api.profileName() === 'with-fallback');
    // A model chosen earlier in this workspace would win over the profile's; the setting change below clears it.
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the profile model', () => api.modelRef() === 'local/error-503');
    await api.send('keep going');
    const answer = last();
    assert.strictEqual(answer.error, undefined, JSON.stringify(answer.error));
    assert.strictEqual(answer.model, 'local/echo');
    assert.ok(answer.text.startsWith('You said: keep going'));
    await config().update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', 'local/echo', vscode.ConfigurationTarget.Global);
  });

  test('allowedProviders refuses other providers with a policy error naming the profile', async () => {
    await config().update('profiles', { default: 'private-repo', profiles: { 'private-repo': { extends: 'lean', allowedProviders: ['ollama'] } } }, vscode.ConfigurationTarget.Global);
    await waitFor('the private-repo profile', () => api.profileName() === 'private-repo');
    const before = server.requests.length;
    await api.send('may I?');
    assert.strictEqual(server.requests.length, before);
    assert.strictEqual(last().error?.kind, 'policy');
    assert.match(last().error!.message, /private-repo/);
    await config().update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });
});
