// The agent loop through its injectable stream function: tool calls run and their results go back, bad calls get
// errors the model can act on, approvals gate what asks, read-only calls run in parallel, the step limit and Stop end it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsFromObject } from '../../src/core/config/settings';
import { AgentSession, type RunPlan } from '../../src/core/agent/session';
import type { AgentEvent } from '../../src/core/agent/events';
import type { ApproveMode } from '../../src/core/agent/approval-policy';
import type { RunTools } from '../../src/core/agent/loop';
import { refusingApprovals, silentLogger, type ApprovalAnswer, type ApprovalPort } from '../../src/core/ports';
import type { Tool, ToolContext } from '../../src/core/tools/types';
import type { ToolPolicy } from '../../src/core/profiles/types';
import { testProfile } from './agent-support';
import { lastToolResults, scriptedModel, type Reply } from './scripted-model';

const settings = settingsFromObject({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } } });

function tool(name: string, readOnly: boolean, run: (args: Record<string, unknown>, signal: AbortSignal) => Promise<string>, parameters: Record<string, unknown> = { type: 'object' }): Tool {
  return {
    name, prompt: name, readOnly, parameters,
    prepare: async args => ({ title: `${name} ${JSON.stringify(args)}`, run: async signal => ({ text: await run(args, signal) }) }),
  };
}

function toolsOf(list: Tool[]): RunTools {
  return {
    tools: new Map(list.map(t => [t.name, t])),
    definitions: list.map(t => ({ name: t.name, description: t.name, parameters: t.parameters })),
    ctx: { trusted: true } as ToolContext,
    saveOutput: async () => undefined,
  };
}

function plan(list: Tool[], policies: Record<string, ToolPolicy>, maxSteps?: number): RunPlan {
  return {
    setup: { profile: testProfile({ tools: policies, ...(maxSteps ? { maxSteps } : {}) }), settings, modelRef: 'box/m', keys: { getKey: async () => undefined }, turn: {} },
    system: async () => 'sys',
    tools: toolsOf(list),
  };
}

async function run(replies: Reply[], p: RunPlan, opts: { approvals?: ApprovalPort; mode?: ApproveMode; signal?: AbortSignal; text?: string } = {}) {
  const model = scriptedModel(replies);
  const session = new AgentSession({ log: silentLogger, approvals: opts.approvals ?? refusingApprovals('nobody'), mode: opts.mode ?? 'ask', stream: model.stream });
  const events: AgentEvent[] = [];
  for await (const ev of session.send(opts.text ?? 'go', p, opts.signal ?? new AbortController().signal)) events.push(ev);
  return { events, model, session, end: events.at(-1) as Extract<AgentEvent, { type: 'end' }> };
}

const echo = tool('echo', true, async args => `echoed ${String(args.text)}`, { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false });

test('a tool call runs, its result goes back to the model, and the run ends when the model stops', async () => {
  const { events, model, end, session } = await run([{ calls: [{ name: 'echo', args: { text: 'hi' } }] }, { text: 'done' }], plan([echo], { echo: 'auto' }));
  assert.deepEqual(end.outcome, { stopReason: 'stop' });
  assert.equal(model.requests.length, 2);
  assert.deepEqual(lastToolResults(model.requests[1]), ['echoed hi']);
  assert.deepEqual(session.messages.map(m => m.role), ['user', 'assistant', 'tool', 'assistant']);
  const states = events.filter(e => e.type === 'tool').map(e => e.type === 'tool' && e.call.state);
  assert.deepEqual(states, ['pending', 'pending', 'running', 'done']);
  const approval = events.find(e => e.type === 'approval_resolved');
  assert.equal(approval?.type === 'approval_resolved' && approval.decision, 'auto');
  assert.equal(end.totals.input, 200, 'one ledger: both responses counted once');
  assert.equal(events.filter(e => e.type === 'usage').length, 2);
  // Every message event carries a stable id, and ids are unique.
  const ids = events.filter(e => e.type === 'message').map(e => e.type === 'message' && e.message.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('bad calls get errors the model can act on: invalid JSON, schema violations, unknown tools', async () => {
  const { model, end } = await run([
    { calls: [{ name: 'echo', args: '{"text": ' }, { name: 'echo', args: { text: 5 } }, { name: 'nope', args: {} }, { name: 'echo', args: { text: 'ok', extra: 1 } }] },
    { text: 'fine' },
  ], plan([echo], { echo: 'auto' }));
  assert.deepEqual(end.outcome, { stopReason: 'stop' });
  const results = lastToolResults(model.requests[1]);
  assert.match(results[0], /not valid JSON/);
  assert.match(results[1], /Invalid arguments for echo: args\/text must be string/);
  assert.match(results[2], /Unknown tool "nope"\. Available tools: echo/);
  assert.match(results[3], /must NOT have additional properties/);
});

test('an ask tool with nobody to ask is refused and the model is told why; deny policies are not offered at all', async () => {
  let ran = false;
  const write = tool('write', false, async () => { ran = true; return 'written'; });
  const { model, events } = await run([{ calls: [{ name: 'write', args: {} }] }, { text: 'ok' }], plan([write], { write: 'ask' }), { mode: 'deny' });
  assert.equal(ran, false);
  assert.match(lastToolResults(model.requests[1])[0], /^Not run: the profile asks before write, and nobody can approve it here/);
  const a = events.find(e => e.type === 'approval_resolved');
  assert.equal(a?.type === 'approval_resolved' && a.decision, 'denied');
});

test('an approval is asked with a nonce, and the answer decides; "for this session" stops further questions', async () => {
  const asked: string[] = [];
  const answers: ApprovalAnswer[] = [{ decision: 'denied', reason: 'not now' }, { decision: 'approved', forSession: true }];
  const approvals: ApprovalPort = { ...refusingApprovals('x'), canAsk: true, ask: async r => { asked.push(r.nonce); return answers.shift()!; } };
  let runs = 0;
  const bash = tool('bash', false, async () => `ran ${++runs}`);
  const { model } = await run([
    { calls: [{ name: 'bash', args: { command: 'a' } }] },
    { calls: [{ name: 'bash', args: { command: 'b' } }] },
    { calls: [{ name: 'bash', args: { command: 'c' } }] },
    { text: 'end' },
  ], plan([bash], { bash: 'ask' }), { approvals });
  assert.equal(asked.length, 2, 'the third call runs on the session grant');
  assert.ok(asked.every(n => /^[0-9a-f]{32}$/.test(n)) && asked[0] !== asked[1]);
  assert.match(lastToolResults(model.requests[1])[0], /Not run: not now/);
  assert.deepEqual(lastToolResults(model.requests[2]), ['ran 1']);
  assert.deepEqual(lastToolResults(model.requests[3]), ['ran 2']);
});

test('read-only calls run in parallel (each waits for the other to start); the others run one at a time in order', async () => {
  let started = 0;
  let release!: () => void;
  const both = new Promise<void>(r => { release = r; });
  const slow = tool('peek', true, async args => {
    if (++started === 2) release();
    await Promise.race([both, new Promise((_, rej) => setTimeout(() => rej(new Error('the calls did not run in parallel')), 5000))]);
    return `peeked ${String(args.n)}`;
  });
  const order: string[] = [];
  const change = tool('change', false, async args => { order.push(`start ${String(args.n)}`); await new Promise(r => setTimeout(r, 20)); order.push(`end ${String(args.n)}`); return 'ok'; });
  const { model } = await run([
    { calls: [{ name: 'peek', args: { n: 1 } }, { name: 'peek', args: { n: 2 } }, { name: 'change', args: { n: 1 } }, { name: 'change', args: { n: 2 } }] },
    { text: 'ok' },
  ], plan([slow, change], { peek: 'auto', change: 'auto' }));
  assert.deepEqual(lastToolResults(model.requests[1]).slice(0, 2), ['peeked 1', 'peeked 2']);
  assert.deepEqual(order, ['start 1', 'end 1', 'start 2', 'end 2']);
});

test('the step limit ends the run with max_steps; Continue goes on from there', async () => {
  const replies: Reply[] = Array.from({ length: 10 }, () => ({ calls: [{ name: 'echo', args: { text: 'again' } }] }));
  const model = scriptedModel([...replies.slice(0, 3), { text: 'finally' }]);
  const session = new AgentSession({ log: silentLogger, approvals: refusingApprovals('x'), mode: 'ask', stream: model.stream });
  const p = plan([echo], { echo: 'auto' }, 3);
  let end: AgentEvent | undefined;
  for await (const ev of session.send('loop', p, new AbortController().signal)) end = ev;
  assert.deepEqual(end?.type === 'end' && end.outcome, { stopReason: 'max_steps', steps: 3 });
  assert.equal(model.requests.length, 3);
  for await (const ev of session.continue(p, new AbortController().signal)) end = ev;
  assert.deepEqual(end?.type === 'end' && end.outcome, { stopReason: 'stop' });
  assert.equal(model.requests.length, 4);
  assert.equal(model.requests[3].messages.at(-1)?.role, 'tool', 'the request after Continue is well formed');
});

test('Stop during a running tool cancels it, the result says so, and the next request is well formed', async () => {
  const controller = new AbortController();
  const wait = tool('wait', false, (_args, signal) => new Promise(resolve => {
    signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
    setTimeout(() => controller.abort(), 10);
  }));
  const r = await run([{ calls: [{ name: 'wait', args: {} }, { name: 'wait', args: {} }] }], plan([wait], { wait: 'auto' }), { signal: controller.signal });
  assert.deepEqual(r.end.outcome, { stopReason: 'cancelled' });
  const results = r.session.messages.filter(m => m.role === 'tool').map(m => m.role === 'tool' && m.text);
  assert.deepEqual(results, ['interrupted', 'Cancelled: the person stopped the run before this call finished.']);
  const next = scriptedModel([{ text: 'after' }]);
  const s2 = r.session;
  (s2 as unknown as { deps: { stream: unknown } }).deps.stream = next.stream;
  for await (const ev of s2.send('again', plan([wait], { wait: 'auto' }), new AbortController().signal)) void ev;
  assert.deepEqual(next.requests[0].messages.map(m => m.role), ['user', 'assistant', 'tool', 'tool', 'user']);
});

test('a model error ends the run with the error; the transcript keeps the user message', async () => {
  const { end, session } = await run([{ error: { type: 'error', kind: 'server', message: 'boom' } }], plan([echo], { echo: 'auto' }));
  assert.deepEqual(end.outcome, { stopReason: 'error', kind: 'server', message: 'boom' });
  assert.equal(session.messages[0].role, 'user');
});

test('the budget: a spent session budget stops the run before a request; the approvals port decides whether to go on', async () => {
  for (const goOn of [false, true]) {
    const asked: string[] = [];
    const approvals: ApprovalPort = { ...refusingApprovals('x'), confirmBudget: async m => { asked.push(m); return goOn; } };
    const model = scriptedModel([{ text: 'first' }, { text: 'second' }]);
    const session = new AgentSession({ log: silentLogger, approvals, mode: 'ask', stream: model.stream });
    const p: RunPlan = { ...plan([], {}), setup: { ...plan([], {}).setup, profile: testProfile({ name: 'capped', budget: { sessionTokens: 50 } }) } };
    for await (const ev of session.send('one', p, new AbortController().signal)) void ev;
    let end: AgentEvent | undefined;
    for await (const ev of session.send('two', p, new AbortController().signal)) end = ev;
    assert.equal(asked.length, 1);
    assert.match(asked[0], /budget of profile "capped"/);
    if (goOn) {
      assert.deepEqual(end?.type === 'end' && end.outcome, { stopReason: 'stop' });
      assert.equal(model.requests.length, 2);
    } else {
      assert.equal(end?.type === 'end' && end.outcome.stopReason, 'error');
      assert.equal(model.requests.length, 1, 'no request once the budget is used up');
    }
  }
});

test('wire level: a server that refuses tools gets a message with the fix; a tool call cut off mid-stream never runs', async () => {
  const { startOpenAIServer } = await import('../fixtures/openai-server');
  const http = await import('node:http');
  const refusing = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'registry.ollama.ai/library/gemma:2b does not support tools', type: 'invalid_request_error' } }));
    });
  });
  await new Promise<void>(r => refusing.listen(0, '127.0.0.1', r));
  const port = (refusing.address() as { port: number }).port;
  const fake = await startOpenAIServer({ chunkDelayMs: 0 });
  try {
    const wire = settingsFromObject({ 'tack.providers': {
      old: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` },
      local: { type: 'openai-compatible', baseUrl: fake.baseUrl },
    } });
    let ran = 0;
    const readFile = tool('read_file', true, async () => { ran++; return 'content'; });
    const wirePlan = (modelRef: string): RunPlan => ({ ...plan([readFile], { read_file: 'auto' }), setup: { ...plan([readFile], { read_file: 'auto' }).setup, settings: wire, modelRef } });
    const s1 = new AgentSession({ log: silentLogger, approvals: refusingApprovals('x'), mode: 'ask' });
    let end: AgentEvent | undefined;
    for await (const ev of s1.send('hi', wirePlan('old/gemma:2b'), new AbortController().signal)) end = ev;
    assert.equal(end?.type === 'end' && end.outcome.stopReason, 'error');
    assert.match(end?.type === 'end' && end.outcome.stopReason === 'error' ? end.outcome.message : '', /does not support tools .*"tools": \{\} to chat without them/);
    const s2 = new AgentSession({ log: silentLogger, approvals: refusingApprovals('x'), mode: 'ask' });
    for await (const ev of s2.send('read', wirePlan('local/cut-tool'), new AbortController().signal)) end = ev;
    assert.equal(ran, 0, 'the half-written call did not run');
    assert.equal(end?.type === 'end' && end.outcome.stopReason, 'error');
    assert.equal(s2.messages.filter(m => m.role === 'tool').length, 0);
  } finally {
    refusing.close();
    await fake.close();
  }
});
