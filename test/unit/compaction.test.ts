// Compaction on scripted long conversations with planted facts (an early user constraint, a file edited mid-way, a
// failing command), through the real loop: what reaches the summary request, what the next request carries, the
// numbers the model reports, the second-compaction update path, and the guard rails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { settingsFromObject } from '../../src/core/config/settings';
import { AgentSession, type RunPlan } from '../../src/core/agent/session';
import type { AgentEvent } from '../../src/core/agent/events';
import type { RunTools } from '../../src/core/agent/loop';
import { refusingApprovals, silentLogger } from '../../src/core/ports';
import type { Tool, ToolContext } from '../../src/core/tools/types';
import type { CompactionSpec } from '../../src/core/profiles/types';
import type { ProviderRequest } from '../../src/core/providers/request';
import { compactNow } from '../../src/core/compaction/hook';
import { compactionPromptFrom } from '../../src/core/compaction/prompt';
import { SUMMARY_HEADER } from '../../src/core/compaction/view';
import { SessionStore } from '../../src/core/sessions/store';
import { recordEvents } from '../../src/core/sessions/record-events';
import { restoreSession } from '../../src/core/sessions/restore';
import { forRequest } from '../../src/core/agent/transcript';
import { testProfile } from './agent-support';
import { sizedModel, type SizedModel, type SizedReply } from './compaction-support';

const PROMPTS = path.resolve(__dirname, '../../../prompts');
const settings = settingsFromObject({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } } });
const CONSTRAINT = 'Never change the exported names in src/api.ts, and keep two-space indentation everywhere.';
const WINDOW = 6000;
const THRESHOLD = WINDOW * 0.8;

function tool(name: string, run: (args: Record<string, unknown>) => { text: string; isError?: boolean }): Tool {
  return { name, prompt: name, readOnly: name === 'read', parameters: { type: 'object' }, prepare: async args => ({ title: name, run: async () => run(args) }) };
}
const tools: Tool[] = [
  tool('read', a => ({ text: `${String(a.path)}:\n${'const value = 1; // filler line\n'.repeat(Number(a.lines ?? 3))}` })),
  tool('edit', a => ({ text: `edited ${String(a.path)}` })),
  tool('bash', a => ({ text: `$ ${String(a.command)}\nFAIL test/b.test.ts: expected 3, got 2\n[exit code 1]` })),
];
const runTools: RunTools = {
  tools: new Map(tools.map(t => [t.name, t])), definitions: tools.map(t => ({ name: t.name, description: t.name, parameters: t.parameters })),
  ctx: { trusted: true } as ToolContext, saveOutput: async () => undefined,
};

function plan(compaction: CompactionSpec = {}, contextWindow: number | undefined = WINDOW): RunPlan {
  return {
    setup: { profile: testProfile({ tools: { read: 'auto', edit: 'auto', bash: 'auto' }, compaction, maxSteps: 40 }), settings, modelRef: 'box/m', keys: { getKey: async () => undefined }, turn: {}, ...(contextWindow ? { contextWindow } : {}) },
    system: async () => 'You are a coding agent.',
    tools: runTools,
    compactionPrompt: compactionPromptFrom(PROMPTS),
  };
}

function sessionFor(model: SizedModel) {
  return new AgentSession({ log: silentLogger, approvals: refusingApprovals('none'), mode: 'ask', stream: model.stream });
}

async function send(s: AgentSession, text: string, p: RunPlan = plan()): Promise<AgentEvent[]> {
  const evs: AgentEvent[] = [];
  for await (const ev of s.send(text, p, new AbortController().signal)) evs.push(ev);
  return evs;
}

const long = (label: string, chars: number) => `${label} ${'lorem ipsum dolor sit amet '.repeat(Math.ceil(chars / 27))}`.slice(0, chars);
const userText = (req: ProviderRequest) => req.messages.map(m => m.text).join('\n');

/** Every tool result follows the assistant message that called it, and every call has its result. */
function assertPairs(req: ProviderRequest) {
  const open = new Set<string>();
  for (const m of req.messages) {
    if (m.role === 'assistant') { assert.equal(open.size, 0, 'a call without its result'); for (const c of m.toolCalls ?? []) open.add(c.id); }
    else if (m.role === 'tool') assert.ok(open.delete(m.toolCallId), `a result without its call: ${m.toolCallId}`);
    else assert.equal(open.size, 0, 'a call without its result');
  }
}

/** Turn 1 plants the facts: the constraint, a file read, a file edited, a failing command (small outputs). */
const plantedTurn: SizedReply[] = [
  { calls: [{ name: 'read', args: { path: 'src/a.ts' } }] },
  { calls: [{ name: 'edit', args: { path: 'src/b.ts' } }] },
  { calls: [{ name: 'bash', args: { command: 'npm test' } }] },
  { text: 'The test still fails; b.ts needs another look.' },
];

test('stage 1: old tool outputs become stubs that say how to get them again; the newest stay; the next request fits', async () => {
  const reads = ['c', 'd', 'e', 'f', 'g', 'h'].map(f => ({ calls: [{ name: 'read', args: { path: `src/${f}.ts`, lines: 120 } }] }));
  const model = sizedModel([...plantedTurn.slice(0, 3), ...reads, { text: 'done' }]);
  const s = sessionFor(model);
  const evs = await send(s, CONSTRAINT);
  const c = evs.find(e => e.type === 'compaction');
  assert.ok(c && c.type === 'compaction', 'a compaction ran');
  assert.equal(c.strategy, 'prune');
  assert.equal(c.entry.trigger, 'auto');
  assert.equal(model.summaries.length, 0, 'pruning was enough: no summary request');
  const i = model.main.findIndex(r => r.messages.some(m => m.role === 'tool' && m.text.startsWith('[Output of')));
  assert.ok(i > 0);
  assert.ok(model.inputs[i - 1] >= THRESHOLD && model.inputs[i] < THRESHOLD, `input ${model.inputs[i - 1]} → ${model.inputs[i]}`);
  assert.ok(c.before === model.inputs[i - 1] && c.after < c.before);
  const sent = model.main[i];
  const stub = sent.messages.find(m => m.role === 'tool' && m.text.includes('src/c.ts'))!;
  assert.match(stub.text, /^\[Output of read \{"path":"src\/c\.ts","lines":120\} \(\d+ characters\) left out to save context; call the tool again/);
  const last = sent.messages.at(-1)!;
  assert.equal(last.role, 'tool');
  assert.match(last.text, /^src\/h\.ts:\n/, 'the newest output is sent verbatim');
  assertPairs(sent);
  assert.equal(s.messages.filter(m => m.role === 'tool' && m.text.startsWith('[Output')).length, 0, 'the transcript keeps every output');
});

test('stage 2: the summary request gets the constraint verbatim, the file lists and the failed command; the last turns stay verbatim', async () => {
  const turns: SizedReply[] = [...plantedTurn];
  for (let k = 1; k <= 7; k++) turns.push({ text: long(`answer ${k}`, 2400) });
  const model = sizedModel(turns, () => ({ text: `## Goal and constraints\n> ${CONSTRAINT}\n\n## Files\n- Read: src/a.ts\n- Modified: src/b.ts\nSUMMARY-1` }));
  const s = sessionFor(model);
  await send(s, CONSTRAINT);
  let compaction: AgentEvent | undefined;
  for (let k = 1; k <= 7 && !compaction; k++) compaction = (await send(s, long(`question ${k}`, 1600))).find(e => e.type === 'compaction');
  assert.ok(compaction?.type === 'compaction');
  assert.equal(compaction.strategy, 'summary');
  assert.equal(model.summaries.length, 1);
  const req = model.summaries[0];
  assert.match(req.system ?? '', /## Goal and constraints/);
  const text = userText(req);
  assert.ok(text.includes(CONSTRAINT), 'the early constraint reaches the summary request verbatim');
  assert.match(text, /Files read[^\n]*\n- src\/a\.ts/);
  assert.match(text, /Files modified[^\n]*\n- src\/b\.ts/);
  assert.match(text, /Failed tool calls:\n- bash \{"command":"npm test"\}: \$ npm test \[exit code 1\]/);
  assert.ok(!text.includes('<previous-summary>'));
  // The next request: the summary first, then the newest messages exactly as stored.
  const next = model.main.at(-1)!;
  assert.ok(next.messages[0].text.startsWith(SUMMARY_HEADER) && next.messages[0].text.includes('SUMMARY-1'));
  const kept = next.messages.slice(1);
  const tail = forRequest(s.messages).slice(-kept.length - 1, -1); // the transcript minus the answer being written
  assert.deepEqual(kept.slice(-3), tail.slice(-3));
  assertPairs(next);
  assert.ok(model.inputs.at(-1)! < THRESHOLD, `the next request's input (${model.inputs.at(-1)}) is below the threshold`);
  assert.ok(s.messages.some(m => m.role === 'user' && m.text === CONSTRAINT), 'the transcript is whole');
  assert.deepEqual(compaction.entry.replaced?.firstId, s.messages[0].id);
});

test('a second compaction updates the previous summary; only the newest summary is sent', async () => {
  const turns: SizedReply[] = [...plantedTurn];
  for (let k = 1; k <= 16; k++) turns.push({ text: long(`answer ${k}`, 2400) });
  let n = 0;
  const model = sizedModel(turns, () => ({ text: `## Goal and constraints\n> ${CONSTRAINT}\nSUMMARY-${++n}` }));
  const s = sessionFor(model);
  await send(s, CONSTRAINT);
  for (let k = 1; k <= 16 && model.summaries.length < 2; k++) await send(s, long(`question ${k}`, 1600));
  assert.equal(model.summaries.length, 2);
  const second = userText(model.summaries[1]);
  assert.match(second, /<previous-summary>\n## Goal and constraints\n> Never change[^\n]*\nSUMMARY-1\n<\/previous-summary>\n\nUpdate the previous summary/);
  assert.ok(!second.includes(`[user]\n${CONSTRAINT}`), 'turns already summarised are not sent again');
  assert.match(second, /Files modified[^\n]*\n- src\/b\.ts/, 'the file lists are cumulative');
  const next = model.main.at(-1)!;
  assert.ok(next.messages[0].text.includes('SUMMARY-2') && !JSON.stringify(next.messages).includes('SUMMARY-1'));
  assert.equal(s.state.compaction.entries.length, 2);
});

test('a failed summary request leaves everything as it was and says so; the run goes on uncompacted', async () => {
  const turns: SizedReply[] = [];
  for (let k = 1; k <= 8; k++) turns.push({ text: long(`answer ${k}`, 2400) });
  const model = sizedModel(turns, () => ({ error: 'upstream broke' }));
  const s = sessionFor(model);
  const notices: string[] = [];
  for (let k = 1; k <= 7; k++) for (const e of await send(s, long(`question ${k}`, 1600))) if (e.type === 'notice') notices.push(e.message);
  assert.ok(model.summaries.length >= 1);
  assert.ok(model.summaries.length <= model.main.length, 'at most one automatic compaction per request');
  assert.match(notices[0], /Compaction failed: The summary request failed \(bad_response\): upstream broke The conversation was left as it was\./);
  assert.equal(s.state.compaction.entries.length, 0);
  assert.equal(model.main.at(-1)!.messages.length, s.messages.length - 1, 'everything is still sent');
});

test('a compaction that frees less than 10 % turns automatic compaction off and says why', async () => {
  const turns: SizedReply[] = [];
  for (let k = 1; k <= 8; k++) turns.push({ text: long(`answer ${k}`, 2400) });
  // A summary as long as what it replaces: nothing is gained.
  const model = sizedModel(turns, req => ({ text: 'x'.repeat(JSON.stringify(req.messages).length) }));
  const s = sessionFor(model);
  const notices: string[] = [];
  for (let k = 1; k <= 8; k++) for (const e of await send(s, long(`question ${k}`, 1600))) if (e.type === 'notice') notices.push(e.message);
  assert.equal(model.summaries.length, 1, 'no second automatic attempt');
  assert.match(notices[0], /Compaction freed only -?\d+ % .* automatic compaction is off for this session\. Is the context window right \(6000 tokens/);
  assert.ok(s.state.compaction.autoOff);
});

test('"prompt is too long" from the provider: compact once and send again; no error reaches the host', async () => {
  const turns: SizedReply[] = [];
  for (let k = 1; k <= 4; k++) turns.push({ text: long(`answer ${k}`, 2400) });
  turns.push({ error: 'This model\'s maximum context length is 6000 tokens. However, your messages resulted in 7100 tokens.' }, { text: 'fits now' });
  const model = sizedModel(turns, () => ({ text: 'SUMMARY-overflow' }));
  const s = sessionFor(model);
  // No window known: automatic compaction cannot run; only the provider's refusal triggers it.
  for (let k = 1; k <= 4; k++) await send(s, long(`question ${k}`, 1600), plan({}, undefined));
  const evs = await send(s, 'and now?', plan({}, undefined));
  const c = evs.find(e => e.type === 'compaction');
  assert.ok(c?.type === 'compaction' && c.entry.trigger === 'overflow');
  assert.ok(!evs.some(e => e.type === 'stream' && e.event.type === 'error'));
  const end = evs.at(-1)!;
  assert.deepEqual(end.type === 'end' && end.outcome, { stopReason: 'stop' });
  assert.ok(model.main.at(-1)!.messages[0].text.includes('SUMMARY-overflow'));
  assert.deepEqual(s.messages.slice(-2).map(m => m.role === 'assistant' ? m.text : m.role), ['user', 'fits now'], 'the refused empty answer left the transcript');
});

test('Compact Now with instructions: recorded in the session file, restored on reload, applied to what is sent', async () => {
  const turns: SizedReply[] = [...plantedTurn, { text: long('answer', 3000) }, { text: 'after reload' }];
  const model = sizedModel(turns, () => ({ text: 'SUMMARY-manual' }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-compact-'));
  const store = new SessionStore({ dataDir: dir, workspace: dir, log: silentLogger });
  const h = store.create();
  const s = new AgentSession({ log: silentLogger, approvals: refusingApprovals('none'), mode: 'ask', stream: model.stream }, { id: h.id });
  const rec = recordEvents(h, s);
  for (const ev of await send(s, CONSTRAINT)) rec(ev);
  for (const ev of await send(s, long('question', 3000))) rec(ev);
  const before = s.messages.length;
  const it = compactNow(s, plan({ keepRecentTokens: 500 }), 'Keep the failing test name.');
  let r = await it.next();
  while (!r.done) { rec(r.value); r = await it.next(); }
  assert.ok('entry' in r.value && r.value.entry.trigger === 'manual');
  assert.match(userText(model.summaries[0]), /<instructions-from-the-user>\nKeep the failing test name\.\n<\/instructions-from-the-user>/);
  assert.equal(s.messages.length, before, 'nothing stored was removed');
  h.close();
  const o = store.open(h.id);
  assert.ok('handle' in o);
  const resumed = restoreSession(o.handle.data, s.deps);
  assert.deepEqual(resumed.state.compaction.entries, s.state.compaction.entries);
  const rec2 = recordEvents(o.handle, resumed);
  for (const ev of await send(resumed, 'go on')) rec2(ev);
  o.handle.close();
  assert.ok(model.main.at(-1)!.messages[0].text.includes('SUMMARY-manual'), 'the reloaded session sends the summary');
  fs.rmSync(dir, { recursive: true, force: true });
});
