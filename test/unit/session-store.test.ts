// The session store on real files in a temp folder: append and reload, a torn last line, damaged lines, one writer
// per file (a second opener gets a read-only view or a fork; a dead writer's lock is taken over), the index as a
// rebuildable cache, retries recorded as removals, the tail read, and planted keys that never reach a file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsFromObject } from '../../src/core/config/settings';
import { AgentSession } from '../../src/core/agent/session';
import { refusingApprovals, type Logger } from '../../src/core/ports';
import { SessionStore, workspaceKey } from '../../src/core/sessions/store';
import { recordEvents } from '../../src/core/sessions/record-events';
import { restoreSession } from '../../src/core/sessions/restore';
import { readTail } from '../../src/core/sessions/tail';
import { planOf } from './agent-support';
import { scriptedModel, type Reply } from './scripted-model';

const settings = settingsFromObject({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } } });

function logger() {
  const lines: string[] = [];
  const log: Logger = { info: () => {}, warn: m => lines.push(m), error: m => lines.push(m) };
  return { log, lines };
}

const temps: string[] = [];
after(() => { for (const d of temps) fs.rmSync(d, { recursive: true, force: true }); });

function tempStore(secrets: string[] = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-store-'));
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-ws-'));
  temps.push(dataDir, workspace);
  const { log, lines } = logger();
  // A clock that always moves on, so "newest first" never depends on two writes landing in the same millisecond.
  let t = Date.now();
  return { store: new SessionStore({ dataDir, workspace, log, secrets: () => secrets, now: () => ++t }), dataDir, workspace, lines };
}

const deps = (replies: Reply[]) => {
  const model = scriptedModel(replies);
  return { model, deps: { log: logger().log, approvals: refusingApprovals('none'), mode: 'deny' as const, stream: model.stream } };
};

async function runTurn(session: AgentSession, record: (ev: any) => void, text: string) {
  for await (const ev of session.send(text, planOf(settings, 'box/m'), new AbortController().signal)) record(ev);
}

test('a run is saved as it happens and loads back: same ids, same messages, same ledger totals; it continues', async () => {
  const { store, dataDir, workspace } = tempStore();
  const h = store.create({ model: 'box/m', profile: 'lean' });
  const { deps: d1 } = deps([{ text: 'first answer' }]);
  const session = new AgentSession(d1, { id: h.id });
  await runTurn(session, recordEvents(h, session), 'Keep the API stable.\nSecond line.');
  h.close();
  assert.ok(h.file.startsWith(path.join(dataDir, 'sessions', workspaceKey(workspace))), 'keyed by workspace, under the data dir');
  assert.ok(!h.file.startsWith(workspace));

  const opened = store.open(h.id);
  assert.ok('handle' in opened);
  const { deps: d2, model } = deps([{ text: 'second answer' }]);
  const resumed = restoreSession(opened.handle.data, d2);
  assert.equal(resumed.id, h.id);
  assert.deepEqual(resumed.messages, session.messages);
  assert.deepEqual(resumed.totals, session.totals);
  await runTurn(resumed, recordEvents(opened.handle, resumed), 'go on');
  opened.handle.close();
  assert.deepEqual(model.requests[0].messages.map(m => m.role), ['user', 'assistant', 'user'], 'the old transcript is sent');
  const [row] = store.list();
  assert.equal(row.id, h.id);
  assert.equal(row.title, 'Keep the API stable.');
  assert.equal(row.messages, 4);
  assert.equal(row.tokens, 220);
  assert.equal(row.model, 'box/m');
});

test('a torn last line is skipped and said so; damaged lines in the middle too; never the whole file', async () => {
  const { store, lines } = tempStore();
  const h = store.create();
  const { deps: d } = deps([{ text: 'a' }, { text: 'b' }]);
  const s = new AgentSession(d, { id: h.id });
  const rec = recordEvents(h, s);
  await runTurn(s, rec, 'one');
  h.close();
  const file = h.file;
  const good = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  // A damaged line in the middle and half a record at the end (a kill mid-write).
  fs.writeFileSync(file, [good[0], '{not json', ...good.slice(1)].join('\n') + '\n' + good.at(-1)!.slice(0, 25));
  const data = store.load(h.id);
  assert.ok(!('error' in data));
  assert.equal(data.messages.length, 2);
  assert.ok(lines.some(l => /last line was cut off/.test(l)), lines.join('\n'));
  assert.ok(lines.some(l => /skipped 1 damaged line\(s\) \(line 2\)/.test(l)), lines.join('\n'));
  // Opening for writing cuts the torn fragment off, so the next record starts on its own line.
  const o = store.open(h.id);
  assert.ok('handle' in o);
  const s2 = restoreSession(o.handle.data, deps([{ text: 'c' }]).deps);
  await runTurn(s2, recordEvents(o.handle, s2), 'two');
  o.handle.close();
  const again = store.load(h.id);
  assert.ok(!('error' in again));
  assert.deepEqual(again.messages.map(m => m.role), ['user', 'assistant', 'user', 'assistant']);
});

test('one writer per file: a second opener gets a read-only view or a fork; a dead writer\'s lock is taken over', () => {
  const { store } = tempStore();
  const h = store.create();
  h.append({ type: 'message', at: 1, message: { id: 'u1', role: 'user', text: 'hello' } });
  const ro = store.open(h.id, { ifLocked: 'read-only' });
  assert.ok('handle' in ro && ro.handle.readOnly);
  assert.match(ro.handle.readOnlyReason!, new RegExp(`pid ${process.pid}`));
  assert.equal(ro.handle.append({ type: 'meta', at: 2, title: 'x' }), false);
  const fork = store.open(h.id);
  assert.ok('handle' in fork && fork.forkedFrom === h.id && fork.handle.id !== h.id);
  assert.deepEqual(fork.handle.data.messages.map(m => m.id), ['u1'], 'the fork carries the transcript with its ids');
  fork.handle.close();
  assert.ok('error' in store.delete(h.id), 'a live writer\'s session is not deleted');
  h.close();
  // A lock left by a process that no longer runs (kill -9) is stale.
  const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  fs.writeFileSync(path.join(store.dir, `${h.id}.lock`), JSON.stringify({ pid: dead, host: os.hostname(), at: 0 }));
  const taken = store.open(h.id);
  assert.ok('handle' in taken && !taken.handle.readOnly && !taken.forkedFrom);
  taken.handle.close();
  assert.ok(!fs.existsSync(path.join(store.dir, `${h.id}.lock`)), 'closing releases the lock');
});

test('the index is a cache: missing, damaged or stale, listing is rebuilt from the files and deletes nothing', () => {
  const { store, lines } = tempStore();
  const a = store.create(); a.append({ type: 'message', at: 5, message: { id: 'm', role: 'user', text: 'alpha' } }); a.close();
  const b = store.create(); b.append({ type: 'message', at: 9, message: { id: 'n', role: 'user', text: 'beta' } }); b.close();
  assert.deepEqual(store.list().map(r => r.title), ['beta', 'alpha']);
  const index = path.join(store.dir, 'index.json');
  fs.writeFileSync(index, '{"v":1,"sessions":{}}');
  assert.equal(store.list().length, 2, 'an index that lacks sessions does not hide them');
  fs.writeFileSync(index, '{garbage');
  assert.equal(store.list().length, 2);
  assert.ok(lines.some(l => /index .* damaged/.test(l)));
  assert.ok(!('error' in store.rename(a.id, 'Renamed')));
  assert.deepEqual(store.list().map(r => r.title).sort(), ['Renamed', 'beta'], 'a changed file is re-read');
  fs.rmSync(index);
  assert.equal(store.list().length, 2);
  assert.ok(!('error' in store.delete(b.id)));
  assert.deepEqual(store.list().map(r => r.id), [a.id]);
  assert.ok(!fs.existsSync(store.fileOf(b.id)));
});

test('a retry is recorded as a removal, so the reloaded transcript is the one the session has', async () => {
  const { store } = tempStore();
  const h = store.create();
  const { deps: d } = deps([{ text: 'bad answer' }, { text: 'good answer' }]);
  const s = new AgentSession(d, { id: h.id });
  const rec = recordEvents(h, s);
  await runTurn(s, rec, 'q');
  for await (const ev of s.retry(planOf(settings, 'box/m'), new AbortController().signal)) rec(ev);
  h.close();
  const data = store.load(h.id);
  assert.ok(!('error' in data));
  assert.deepEqual(data.messages.map(m => m.role === 'assistant' ? m.text : m.role), ['user', 'good answer']);
  assert.deepEqual(data.messages, s.messages);
  assert.equal(data.usage.length, 2, 'both responses were paid for');
});

test('the tail of a long session is read from the end; it matches the full load', () => {
  const { store } = tempStore();
  const h = store.create();
  for (let i = 0; i < 3000; i++) h.append({ type: 'message', at: i, message: { id: `m${i}`, role: i % 2 ? 'assistant' : 'user', text: `message ${i} ${'x'.repeat(i % 500)}`, ...(i % 2 ? { model: 'box/m' } : {}) } as any });
  h.append({ type: 'remove', at: 3001, ids: ['m2999'] });
  h.close();
  fs.appendFileSync(h.file, '{"type":"message","at":1,"mess');
  const tail = readTail(h.file, 50);
  const full = store.load(h.id);
  assert.ok(!('error' in full));
  assert.equal(tail.complete, false);
  assert.deepEqual(tail.messages, full.messages.slice(-50));
  assert.equal(tail.messages.at(-1)!.id, 'm2998');
});

test('planted keys never reach a session file or an export, even when a tool prints them', async () => {
  const planted = ['sk-planted-0123456789abcdef', 'AKIA-PLANTED-SECRET-77', 'quote"and\\slash-secret-99'];
  const { store, dataDir } = tempStore(planted);
  const h = store.create();
  const s = new AgentSession(deps([{ text: `echoing ${planted[0]} and ${planted[1].slice(0, 12)}… and ${planted[2]}` }]).deps, { id: h.id });
  await runTurn(s, recordEvents(h, s), `my key is ${planted[0]}, the other ${planted[1]}`);
  assert.ok(h.rename(`title with ${planted[1]}`));
  h.close();
  store.list();
  const md = store.exportMarkdown(h.id);
  assert.equal(typeof md, 'string');
  const files: string[] = [];
  const walk = (d: string) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else files.push(p); } };
  walk(dataDir);
  assert.ok(files.length >= 2);
  const contents = [...files.map(f => fs.readFileSync(f, 'utf8')), md as string];
  for (const text of contents) for (const key of planted) {
    assert.ok(!text.includes(key) && !text.includes(JSON.stringify(key).slice(1, -1)), `a planted key was written: ${key}`);
    assert.ok(!text.includes(key.slice(0, 10)), `a recognisable prefix was written: ${key.slice(0, 10)}`);
  }
  assert.match(contents.join('\n'), /\[redacted\]/);
  const loaded = store.load(h.id);
  assert.ok(!('error' in loaded) && loaded.messages.length === 2, 'redacted lines are still valid records');
});
