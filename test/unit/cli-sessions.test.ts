// Sessions through the built CLI: every run is saved, `tack sessions` lists it, `--session` continues it, and a run
// killed with SIGKILL mid-stream leaves a session that loads and continues (a torn last line skipped and said so).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startScriptedServer } from '../fixtures/scripted-server';
import { sse, startRawServer } from '../fixtures/raw-server';
import { CLI, jsonLines, runCli } from './cli-support';

let home: string;
let ws: string;
before(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-sessions-home-'));
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-sessions-ws-'));
});
after(() => { fs.rmSync(home, { recursive: true, force: true }); fs.rmSync(ws, { recursive: true, force: true }); });

const dataDir = () => path.join(home, 'data');
function config(baseUrl: string, name: string): string {
  const file = path.join(home, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl } }, 'tack.model': 'box/m' }));
  return file;
}
const cli = (cfg: string, args: string[], env: Record<string, string> = {}) => runCli(home, cfg, [...args], { TACK_DATA_DIR: dataDir(), ...env });

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p)); else out.push(p);
  }
  return out;
}

test('a killed run (SIGKILL mid-stream) leaves a session that loads and continues with --session', async () => {
  // A server that starts answering and never finishes.
  const slow = await startRawServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'partial answer' }, finish_reason: null }] }));
  });
  const p = spawn(process.execPath, [CLI, 'run', '--json', '--cwd', ws, 'Never touch the vendor folder.'], {
    env: { PATH: process.env.PATH ?? '', HOME: home, TACK_CONFIG: config(slow.baseUrl, 'slow'), TACK_DATA_DIR: dataDir() },
  });
  let out = '';
  const closed = new Promise<void>(resolve => p.on('close', () => resolve()));
  await new Promise<void>(resolve => p.stdout.on('data', d => { out += d; if (out.includes('"type":"text"')) resolve(); }));
  p.kill('SIGKILL');
  await closed;
  await slow.close();
  const id = jsonLines(out).find(e => e.type === 'session').id;
  const file = filesUnder(dataDir()).find(f => f.endsWith(`${id}.jsonl`))!;
  assert.ok(file, 'the session file exists');
  assert.ok(fs.existsSync(file.replace(/\.jsonl$/, '.lock')), 'the killed writer left its lock behind');
  // The kill can land between two writes; a write cut in half is what it leaves at worst: plant one.
  fs.appendFileSync(file, '{"type":"message","at":1,"message":{"id":"x","role":"assis');

  const server = await startScriptedServer([{ text: 'Understood, continuing.' }]);
  const r = await cli(config(server.baseUrl, 'ok'), ['run', '--json', '--cwd', ws, '--session', id, 'Go on.']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /last line was cut off .* skipped/);
  assert.equal(jsonLines(r.stdout)[0].id, id, 'the same session continues');
  const sent = server.bodies[0].messages.filter((m: any) => m.role !== 'system').map((m: any) => m.content);
  assert.deepEqual(sent, ['Never touch the vendor folder.', 'Go on.']);
  await server.close();

  const list = await cli(config(server.baseUrl, 'ok'), ['sessions', '--json', '--cwd', ws]);
  assert.equal(list.code, 0, list.stderr);
  const row = jsonLines(list.stdout).find(e => e.id === id);
  assert.equal(row.title, 'Never touch the vendor folder.');
  assert.equal(row.messages, 3);
  assert.equal(row.model, 'box/m');
  assert.equal(row.tokens, 55);
  assert.ok(!fs.readFileSync(file, 'utf8').includes('"assis\n'), 'the torn fragment was cut before appending');
});

test('every run is saved with its id; tack sessions lists it; planted keys reach no file; bad ids are refused', async () => {
  const key = 'sk-box-planted-key-5f3a9c2e7d';
  const server = await startScriptedServer([{ calls: [{ name: 'bash', args: { command: 'echo "key=$BOX_API_KEY"' } }] }, { text: 'done' }]);
  const cfg = config(server.baseUrl, 'keys');
  const own = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-sessions-own-'));
  const r = await cli(cfg, ['run', '--json', '--cwd', own, '--approve', 'auto', 'print the key'], { BOX_API_KEY: key, OTHER_TOKEN: 'tok-planted-8a7b6c5d4e' });
  assert.equal(r.code, 0, r.stderr);
  const results = jsonLines(r.stdout).filter(e => e.type === 'tool_result');
  assert.equal(results.length, 1);
  const id = jsonLines(r.stdout)[0].id;
  const list = await cli(cfg, ['sessions', '--cwd', own]);
  assert.match(list.stdout, new RegExp(`^${id}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  print the key\\n    box/m · 4 messages · 110 tokens`));
  for (const f of filesUnder(dataDir())) {
    const text = fs.readFileSync(f, 'utf8');
    assert.ok(!text.includes(key) && !text.includes(key.slice(0, 10)) && !text.includes('tok-planted-8a7b6c5d4e'), `a key was written to ${f}`);
  }
  const bad = await cli(cfg, ['run', '--json', '--cwd', own, '--session', '../../etc/passwd', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /is not a session id/);
  await server.close();
  fs.rmSync(own, { recursive: true, force: true });
});
