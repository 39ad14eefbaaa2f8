// `tack run` as an agent, end to end: the built CLI, a temp workspace, a scripted model on the wire (Chat Completions).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolResultsOf, type ScriptReply } from '../fixtures/scripted-server';
import { CLI, jsonLines, runCli, scriptedWorkspace, type ScriptedWorkspace } from './cli-support';

let home: string;
before(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-agent-home-')); });
after(() => fs.rmSync(home, { recursive: true, force: true }));

type Setup = ScriptedWorkspace;

const setup = (script: ScriptReply[], files: Record<string, string> = {}, repeatLast = false, parent = os.tmpdir()): Promise<Setup> =>
  scriptedWorkspace(home, script, files, { repeatLast, parent, prefix: 'tack-agent-ws-' });

const run = (s: Setup, args: string[]) => runCli(home, s.config, ['run', '--json', '--cwd', s.ws, ...args], { TACK_DATA_DIR: path.join(home, 'data') });
const tagOf = (text: string) => /^\[[^\]]*#([0-9a-f]{4,})\]/.exec(text)?.[1] ?? 'none';

/** read → hashline edit (using the tag the read returned) → bash → answer. */
const readEditBash: ScriptReply[] = [
  { calls: [{ name: 'read', args: { path: 'a.ts' } }] },
  body => ({ calls: [{ name: 'edit', args: { path: 'a.ts', tag: tagOf(toolResultsOf(body)[0]), edits: [{ start: 2, end: 2, lines: ['const b = 3;'] }] } }] }),
  { calls: [{ name: 'bash', args: { command: 'cat a.ts && echo done-$((40+2))' } }] },
  { text: 'All set.' },
];

test('--approve auto: read, a hashline edit and bash run end to end; JSON Lines carry tool_call, approval, tool_result', async () => {
  const s = await setup(readEditBash, { 'a.ts': 'const a = 1;\nconst b = 2;\n' });
  const r = await run(s, ['--approve', 'auto', 'change b']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(s.ws, 'a.ts'), 'utf8'), 'const a = 1;\nconst b = 3;\n');
  const evs = jsonLines(r.stdout);
  assert.deepEqual(evs.filter(e => e.type === 'tool_call').map(e => e.name), ['read', 'edit', 'bash']);
  assert.deepEqual(evs.filter(e => e.type === 'tool_call')[0].args, { path: 'a.ts' }, 'args as parsed JSON');
  assert.deepEqual(evs.filter(e => e.type === 'approval').map(e => [e.name, e.decision]), [['read', 'auto'], ['edit', 'auto'], ['bash', 'auto']]);
  const results = evs.filter(e => e.type === 'tool_result');
  assert.ok(results.every(e => e.ok), JSON.stringify(results));
  assert.match(results[0].output, /^\[a\.ts#[0-9a-f]{4,}\]\n1:const a = 1;\n2:const b = 2;/);
  assert.match(results[2].output, /const b = 3;\ndone-42\n\[exit code 0\]/);
  // Each approval comes before its result.
  const order = evs.map(e => e.type).filter(t => t === 'approval' || t === 'tool_result');
  assert.deepEqual(order, ['approval', 'tool_result', 'approval', 'tool_result', 'approval', 'tool_result']);
  assert.deepEqual(evs.at(-1).type, 'done');
  assert.equal(evs.at(-1).stopReason, 'stop');
  assert.equal(s.server.bodies.length, 4);
  await s.server.close();
});

test('the default without a TTY is deny: read runs, edit and bash are refused, the file is untouched, the model is told', async () => {
  const s = await setup(readEditBash, { 'a.ts': 'const a = 1;\nconst b = 2;\n' });
  const r = await run(s, ['change b']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(s.ws, 'a.ts'), 'utf8'), 'const a = 1;\nconst b = 2;\n');
  const evs = jsonLines(r.stdout);
  assert.deepEqual(evs.filter(e => e.type === 'approval').map(e => [e.name, e.decision]), [['read', 'auto'], ['edit', 'denied'], ['bash', 'denied']]);
  assert.match(toolResultsOf(s.server.bodies[2])[0], /Not run: .*nobody can approve it here/);
  await s.server.close();
});

test('search-replace and whole formats from a workspace profile work end to end', async () => {
  const profiles = JSON.stringify({ default: 'sr', profiles: { sr: { extends: 'lean', editFormat: 'search-replace' }, wh: { extends: 'lean', editFormat: 'whole' } } });
  const s = await setup([
    { calls: [{ name: 'edit', args: { path: 'b.txt', old: 'two', new: 'TWO' } }] },
    { text: 'ok' },
  ], { 'b.txt': 'one\r\ntwo\r\nthree', '.tack/profiles.jsonc': profiles });
  const r = await run(s, ['--approve', 'auto', 'shout']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(s.ws, 'b.txt'), 'utf8'), 'one\r\nTWO\r\nthree', 'CRLF and no final newline survive');
  assert.equal(s.server.bodies[0].tools.find((t: any) => t.function.name === 'edit').function.parameters.required.includes('old'), true);
  await s.server.close();
  const w = await setup([{ calls: [{ name: 'edit', args: { path: 'c.txt', content: 'new\n' } }] }, { text: 'ok' }], { 'c.txt': 'old\n', '.tack/profiles.jsonc': profiles });
  const r2 = await run(w, ['--approve', 'auto', '--profile', 'wh', 'rewrite']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(fs.readFileSync(path.join(w.ws, 'c.txt'), 'utf8'), 'new\n');
  await w.server.close();
});

test('../outside.txt and a link to it are refused in every mode; their content never reaches the model', async () => {
  const secret = `TOP-SECRET-${process.pid}`;
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-outside-'));
  const outsideFile = path.join(parent, 'outside.txt');
  fs.writeFileSync(outsideFile, secret);
  for (const mode of ['auto', 'deny', 'ask']) {
    const s = await setup([
      { calls: [{ name: 'read', args: { path: '../outside.txt' } }, { name: 'read', args: { path: 'link.txt' } }, { name: 'read', args: { path: outsideFile } }, { name: 'grep', args: { pattern: 'TOP-SECRET', path: 'link.txt' } }] },
      { calls: [{ name: 'write', args: { path: 'link.txt', content: 'x' } }, { name: 'edit', args: { path: '../outside.txt', tag: 'abcd', edits: [] } }] },
      { text: 'ok' },
    ], {}, false, parent);
    fs.symlinkSync(outsideFile, path.join(s.ws, 'link.txt'));
    const r = await run(s, ['--approve', mode, 'read them']);
    assert.equal(r.code, 0, r.stderr);
    const sent = JSON.stringify(s.server.bodies);
    assert.ok(!sent.includes(secret), `mode ${mode}: the secret reached the model`);
    for (const t of [...toolResultsOf(s.server.bodies[1]), ...toolResultsOf(s.server.bodies[2])]) assert.match(t, /outside|workspace/i, `mode ${mode}: ${t}`);
    assert.equal(fs.readFileSync(outsideFile, 'utf8'), secret, 'the link target was not written');
    await s.server.close();
  }
  fs.rmSync(parent, { recursive: true, force: true });
});

test('the step limit ends the run with done(max_steps) and a non-zero exit code', async () => {
  const profiles = JSON.stringify({ default: 'short', profiles: { short: { extends: 'lean', maxSteps: 2 } } });
  const s = await setup([{ calls: [{ name: 'glob', args: { pattern: '*.md' } }] }], { 'r.md': '# r\n', '.tack/profiles.jsonc': profiles }, true);
  const r = await run(s, ['loop']);
  assert.equal(r.code, 3);
  const done = jsonLines(r.stdout).at(-1);
  assert.equal(done.type, 'done');
  assert.equal(done.stopReason, 'max_steps');
  assert.equal(s.server.bodies.length, 2);
  assert.match(toolResultsOf(s.server.bodies[1])[0], /^r\.md$/);
  await s.server.close();
});

test('Ctrl+C during bash kills the command\'s process group and ends the run', async () => {
  const marker = `tack-sleep-${process.pid}-${Date.now()}`;
  const s = await setup([{ calls: [{ name: 'bash', args: { command: `echo started; (exec -a ${marker} sleep 60) & sleep 60` } }] }, { text: 'never' }]);
  const p = spawn(process.execPath, [CLI, 'run', '--json', '--cwd', s.ws, '--approve', 'auto', 'sleep'], {
    env: { PATH: process.env.PATH ?? '', HOME: home, TACK_CONFIG: s.config, TACK_DATA_DIR: path.join(home, 'data') },
  });
  let out = '';
  const ended = new Promise<number | null>(resolve => p.on('close', code => resolve(code)));
  await new Promise<void>(resolve => p.stdout.on('data', d => { out += d; if (out.includes('"tool_result"') || out.includes('started') || out.includes('"approval"')) resolve(); }));
  await new Promise(r => setTimeout(r, 300));
  p.kill('SIGINT');
  const code = await ended;
  assert.equal(code, 130);
  const evs = jsonLines(out);
  assert.equal(evs.at(-1).stopReason, 'cancelled');
  let left = '';
  try { left = execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }); } catch { /* pgrep exits 1 when nothing matches */ }
  assert.equal(left.trim(), '', 'no process left behind');
  await s.server.close();
});

test('--show-requests prints each request before it leaves (o200k estimate by part, body size); usage goes to the shared usage log as CLI', async () => {
  const s = await setup([{ calls: [{ name: 'glob', args: { pattern: '*.md' } }] }, { text: 'done' }], { 'r.md': '# r\n' });
  const r = await run(s, ['--show-requests', 'look']);
  assert.equal(r.code, 0, r.stderr);
  const evs = jsonLines(r.stdout);
  const requests = evs.filter(e => e.type === 'request');
  assert.equal(requests.length, 2);
  assert.deepEqual(Object.keys(requests[0]).sort(), ['bytes', 'model', 'provider', 'step', 'tokens', 'type']);
  assert.deepEqual(requests.map(q => [q.step, q.provider, q.model]), [[1, 'box', 'm'], [2, 'box', 'm']]);
  for (const q of requests) {
    assert.deepEqual(Object.keys(q.tokens).sort(), ['history', 'system', 'tools', 'total']);
    assert.ok(q.tokens.system > 20 && q.tokens.tools > 100 && q.tokens.total >= q.tokens.system + q.tokens.tools + q.tokens.history - 1, JSON.stringify(q));
    assert.ok(q.bytes > 500);
  }
  assert.ok(requests[1].tokens.history > requests[0].tokens.history, 'the second request carries the tool result');
  // Each request line comes before the events of its answer.
  const order = evs.map(e => e.type).filter(t => t === 'request' || t === 'tool_call' || t === 'text');
  assert.deepEqual(order, ['request', 'tool_call', 'request', 'text']);
  const log = fs.readFileSync(path.join(home, 'data', 'usage.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
  const mine = log.filter(x => x.provider === 'box' && x.host === 'cli');
  assert.ok(mine.length >= 2, 'both responses of this run are in the usage log, marked as CLI');
  await s.server.close();
});
