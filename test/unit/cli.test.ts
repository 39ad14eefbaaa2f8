// The `tack` CLI as a user runs it: the built dist/cli.js, a config file, a local server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { jsonLines, runCli } from './cli-support';

let server: FakeServer;
let dir: string;
before(async () => {
  server = await startOpenAIServer({ chunkDelayMs: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-cli-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'tack.providers': { vllm: { baseUrl: server.baseUrl }, 'my-box': { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Box' } },
    'tack.model': 'vllm/echo',
    'tack.network.connectTimeoutSeconds': 1,
  }));
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const cli = (args: string[], env: Record<string, string> = {}) => runCli(dir, path.join(dir, 'settings.json'), args, env);
const lines = jsonLines;

test('run --json prints session, text, usage (as the server reported) and done', async () => {
  const r = await cli(['run', '--json', '--model', 'vllm/echo', 'hi']);
  assert.equal(r.code, 0, r.stderr);
  const evs = lines(r.stdout);
  assert.deepEqual(Object.keys(evs[0]).sort(), ['id', 'model', 'profile', 'provider', 'type']);
  assert.equal(evs[0].type, 'session');
  assert.equal(evs[0].profile, 'lean', 'the built-in default profile');
  assert.equal(evs[0].model, 'echo');
  assert.equal(evs[0].provider, 'vllm');
  assert.equal(evs.filter(e => e.type === 'text').map(e => e.delta).join(''), 'You said: hi\n\nHere is some code:\n\n```ts\nconsole.log("tack");\n```\n');
  const reported = server.requests.at(-1)!.usage!;
  const usage = evs.filter(e => e.type === 'usage');
  assert.deepEqual(usage, [{ type: 'usage', input: reported.prompt_tokens, output: reported.completion_tokens, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null }]);
  assert.deepEqual(evs.at(-1), { type: 'done', stopReason: 'stop', totals: { input: reported.prompt_tokens, output: reported.completion_tokens, costUsd: null } });
});

test('without --json the answer streams as text; the default model comes from the config', async () => {
  const r = await cli(['run', 'plain please']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^You said: plain please\n/);
  assert.match(r.stderr, /\d+ in \/ \d+ out tokens/);
});

test('the key for a provider comes from <ID>_API_KEY, upper-cased with - as _', async () => {
  const r = await cli(['run', '--json', '--model', 'my-box/echo', 'k'], { MY_BOX_API_KEY: 'sk-box' });
  assert.equal(r.code, 0);
  assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer sk-box');
});

test('errors are one clear error event, then done, with a non-zero exit', async () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['--model', 'echo'], 'config', /does not name a provider/],
    [['--model', 'nope/echo'], 'config', /Unknown provider "nope"/],
    [['--model', 'vllm/error-401'], 'auth', /VLLM_API_KEY/],
    [['--model', 'vllm/html'], 'bad_response', /text\/html/],
    [['--model', 'vllm/stall'], 'network', /connect timeout/],
  ];
  for (const [args, kind, message] of cases) {
    const r = await cli(['run', '--json', ...args, 'hi']);
    assert.notEqual(r.code, 0, args.join(' '));
    const evs = lines(r.stdout);
    const errors = evs.filter(e => e.type === 'error');
    assert.equal(errors.length, 1, args.join(' '));
    assert.equal(errors[0].kind, kind, args.join(' '));
    assert.match(errors[0].message, message);
    assert.equal(evs.at(-1).type, 'done');
    assert.equal(evs.at(-1).stopReason, 'error');
  }
});

test('an invalid config file is reported, not a crash', async () => {
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{ "tack.model": ');
  const r = await cli(['run', '--json', 'hi'], { TACK_CONFIG: bad });
  assert.equal(r.code, 2);
  const evs = lines(r.stdout);
  assert.equal(evs[0].kind, 'config');
  assert.match(evs[0].message, /not valid JSON/);
});

test('models lists what each endpoint serves', async () => {
  const r = await cli(['models', '--provider', 'my-box', '--json']);
  assert.equal(r.code, 0);
  const refs = lines(r.stdout).map(e => e.ref);
  assert.ok(refs.includes('my-box/echo'));
});

test('usage errors print help and exit 2', async () => {
  const r = await cli(['run']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs a prompt/);
});
