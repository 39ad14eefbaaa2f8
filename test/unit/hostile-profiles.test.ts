// A repository's files never crash or hang Tack: prototype names, deep nesting, long extends chains and cycles,
// thousands of diagnostics, files that are not regular files, a BOM, `..name` files, and huge numCtx values.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_DIAGNOSTICS, parseProfilesText, parseProfilesValue } from '../../src/core/profiles/parse';
import { builtinLayer, resolveProfiles, type ResolveContext } from '../../src/core/profiles/resolve';
import { ProfileStore } from '../../src/core/profiles/store';
import { MAX_EXTENDS_DEPTH } from '../../src/core/profiles/merge';
import { settingsFromObject } from '../../src/core/config/settings';
import { resolveEndpoint } from '../../src/core/providers/registry';
import { ollamaBody } from '../../src/core/providers/ollama';
import { readBoundedFile } from '../../src/core/files/bounded-read';
import { isInside, nodeWorkspaceReader } from '../../src/core/files/workspace-reader';
import { runCli } from './cli-support';
import { endpointFor, makeRequest } from './support';

const ctx: ResolveContext = { userProviderIds: [], trusted: true, builtinPrompts: ['system'] };
const ws = (text: string) => parseProfilesText(text, { source: 'workspace', file: '.tack/profiles.jsonc' });
const resolveWs = (text: string) => resolveProfiles([builtinLayer(), ws(text)], ctx);
const PROTO = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__'];

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-hostile-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('Object.prototype names as profile names, as extends targets and as default are ordinary names', () => {
  const profiles = Object.fromEntries(PROTO.filter(n => n !== '__proto__').map(n => [n, { description: n, extends: 'lean' }]));
  const r = resolveWs(JSON.stringify({ default: 'toString', profiles: { ...profiles, viaProto: { extends: 'valueOf' } } }));
  assert.deepEqual(r.diagnostics.filter(d => d.severity === 'error'), []);
  assert.equal(r.defaultProfile, 'toString');
  assert.equal(r.profiles['constructor' as string].description, 'constructor');
  assert.deepEqual(r.profiles.viaProto.chain, ['viaProto', 'valueOf', 'lean']);
  // Names that are not defined stay undefined, also when Object.prototype has them.
  const plain = resolveWs('{ "default": "hasOwnProperty", "profiles": { "a": { "extends": "constructor" } } }');
  assert.equal(plain.defaultProfile, 'lean');
  assert.ok(plain.diagnostics.some(d => /"default" names the profile "hasOwnProperty", which does not exist/.test(d.message)));
  assert.ok(plain.diagnostics.some(d => /extends "constructor", which does not exist/.test(d.message)));
  assert.equal(plain.profiles.toString, undefined);
  const proto = resolveWs('{ "default": "__proto__", "profiles": { "__proto__": { "model": "ollama/x" } } }');
  assert.ok(proto.diagnostics.some(d => /Invalid name "__proto__"/.test(d.message)));
  assert.ok(proto.diagnostics.some(d => d.message.includes('"default"') && /letters, digits/.test(d.message)), 'default has the name pattern too');
  const store = new ProfileStore(ctx);
  store.update('{ "profiles": { "x": {} } }');
  for (const n of PROTO) assert.equal(store.profile(n).name, 'lean', n);
  const settings = settingsFromObject(JSON.parse('{ "tack.providers": { "__proto__": { "baseUrl": "http://x" }, "constructor": { "type": "nope" } } }'));
  assert.equal(Object.getPrototypeOf(settings.providers), Object.prototype);
  assert.ok('error' in resolveEndpoint(settings, 'toString'));
  assert.match((resolveEndpoint(settings, 'constructor') as { error: string }).error, /type "nope"/);
});

test('deep nesting is a diagnostic, not a stack overflow (text and already-parsed values)', () => {
  const deep = `{ "profiles": { "a": { "fallbackModels": ${'['.repeat(3000)}${']'.repeat(3000)} } } }`;
  const layer = ws(deep);
  assert.equal(layer.doc, undefined);
  assert.match(layer.diagnostics[0].message, /more than 64 levels deep/);
  let v: unknown = [];
  for (let i = 0; i < 100_000; i++) v = [v];
  const value = parseProfilesValue({ profiles: { a: { tools: v } } }, { source: 'user', file: 'settings' });
  assert.match(value.diagnostics[0].message, /more than 64 levels deep/);
  const store = new ProfileStore(ctx);
  const s = store.update(deep);
  assert.equal(s.valid, false);
  assert.equal(store.profile().name, 'lean');
  const comments = ws(`// ${'['.repeat(5000)}\n{ "profiles": { "a": { "description": "${'{'.repeat(5000)}" } } }`);
  assert.ok(comments.doc, 'brackets in comments and strings do not count');
});

test('extends chains longer than the limit and cycles of thousands of profiles resolve in linear work', () => {
  const n = 900;
  const chain = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i + 1 < n ? { extends: `p${i + 1}`, temperature: 0.5 } : { model: 'ollama/root' }]));
  const r = resolveWs(JSON.stringify({ profiles: chain }));
  assert.ok(r.profiles.p0.chain.length <= MAX_EXTENDS_DEPTH + 1);
  assert.equal(r.profiles[`p${n - 10}`].model, 'ollama/root', 'short chains still resolve');
  assert.ok(r.diagnostics.some(d => new RegExp(`longer than ${MAX_EXTENDS_DEPTH} profiles`).test(d.message)));
  assert.ok(r.diagnostics.length <= MAX_DIAGNOSTICS + 1, `${r.diagnostics.length} diagnostics`);
  const cycle = Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, { extends: `c${(i + 1) % n}` }]));
  const rc = resolveWs(JSON.stringify({ profiles: cycle }));
  assert.equal(rc.names.length, n + 3);
  assert.ok(rc.diagnostics.length <= MAX_DIAGNOSTICS + 1);
  const small = resolveWs('{ "profiles": { "a": { "extends": "b" }, "b": { "extends": "c" }, "c": { "extends": "a" } } }');
  assert.equal(small.diagnostics.filter(d => /cycle: (a|b|c) → /.test(d.message)).length, 1);
});

test('thousands of broken references: diagnostics are capped, each stays short, and the profile count has a maximum', () => {
  const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, { extends: `missing${i}`, model: `nowhere${i}/m` }]));
  const r = resolveWs(JSON.stringify({ profiles: many }));
  const mine = r.diagnostics.filter(d => d.source === 'workspace');
  assert.equal(mine.length, MAX_DIAGNOSTICS + 1);
  assert.match(mine.at(-1)!.message, /and 1900 more problems/);
  assert.ok(mine.every(d => d.message.length < 600), 'known profiles are listed briefly');
  const tooMany = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, { extends: `missing${i}` }]));
  const layer = ws(JSON.stringify({ profiles: tooMany }));
  assert.equal(layer.doc, undefined);
  assert.ok(layer.diagnostics.some(d => /more than 1000/.test(d.message)), JSON.stringify(layer.diagnostics.slice(0, 2)));
  const garbage = ws('{'.repeat(60) + '"a" 1 2 3 '.repeat(20_000));
  assert.ok(garbage.diagnostics.length <= MAX_DIAGNOSTICS + 1);
});

test('only regular files are read, within a size cap; FIFOs and devices are refused before reading', async () => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.match((await readBoundedFile(fifo, 1000) as { error: string }).error, /named pipe/);
  assert.match((await readBoundedFile('/dev/zero', 1000) as { error: string }).error, /a device/);
  assert.match((await readBoundedFile(dir, 1000) as { error: string }).error, /a directory/);
  fs.writeFileSync(path.join(dir, 'big'), 'x'.repeat(2000));
  assert.match((await readBoundedFile(path.join(dir, 'big'), 1000) as { error: string }).error, /larger than 1000 bytes/);
  assert.deepEqual(await readBoundedFile(path.join(dir, 'big'), 5000), { text: 'x'.repeat(2000) });
  assert.deepEqual(await readBoundedFile(path.join(dir, 'nope'), 5000), { missing: true });
  const wsDir = path.join(dir, 'ws');
  fs.mkdirSync(wsDir);
  execFileSync('mkfifo', [path.join(wsDir, 'pipe')]);
  fs.symlinkSync('pipe', path.join(wsDir, 'AGENTS.md'));
  fs.writeFileSync(path.join(wsDir, '..notes.md'), 'notes');
  const reader = nodeWorkspaceReader(wsDir);
  await assert.rejects(reader.readInside('AGENTS.md'), /AGENTS\.md was not read: it is a named pipe/);
  assert.equal(await reader.readInside('..notes.md'), 'notes', 'a name starting with ".." is inside');
  assert.ok(isInside('..notes.md') && isInside('a/..b') && !isInside('..') && !isInside(`..${path.sep}x`) && !isInside(''));
});

test('tack profiles and tack run survive a profiles file linked to /dev/zero and a FIFO named AGENTS.md', async () => {
  const wsDir = path.join(dir, 'cli-ws');
  fs.mkdirSync(path.join(wsDir, '.tack'), { recursive: true });
  fs.symlinkSync('/dev/zero', path.join(wsDir, '.tack', 'profiles.jsonc'));
  execFileSync('mkfifo', [path.join(wsDir, 'AGENTS.md')]);
  const cfg = path.join(dir, 'cli.json');
  fs.writeFileSync(cfg, JSON.stringify({ 'tack.providers': { lab: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } } }));
  const p = await runCli(dir, cfg, ['profiles', '--cwd', wsDir]);
  assert.equal(p.code, 1, p.stderr);
  assert.match(p.stderr, /profiles\.jsonc:1:1: error: Not read: it is a device; Tack reads only regular files\./);
  const r = await runCli(dir, cfg, ['run', '--trust', '--cwd', wsDir, '--model', 'lab/m', 'hi']);
  assert.equal(r.code, 1, 'the run goes on and fails only because nothing listens');
  assert.match(r.stderr, /instruction file skipped: AGENTS\.md was not read: it is a named pipe/);
  for (const name of ['constructor', '__proto__']) {
    const q = await runCli(dir, cfg, ['run', '--json', '--cwd', dir, '--profile', name, 'hi']);
    assert.equal(q.code, 2, `${name}: ${q.stderr}`);
    assert.match(q.stdout, /Unknown profile/);
  }
});

test('a UTF-8 BOM at the start of a profiles file is accepted, positions unchanged', () => {
  const layer = ws('\uFEFF{\n  "profiles": { "a": { "temperature": 9 } }\n}');
  assert.equal(layer.diagnostics.length, 1);
  assert.match(layer.diagnostics[0].message, /at most 2/);
  assert.deepEqual([layer.diagnostics[0].line, layer.diagnostics[0].column, layer.diagnostics[0].offset], [2, 39, 41], 'the offset counts the BOM, as the file does');
  assert.ok(ws('\uFEFF{ "default": "lean" }').doc);
});

test('numCtx and maxOutputTokens have schema maxima; Ollama never gets more output tokens than context', () => {
  const r = ws('{ "profiles": { "big": { "numCtx": 2000000000, "maxOutputTokens": 2000000000 } } }');
  assert.equal(r.doc, undefined);
  assert.equal(r.diagnostics.filter(d => /at most 1048576/.test(d.message)).length, 2);
  const body = ollamaBody(makeRequest(endpointFor('ollama', {}), 'm', { options: { numCtx: 8192, maxOutputTokens: 1_000_000 } })) as { options: Record<string, number> };
  assert.deepEqual(body.options, { num_ctx: 8192, num_predict: 8192 });
});
