// Tack's models in VS Code's own language-model API, inside the real extension host: a Tack model is selected through
// vscode.lm, a request streams the answer from a local test server through Tack's provider layer, a tool call comes
// back as a tool-call part, usage is booked, and the setting turns the models off.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { waitFor } from './support';

/** The parts of the API this test uses (the project's typings predate it). */
interface LmChat {
  id: string; vendor: string; family: string; maxInputTokens: number;
  sendRequest(messages: unknown[], options: object, token: vscode.CancellationToken): Promise<{ text: AsyncIterable<string>; stream: AsyncIterable<unknown> }>;
}
const lm = (vscode as unknown as { lm: { selectChatModels(sel: object): Promise<LmChat[]> } }).lm;
const V = vscode as unknown as Record<string, any>;

suite('vscode.lm: Tack\'s models in VS Code\'s chat', () => {
  let server: FakeServer;
  const config = () => vscode.workspace.getConfiguration('tack');
  const select = (id: string) => waitFor(`the Tack model ${id} in vscode.lm`, async () => {
    const models = await lm.selectChatModels({ vendor: 'tack', id });
    return models.length ? models : undefined;
  }, 20_000);

  suiteSetup(async () => {
    server = await startOpenAIServer({ chunkDelayMs: 1 });
    await config().update('providers', { lmbox: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'LM test server' } }, vscode.ConfigurationTarget.Global);
    await vscode.extensions.getExtension('tack.tack')!.activate();
  });

  suiteTeardown(async () => {
    await config().update('languageModels.enabled', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  test('this editor has the API the provider needs', () => {
    assert.strictEqual(typeof V.lm?.registerLanguageModelChatProvider, 'function', `VS Code ${vscode.version} has no registerLanguageModelChatProvider`);
  });

  test('a Tack model is selected by vendor and streams its answer from the local server', async () => {
    const [model] = await select('lmbox/echo');
    assert.strictEqual(model.vendor, 'tack');
    assert.strictEqual(model.family, 'echo');
    assert.ok(model.maxInputTokens > 0);
    const before = server.requests.length;
    const res = await model.sendRequest([V.LanguageModelChatMessage.User('hello from vscode.lm')], {}, new vscode.CancellationTokenSource().token);
    let text = '';
    for await (const t of res.text) text += t;
    assert.ok(text.startsWith('You said: hello from vscode.lm'), text);
    assert.strictEqual(server.requests.length, before + 1);
    const sent = server.requests[server.requests.length - 1];
    assert.strictEqual(sent.model, 'echo');
    assert.deepStrictEqual(sent.body.messages.map((m: { role: string }) => m.role), ['user'], 'no Tack system prompt: the caller decides');
    assert.strictEqual(sent.headers.authorization, undefined, 'no key stored, none sent');
  });

  test('tools: the model\'s call comes back as a LanguageModelToolCallPart with parsed input', async () => {
    const [model] = await select('lmbox/tool');
    const tools = [{ name: 'read_file', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }];
    const res = await model.sendRequest([V.LanguageModelChatMessage.User('read it')], { tools }, new vscode.CancellationTokenSource().token);
    const parts: unknown[] = [];
    for await (const p of res.stream) parts.push(p);
    const calls = parts.filter(p => p instanceof V.LanguageModelToolCallPart) as Array<{ name: string; input: object; callId: string }>;
    assert.ok(calls.length >= 1, `parts: ${JSON.stringify(parts)}`);
    assert.strictEqual(typeof calls[0].input, 'object');
    assert.ok(calls[0].callId);
    const sentTools = server.requests[server.requests.length - 1].body.tools;
    assert.strictEqual(sentTools[0].function.name, 'read_file');
  });

  test('the active profile\'s allowedProviders apply: the provider\'s models are not offered and a request is refused', async () => {
    const [model] = await select('lmbox/echo');
    const before = server.requests.length;
    await config().update('profiles', { default: 'strict', profiles: { strict: { extends: 'lean', allowedProviders: ['elsewhere'] } } }, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('lmbox models to disappear under the strict profile', async () => (await lm.selectChatModels({ vendor: 'tack', id: 'lmbox/echo' })).length === 0, 15_000);
      await assert.rejects(
        async () => { const res = await model.sendRequest([V.LanguageModelChatMessage.User('not allowed')], {}, new vscode.CancellationTokenSource().token); for await (const t of res.text) void t; },
        // VS Code refuses a model that is no longer offered before it reaches Tack (LanguageModelError); Tack's own
        // check per request refuses it with the policy message when it does reach it.
        (err: Error) => /does not allow provider "lmbox"|lmbox\/echo/.test(`${err.name} ${err.message}`),
      );
      assert.strictEqual(server.requests.length, before, 'nothing was sent');
    } finally {
      await config().update('profiles', undefined, vscode.ConfigurationTarget.Global);
    }
    await select('lmbox/echo');
  });

  test('tack.languageModels.enabled = false takes the models away', async () => {
    await config().update('languageModels.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor('the Tack models to disappear', async () => (await lm.selectChatModels({ vendor: 'tack' })).length === 0, 15_000);
    await config().update('languageModels.enabled', undefined, vscode.ConfigurationTarget.Global);
    await select('lmbox/echo');
  });
});
