/**
 * Harness overhead and loop overhead, for `npm run bench` (a report, not a timed test).
 *  - Tokens every request pays before any work: the system prompt and the tool definitions (compact JSON of
 *    {name, description, parameters}, o200k_base via gpt-tokenizer) of each built-in profile, beside the anchors'
 *    figures measured the same way.
 *  - Loop overhead: from a tool result to the next request leaving, and from a response's last event to the
 *    host seeing the finished message, over many steps of a scripted model with a trivial tool.
 */
import * as path from 'node:path';
import { encode } from 'gpt-tokenizer';
import { builtinLayer, resolveProfiles } from '../../src/core/profiles/resolve';
import { toolSet } from '../../src/core/tools/registry';
import { taskDefinition } from '../../src/core/subagents/task-tool';
import { EXPLORE } from '../../src/core/subagents/agents';
import { AgentSession, type RunPlan } from '../../src/core/agent/session';
import { settingsFromObject } from '../../src/core/config/settings';
import { refusingApprovals, silentLogger } from '../../src/core/ports';
import type { StreamFn } from '../../src/core/agent/step';
import type { Tool, ToolContext } from '../../src/core/tools/types';

const PROMPTS = path.resolve(__dirname, '../../../prompts');

const ANCHORS: Array<[string, string]> = [
  ['pi 0.58–0.73', '891–1,092'], ['Continue 1.3.40 agent', '1,816'], ['Aider 0.86 (diff)', '2,217'],
  ['Codex CLI 0.63 / 0.169', '3,270 / 11,255'], ['OpenCode 1.18', '6,430'], ['Cline 3.85', '6,877 / 11,990'],
  ['Roo Code 3.52', '7,033 / 7,590'], ['oh-my-pi 18.2', '16,896'], ['Claude Code (reported)', '~20,000'],
];

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };

export async function benchHarness(log: (line: string) => void): Promise<{ leanTotal: number }> {
  const system = encode((await import('node:fs')).readFileSync(path.join(PROMPTS, 'system.md'), 'utf8').trim()).length;
  const resolved = resolveProfiles([builtinLayer()], { trusted: true, userProviderIds: [] });
  log('harness overhead per request (o200k tokens; system prompt + built-in tool definitions, dynamic parts left out)');
  log('  profile     system   tools   total   tools offered');
  let leanTotal = 0;
  // The `task` tool (subagents) counts where a profile enables it, with the built-in explore agent listed; the row
  // `lean+task` shows what turning it on in lean would cost.
  const withTask = { ...resolved.profiles.lean, name: 'lean+task', tools: { ...resolved.profiles.lean.tools, task: 'auto' as const } };
  for (const p of [...['lean', 'reviewer', 'local'].map(n => resolved.profiles[n]), withTask]) {
    const name = p.name;
    const set = await toolSet(p, PROMPTS);
    if (Object.hasOwn(p.tools, 'task') && p.tools.task !== 'deny') set.definitions.push(await taskDefinition([EXPLORE], PROMPTS));
    const tools = set.definitions.reduce((n, d) => n + encode(JSON.stringify(d)).length, 0);
    if (name === 'lean') leanTotal = system + tools;
    log(`  ${name.padEnd(10)} ${String(system).padStart(6)} ${String(tools).padStart(7)} ${String(system + tools).padStart(7)}   ${set.definitions.map(d => d.name).join(', ')}`);
  }
  log(`  target for lean: ≤ 800 tokens → ${leanTotal <= 800 ? 'met' : 'MISSED'} (${leanTotal})`);
  log('  anchors (same measure, ANCHORS.md):');
  for (const [a, n] of ANCHORS) log(`    ${a.padEnd(26)} ${n}`);
  return { leanTotal };
}

export async function benchLoop(log: (line: string) => void, steps = 400): Promise<{ toolToRequestMs: number; lastChunkToMessageMs: number }> {
  let toolDone = 0;
  const gaps: number[] = [];
  const stream: StreamFn = async function* (req) {
    if (toolDone) gaps.push(performance.now() - toolDone);
    const n = req.messages.length;
    const more = n < steps * 2;
    if (more) {
      const id = `call_${n}`;
      yield { type: 'tool_call_start', index: 0, id, name: 'noop' };
      yield { type: 'tool_call_end', index: 0, id, name: 'noop', args: '{}' };
    } else {
      yield { type: 'text', delta: 'done' };
    }
    yield { type: 'usage', usage: { input: 10, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null } };
    lastEvent = performance.now();
    yield { type: 'done', stopReason: more ? 'tool_calls' : 'stop' };
  };
  let lastEvent = 0;
  const noop: Tool = {
    name: 'noop', prompt: 'noop', readOnly: true, parameters: { type: 'object' },
    prepare: async () => ({ title: 'noop', run: async () => { const r = { text: 'ok' }; toolDone = performance.now(); return r; } }),
  };
  const plan: RunPlan = {
    setup: {
      profile: { name: 'bench', source: 'builtin', chain: ['bench'], fallbackModels: [], systemPrompt: 'system', tools: { noop: 'auto' }, expectQuantization: [], maxSteps: steps + 10 },
      settings: settingsFromObject({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } } }),
      modelRef: 'box/m', keys: { getKey: async () => undefined }, turn: {},
    },
    system: async () => 'sys',
    tools: { tools: new Map([['noop', noop]]), definitions: [{ name: 'noop', description: 'noop', parameters: { type: 'object' } }], ctx: { trusted: true } as ToolContext, saveOutput: async () => undefined },
  };
  const session = new AgentSession({ log: silentLogger, approvals: refusingApprovals('bench'), mode: 'ask', stream });
  const toMessage: number[] = [];
  for await (const ev of session.send('go', plan, new AbortController().signal)) {
    if (ev.type === 'message_end' && lastEvent) toMessage.push(performance.now() - lastEvent);
  }
  const toolToRequestMs = median(gaps.slice(10));
  const lastChunkToMessageMs = median(toMessage.slice(10));
  log(`agent loop overhead over ${steps} steps (scripted model, no-op tool; medians)`);
  log(`  tool result → next request leaves      ${(toolToRequestMs * 1000).toFixed(0)} µs`);
  log(`  last event of a response → message_end  ${(lastChunkToMessageMs * 1000).toFixed(0)} µs`);
  log('  (the panel batches streamed text every 30 ms; the message_end is posted at once)');
  return { toolToRequestMs, lastChunkToMessageMs };
}
