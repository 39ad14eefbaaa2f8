/**
 * Runs the tool calls of one assistant message: arguments parsed and validated against the tool's JSON Schema (ajv)
 * before anything happens, the call prepared (path checked, edit planned, command judged), the approval decided
 * and — when needed — asked, bound to exactly the prepared call, then run; output truncated in one place.
 * Consecutive read-only calls run in parallel; the others one at a time, in order. Never throws: every failure is
 * a tool result the model can act on.
 */
import { randomBytes } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import type { ToolCall, ToolResultMessage } from '../conversation';
import type { ToolPolicy } from '../profiles/types';
import type { ApprovalPort } from '../ports';
import type { Tool, ToolContext, ToolResult } from '../tools/types';
import { TOOL_OUTPUT_LIMITS, truncateForModel } from '../tools/truncate';
import { decide, policyFor, type ApproveMode } from './approval-policy';
import type { AgentEvent, ToolCallView } from './events';
import type { AgentRunInput } from './loop';

export interface RunnerEnv {
  tools: ReadonlyMap<string, Tool>;
  ctx: ToolContext;
  policies: Readonly<Record<string, ToolPolicy>>;
  mode: ApproveMode;
  approvals: ApprovalPort;
  /** Tools the person allowed for this session (mutated when they choose "allow for this session"). */
  sessionGrants: Set<string>;
  /** Saves a whole output that was truncated; returns the path to name, or undefined when it could not. */
  saveOutput(callId: string, text: string): Promise<string | undefined>;
  signal: AbortSignal;
  emit(ev: AgentEvent): void;
  /** The run the calls are made in; a delegating tool (`task`) starts its child from it. */
  run?: AgentRunInput;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new WeakMap<Tool, ValidateFunction>();

function validatorFor(tool: Tool): ValidateFunction {
  let v = validators.get(tool);
  if (!v) { v = ajv.compile(tool.parameters); validators.set(tool, v); }
  return v;
}

export const CANCELLED_RESULT = 'Cancelled: the person stopped the run before this call finished.';

function parseArgs(raw: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  let v: unknown;
  try {
    v = JSON.parse(raw || '{}');
  } catch (err) {
    return { ok: false, message: `The arguments are not valid JSON (${(err as Error).message}). Send one JSON object.` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: 'The arguments must be one JSON object.' };
  return { ok: true, value: v as Record<string, unknown> };
}

export async function runToolCalls(calls: readonly ToolCall[], messageId: string, env: RunnerEnv): Promise<ToolResultMessage[]> {
  const results: ToolResultMessage[] = [];
  // Consecutive calls of one group run together: read-only ones, or one delegating tool's (each task bounds itself).
  const group = (c: ToolCall) => { const t = env.tools.get(c.name); return t?.readOnly ? 'read-only' : t?.delegates ? `delegates:${t.name}` : undefined; };
  for (let i = 0; i < calls.length;) {
    const g = group(calls[i]);
    if (g) {
      let j = i;
      while (j < calls.length && group(calls[j]) === g) j++;
      results.push(...await Promise.all(calls.slice(i, j).map(c => runOne(c, messageId, env))));
      i = j;
    } else {
      results.push(await runOne(calls[i], messageId, env));
      i++;
    }
  }
  return results;
}

async function runOne(call: ToolCall, messageId: string, env: RunnerEnv): Promise<ToolResultMessage> {
  const parsed = parseArgs(call.args);
  const view: ToolCallView = { id: call.id, messageId, name: call.name, args: parsed.ok ? parsed.value : call.args, state: 'pending', title: call.name };
  const show = (patch: Partial<ToolCallView>) => { Object.assign(view, patch); env.emit({ type: 'tool', call: { ...view } }); };
  const finish = (r: ToolResult): ToolResultMessage => {
    show({ state: r.isError ? 'error' : 'done', result: r.text, ...(r.changedPath ? { changedPath: r.changedPath } : {}) });
    if (r.todo) env.emit({ type: 'todo', items: r.todo });
    return { role: 'tool', toolCallId: call.id, name: call.name, text: r.text, ...(r.images ? { images: r.images } : {}), ...(r.isError ? { isError: true } : {}) };
  };
  const bad = (text: string) => finish({ text, isError: true });
  show({});

  if (env.signal.aborted) return bad(CANCELLED_RESULT);
  const tool = env.tools.get(call.name);
  if (!tool) return bad(`Unknown tool "${call.name}". Available tools: ${[...env.tools.keys()].join(', ')}.`);
  if (!parsed.ok) return bad(parsed.message);
  const validate = validatorFor(tool);
  if (!validate(parsed.value)) {
    return bad(`Invalid arguments for ${tool.name}: ${ajv.errorsText(validate.errors, { dataVar: 'args' })}. Fix them and call again.`);
  }
  let prepared;
  try {
    prepared = await tool.prepare(parsed.value, env.ctx);
  } catch (err) {
    return bad(`${tool.name} failed: ${(err as Error).message}`);
  }
  if ('error' in prepared) return bad(prepared.error);
  show({ title: prepared.title });

  const verdict = decide({
    // A delegating tool changes nothing itself (its child's calls are each decided), so it counts as read-only here.
    tool: tool.name, readOnly: tool.readOnly || tool.delegates === true, policy: policyFor(env.policies, tool.name), gate: prepared.gate,
    autoReason: prepared.autoReason, mode: env.mode, canAsk: env.approvals.canAsk, trusted: env.ctx.trusted,
    sessionGrant: env.sessionGrants.has(tool.name),
  });
  if (verdict.action === 'refuse') {
    env.emit({ type: 'approval_resolved', id: call.id, tool: tool.name, decision: 'denied', reason: verdict.reason });
    return bad(`Not run: ${verdict.reason}.`);
  }
  if (verdict.action === 'ask') {
    show({ state: 'awaiting_approval' });
    const request = {
      id: call.id, nonce: randomBytes(16).toString('hex'), tool: tool.name, args: parsed.value,
      summary: `${prepared.title} — ${verdict.reason}.`,
      ...(prepared.preview ? { preview: prepared.preview } : {}), ...(prepared.command ? { command: prepared.command } : {}),
    };
    env.emit({ type: 'approval_requested', request });
    const answer = await env.approvals.ask(request, env.signal).catch(err => ({ decision: 'denied' as const, reason: `the approval failed: ${(err as Error).message}`, forSession: false }));
    if (env.signal.aborted) {
      env.emit({ type: 'approval_resolved', id: call.id, tool: tool.name, decision: 'denied', reason: 'the run was stopped' });
      return bad(CANCELLED_RESULT);
    }
    if (answer.decision !== 'approved') {
      const reason = answer.reason || 'the person rejected it';
      env.emit({ type: 'approval_resolved', id: call.id, tool: tool.name, decision: 'denied', reason });
      return bad(`Not run: ${reason}.`);
    }
    if (answer.forSession && !prepared.gate?.human) env.sessionGrants.add(tool.name);
    env.emit({ type: 'approval_resolved', id: call.id, tool: tool.name, decision: 'approved', reason: answer.forSession ? 'approved for this session' : 'approved' });
  } else {
    env.emit({ type: 'approval_resolved', id: call.id, tool: tool.name, decision: verdict.decision, reason: verdict.reason });
  }

  show({ state: 'running' });
  let result: ToolResult;
  try {
    const scope = env.run ? { callId: call.id, messageId, run: env.run, emit: env.emit } : undefined;
    result = await prepared.run(env.signal, chunk => env.emit({ type: 'tool_output', id: call.id, messageId, chunk }), scope);
  } catch (err) {
    result = { text: `${tool.name} failed: ${(err as Error).message}`, isError: true };
  }
  const cut = await truncateForModel(result.text, TOOL_OUTPUT_LIMITS, whole => env.saveOutput(call.id, whole));
  return finish({ ...result, text: cut.text });
}
