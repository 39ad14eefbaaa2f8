// `tack run` with the task tool, end to end: the built CLI, a temp workspace, a scripted model on the wire. The model
// calls `task`, the child reads a file, its answer comes back as the task's result; JSON Lines carry `subagent` start
// and end; the folder's agents are used only with --trust.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolResultsOf, type ScriptReply } from '../fixtures/scripted-server';
import { jsonLines, runCli, scriptedWorkspace } from './cli-support';

let home: string;
before(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-sub-home-')); });
after(() => fs.rmSync(home, { recursive: true, force: true }));

const files: Record<string, string> = {
  'notes.txt': 'the answer is 42\n',
  '.tack/profiles.jsonc': JSON.stringify({ default: 'sub', profiles: { sub: { extends: 'lean', tools: { task: 'auto' } } } }),
  '.tack/agents/reader.md': '---\nname: reader\ndescription: Reads one file\ntools: [read]\n---\nRead the file you are given and report it.\n',
};

async function runScript(script: ScriptReply[], args: string[]) {
  const { ws, server, config } = await scriptedWorkspace(home, script, files, { prefix: 'tack-sub-ws-' });
  const r = await runCli(home, config, ['run', '--json', '--cwd', ws, ...args], { TACK_DATA_DIR: path.join(home, 'data') });
  await server.close();
  fs.rmSync(ws, { recursive: true, force: true });
  return { r, bodies: server.bodies, evs: jsonLines(r.stdout) };
}

const script = (agent: string): ScriptReply[] => [
  { calls: [{ name: 'task', args: { description: 'read the notes', prompt: 'What does notes.txt say?', agent } }] },
  { calls: [{ name: 'read', args: { path: 'notes.txt' } }] },
  body => ({ text: `notes.txt says: ${toolResultsOf(body)[0].split('\n').find(l => l.startsWith('1:'))?.slice(2)}` }),
  { text: 'The answer is 42.' },
];

test('the model calls task, the child reads a file, its answer is the task result; JSON Lines: subagent running and done', async () => {
  const { r, bodies, evs } = await runScript(script('explore'), ['ask']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(bodies.length, 4);
  const names = (b: any) => (b.tools ?? []).map((t: any) => t.function.name).sort();
  assert.ok(names(bodies[0]).includes('task'));
  assert.deepEqual(names(bodies[1]), ['glob', 'grep', 'read'], 'explore: read, glob, grep; no task');
  assert.equal(bodies[1].messages.find((m: any) => m.role === 'user').content, 'What does notes.txt say?');
  assert.ok(bodies[1].messages.some((m: any) => m.role === 'system' && m.content.includes('# Subagent')));
  assert.deepEqual(toolResultsOf(bodies[3]), ['notes.txt says: the answer is 42']);
  // The parent's own calls only: the child's read is inside the subagent.
  assert.deepEqual(evs.filter(e => e.type === 'tool_call').map(e => e.name), ['task']);
  assert.deepEqual(evs.filter(e => e.type === 'tool_result').map(e => [e.name, e.ok, e.output]), [['task', true, 'notes.txt says: the answer is 42']]);
  const subs = evs.filter(e => e.type === 'subagent');
  const callId = evs.find(e => e.type === 'tool_call').id;
  assert.deepEqual(subs[0], { type: 'subagent', id: callId, agent: 'explore', model: 'box/m', state: 'running' });
  assert.deepEqual(subs[1], { type: 'subagent', id: callId, agent: 'explore', model: 'box/m', state: 'done', tokens: 110, costUsd: null });
  const order = evs.map(e => e.type).filter(t => ['tool_call', 'subagent', 'tool_result'].includes(t));
  assert.deepEqual(order, ['tool_call', 'subagent', 'subagent', 'tool_result']);
  const done = evs.at(-1);
  assert.equal(done.type, 'done');
  assert.equal(done.totals.input, 200, 'the child\'s two responses count once in the run\'s totals');
  // The usage log has all four responses.
  const log = fs.readFileSync(path.join(home, 'data', 'usage.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l));
  assert.ok(log.filter(x => x.host === 'cli').length >= 4);
});

test('the folder\'s agent is used only with --trust; without it explore runs and the result says so', async () => {
  const untrusted = await runScript(script('reader'), ['ask']);
  assert.equal(untrusted.r.code, 0, untrusted.r.stderr);
  assert.match(untrusted.r.stderr, /the folder's agents \(reader\) are not used without --trust/);
  assert.ok(!JSON.stringify(untrusted.bodies).includes('Read the file you are given'), 'the agent file\'s text never reaches the model');
  assert.ok(!untrusted.bodies[0].tools.find((t: any) => t.function.name === 'task').function.description.includes('reader'));
  assert.match(toolResultsOf(untrusted.bodies[3])[0], /^Note: the agent "reader" \(\.tack\/agents\/reader\.md\) is not used because this folder is not trusted/);
  assert.equal(untrusted.evs.find(e => e.type === 'subagent').agent, 'explore');

  const trusted = await runScript(script('reader'), ['--trust', 'ask']);
  assert.equal(trusted.r.code, 0, trusted.r.stderr);
  assert.deepEqual(trusted.bodies[1].tools.map((t: any) => t.function.name), ['read']);
  assert.ok(trusted.bodies[1].messages[0].content.endsWith('Read the file you are given and report it.'));
  assert.match(trusted.bodies[0].tools.find((t: any) => t.function.name === 'task').function.description, /reader: Reads one file/);
  assert.deepEqual(trusted.evs.filter(e => e.type === 'subagent').map(e => [e.agent, e.state]), [['reader', 'running'], ['reader', 'done']]);
});
