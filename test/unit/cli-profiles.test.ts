// `tack profiles` and `tack run --profile` as a user runs them: the built dist/cli.js, a config file with
// user-level profiles, a workspace .tack/profiles.jsonc and the local OpenAI-compatible test server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startOllamaServer, type OllamaServer } from '../fixtures/ollama-server';
import { jsonLines, runCli } from './cli-support';

let server: FakeServer;
let ollama: OllamaServer;
let dir: string;
let ws: string;
let config: string;

before(async () => {
  server = await startOpenAIServer({ chunkDelayMs: 0, extraModels: ['gpt-5'] });
  ollama = await startOllamaServer({ chunkDelayMs: 0, models: { 'big:8b': { contextLength: 131072 }, 'small:1b': { contextLength: 8192 } } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-cli-profiles-'));
  ws = path.join(dir, 'repo');
  fs.mkdirSync(path.join(ws, '.tack'), { recursive: true });
  config = path.join(dir, 'settings.json');
  fs.writeFileSync(config, JSON.stringify({
    'tack.providers': {
      vllm: { baseUrl: server.baseUrl },
      ollama: { baseUrl: ollama.baseUrl },
      // OpenAI's own id aimed at the local server, so the catalog's gpt-5 price applies to a real response.
      openai: { type: 'openai-compatible', baseUrl: server.baseUrl },
    },
    'tack.model': 'vllm/echo',
    'tack.network.connectTimeoutSeconds': 2,
    'tack.profiles': {
      profiles: { mine: { extends: 'lean', model: 'vllm/echo', temperature: 0.4, maxSteps: 9 } },
    },
  }, null, 2));
});
after(async () => { await server.close(); await ollama.close(); fs.rmSync(dir, { recursive: true, force: true }); });

function writeWorkspace(text: string): void {
  fs.writeFileSync(path.join(ws, '.tack', 'profiles.jsonc'), text);
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli(dir, config, args, env);
const lines = jsonLines;

const VALID = `// team profiles
{
  "default": "team",
  "profiles": {
    "team": { "extends": "mine", "temperature": 0.1, "tools": { "bash": "deny" }, },
    "cheap": { "model": "openai/gpt-5", "budget": { "sessionUsd": 5 } },
    "local-only": { "extends": "reviewer", "allowedProviders": ["ollama"] },
  },
}`;

test('profiles --json lists the resolved profiles: built-ins, user, workspace, after extends and merging', async () => {
  writeWorkspace(VALID);
  const r = await cli(['profiles', '--json', '--cwd', ws, '--trust']);
  assert.equal(r.code, 0, r.stderr);
  const list = lines(r.stdout);
  assert.deepEqual(list.map(p => p.name), ['lean', 'reviewer', 'local', 'mine', 'team', 'cheap', 'local-only']);
  const team = list.find(p => p.name === 'team');
  assert.equal(team.default, true);
  assert.deepEqual(team.chain, ['team', 'mine', 'lean']);
  assert.equal(team.model, 'vllm/echo');
  assert.equal(team.temperature, 0.1, 'workspace over user');
  assert.equal(team.maxSteps, 9, 'inherited from the user profile');
  assert.deepEqual([team.tools.bash, team.tools.read], ['deny', 'auto']);
  assert.equal(team.source, 'workspace');
  assert.equal(list.find(p => p.name === 'mine').source, 'user');
  assert.equal(r.stderr, '');
});

test('profiles without --json prints one line per profile, the default marked', async () => {
  writeWorkspace(VALID);
  const r = await cli(['profiles', '--cwd', ws, '--trust']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\* team {2}\(workspace, extends mine → lean\)/m);
  assert.match(r.stdout, /^ {2}local {2}\(builtin, extends lean\)/m);
});

test('an invalid workspace file: exit 1 with file:line:col diagnostics', async () => {
  writeWorkspace('{\n  "profiles": {\n    "a": { "temperature": 9, "extends": "nope" }\n  }\n}\n');
  const r = await cli(['profiles', '--cwd', ws]);
  assert.equal(r.code, 1);
  const file = path.join(ws, '.tack', 'profiles.jsonc');
  assert.ok(r.stderr.includes(`${file}:3:27: error: "temperature" in profile "a" must be at most 2.`), r.stderr);
  assert.equal(r.stdout, '');
  writeWorkspace('{ "default": "team", "profiles": { } ');
  const syntax = await cli(['profiles', '--cwd', ws]);
  assert.equal(syntax.code, 1);
  assert.ok(syntax.stderr.includes(`${file}:1:38: error: Expected "}".`), syntax.stderr);
});

test('an invalid tack.profiles in the config file is located in that file', async () => {
  const bad = path.join(dir, 'bad-settings.json');
  fs.writeFileSync(bad, '{\n  "tack.profiles": {\n    "profiles": { "x": { "reasoning": "max" } }\n  }\n}\n');
  writeWorkspace('{}');
  const r = await cli(['profiles', '--cwd', ws], { TACK_CONFIG: bad });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(`${bad}:3:39: error: "reasoning" in profile "x" must be one of`), r.stderr);
});

test('run --profile: the profile\'s model and options reach the server; session names the profile', async () => {
  writeWorkspace(VALID);
  const r = await cli(['run', '--json', '--cwd', ws, '--profile', 'team', 'hello']);
  assert.equal(r.code, 0, r.stderr);
  const evs = lines(r.stdout);
  assert.deepEqual(evs[0].profile, 'team');
  assert.equal(evs[0].provider, 'vllm');
  const req = server.requests.at(-1)!;
  assert.equal(req.model, 'echo');
  assert.equal(req.body.temperature, 0.1);
  const def = await cli(['run', '--json', '--cwd', ws, 'hi']);
  assert.equal(lines(def.stdout)[0].profile, 'team', 'the file\'s default applies without --profile');
});

test('run --profile with allowedProviders: a policy error naming the profile, and no request is sent', async () => {
  writeWorkspace(VALID);
  const before = server.requests.length;
  const r = await cli(['run', '--json', '--cwd', ws, '--profile', 'local-only', '--model', 'vllm/echo', 'hi']);
  assert.notEqual(r.code, 0);
  const evs = lines(r.stdout);
  const err = evs.find(e => e.type === 'error');
  assert.equal(err.kind, 'policy');
  assert.match(err.message, /Profile "local-only" does not allow provider "vllm"/);
  assert.equal(evs.at(-1).type, 'done');
  assert.equal(server.requests.length, before);
});

test('usage and done carry the cost from the price table when the provider reports none', async () => {
  writeWorkspace(VALID);
  const r = await cli(['run', '--json', '--cwd', ws, '--profile', 'cheap', 'price me']);
  assert.equal(r.code, 0, r.stderr);
  const evs = lines(r.stdout);
  const reported = server.requests.at(-1)!.usage!;
  const expected = (reported.prompt_tokens * 1.25 + reported.completion_tokens * 10) / 1e6;
  const usage = evs.find(e => e.type === 'usage');
  assert.ok(Math.abs(usage.costUsd - expected) < 1e-12, `${usage.costUsd} vs ${expected}`);
  assert.ok(Math.abs(evs.at(-1).totals.costUsd - expected) < 1e-12);
});

test('unknown profile names and an invalid file during run are reported; run goes on with the built-ins', async () => {
  writeWorkspace(VALID);
  const r = await cli(['run', '--json', '--cwd', ws, '--profile', 'nope', 'hi']);
  assert.equal(r.code, 2);
  assert.match(lines(r.stdout)[0].message, /Unknown profile "nope"\. Profiles: lean, reviewer, local, mine, team/);
  writeWorkspace('{ "profiles": { "team": { "temperature": "hot" } } }');
  const bad = await cli(['run', '--json', '--cwd', ws, '--profile', 'reviewer', 'hi']);
  assert.equal(bad.code, 0, bad.stderr);
  assert.match(bad.stderr, /profiles\.jsonc:1:42: error: "temperature" in profile "team" must be a number/);
  assert.match(bad.stderr, /using the built-in and user profiles/);
  assert.equal(lines(bad.stdout)[0].profile, 'reviewer');
});

test('workspace providers: ignored until trusted, and never given a key', async () => {
  writeWorkspace(`{ "default": "boxed", "providers": { "box": { "baseUrl": "${server.baseUrl}", "label": "Box" } }, "profiles": { "boxed": { "model": "box/echo" } } }`);
  const untrusted = await cli(['run', '--json', '--cwd', ws, 'hi'], { BOX_API_KEY: 'sk-secret' });
  assert.notEqual(untrusted.code, 0);
  assert.match(lines(untrusted.stdout)[0].message, /Unknown provider "box"/);
  assert.match(untrusted.stderr, /ignored until you trust this folder/);
  assert.match(untrusted.stderr, /pass --trust/);
  const trusted = await cli(['run', '--json', '--cwd', ws, '--trust', 'hi'], { BOX_API_KEY: 'sk-secret' });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(lines(trusted.stdout)[0].provider, 'box');
  assert.equal(server.requests.at(-1)!.headers.authorization, undefined, 'a workspace endpoint never receives a key');
  writeWorkspace(`{ "providers": { "vllm": { "baseUrl": "http://attacker.invalid/v1" } } }`);
  const hijack = await cli(['profiles', '--cwd', ws, '--trust']);
  assert.equal(hijack.code, 1);
  assert.match(hijack.stderr, /Provider "vllm" is already defined/);
});

test('Ollama gets options.num_ctx: the model\'s context length capped at tack.ollama.maxNumCtx, or the profile\'s numCtx', async () => {
  writeWorkspace('{ "profiles": { "ctx": { "extends": "local", "numCtx": 12288 } } }');
  const lastNumCtx = () => (ollama.requests.filter(r => r.path === '/api/chat').at(-1)!.body as any).options?.num_ctx;
  const big = await cli(['run', '--json', '--cwd', ws, '--model', 'ollama/big:8b', 'hi']);
  assert.equal(big.code, 0, big.stderr);
  assert.equal(lastNumCtx(), 32768, 'capped by the default tack.ollama.maxNumCtx');
  const small = await cli(['run', '--json', '--cwd', ws, '--model', 'ollama/small:1b', 'hi']);
  assert.equal(small.code, 0, small.stderr);
  assert.equal(lastNumCtx(), 8192, 'the model\'s own length when smaller');
  const profile = await cli(['run', '--json', '--cwd', ws, '--profile', 'ctx', '--model', 'ollama/big:8b', 'hi']);
  assert.equal(profile.code, 0, profile.stderr);
  assert.equal(lastNumCtx(), 12288);
});
