/**
 * The agent loop, as one plain function: send → stream → run the tool calls → send the results → repeat, until the
 * model stops, the step limit, Stop (the AbortSignal) or the budget. It owns the session's single ledger and yields
 * one AgentEvent union (agent/events.ts); hosts only project those events. Never throws.
 */
import type { AssistantMessage } from '../conversation';
import type { StopReason, StreamEvent } from '../events';
import type { TackSettings } from '../config/settings';
import type { SessionLedger } from '../ledger/session';
import { checkBudget, budgetStopError } from '../profiles/policy';
import { totalTokens } from '../ledger/session';
import type { ResolvedProfile } from '../profiles/types';
import type { ApprovalPort, KeySource, Logger } from '../ports';
import type { FetchFn } from '../net/timed-fetch';
import { streamResponse } from '../providers/stream';
import type { ToolDefinition } from '../providers/request';
import type { Tool, ToolContext } from '../tools/types';
import { Channel } from './channel';
import type { AgentEvent, AgentOutcome } from './events';
import { runStep, type RequestHook, type StreamFn } from './step';
import { runToolCalls, type RunnerEnv } from './tool-runner';
import { forRequest, withId, type StoredMessage } from './transcript';
import type { TurnOptions } from './turn-options';
import type { ApproveMode } from './approval-policy';
import type { CompactionState } from '../compaction/types';
import type { CompactContext } from '../compaction/compact';
import { compactBeforeRequest, compactOnOverflow } from '../compaction/hook';
import { isContextOverflow } from '../compaction/overflow';

export const DEFAULT_MAX_STEPS = 50;

/** How servers say a model takes no tools (Ollama, vLLM without a tool parser, llama.cpp without --jinja, …). */
const NO_TOOL_SUPPORT = /(does not|doesn't|do not|not) support(s|ed)? (tools|tool use|tool calls|tool calling|function calling|functions)|tools? (is|are) not supported|"?auto"? tool choice requires|tool[_ ]choice.{0,40}not supported|unrecognized.{0,40}\btools\b/i;
export const NO_TOOLS_HINT = 'This model or server does not take tools: pick a model that does (Switch Model), or use a profile with "tools": {} to chat without them.';

/** What a run needs from the profile and the host, resolved once per run (agent/turn-setup.ts). */
export interface RunSetup {
  profile: ResolvedProfile;
  settings: TackSettings;
  modelRef: string;
  keys: KeySource;
  turn: TurnOptions;
  /**
   * The real context window in tokens (the num_ctx sent to Ollama, vLLM's max_model_len, the catalog's window);
   * automatic compaction needs it and stays off without it.
   */
  contextWindow?: number;
}

/** The tools of a run; absent or empty: chat only. */
export interface RunTools {
  /** Read at each step: MCP servers and tool_search can change what is offered during a run. */
  tools: ReadonlyMap<string, Tool>;
  definitions: readonly ToolDefinition[];
  ctx: ToolContext;
  saveOutput(callId: string, text: string): Promise<string | undefined>;
  /** MCP start-up and state changes (agent/harness-tools.ts); absent without MCP servers. */
  harness?: { prepare(): AsyncGenerator<AgentEvent>; pending(): AgentEvent[]; release(): void };
}

/** Per-session state the loop reads and updates (held by AgentSession). */
export interface RunState {
  ledger: SessionLedger;
  sessionGrants: Set<string>;
  budgetOverridden: boolean;
  /** What compaction did so far: it shapes what is sent (forRequest), never the transcript. */
  compaction: CompactionState;
}

export interface AgentRunInput {
  /** The session's transcript; the loop appends to it as the run goes. */
  messages: StoredMessage[];
  setup: RunSetup;
  /** Read once per run (prompt files are read at run time). Throws with a message a person can act on. */
  system: () => Promise<string>;
  tools?: RunTools;
  /** `prompts/compaction.md`, for the summary stage of compaction. */
  compactionPrompt?: () => Promise<string>;
  approvals: ApprovalPort;
  mode: ApproveMode;
  log: Logger;
  state: RunState;
  signal: AbortSignal;
  /** Replaces the provider layer (tests). */
  stream?: StreamFn;
  fetch?: FetchFn;
  /** Sees each request before it leaves (request inspector, `--show-requests`). */
  request?: RequestHook;
}

export async function* runAgent(i: AgentRunInput): AsyncGenerator<AgentEvent> {
  const { setup, state } = i;
  const end = (outcome: AgentOutcome): AgentEvent => ({ type: 'end', outcome, totals: state.ledger.totals });
  let system: string;
  try {
    system = await i.system();
  } catch (err) {
    yield end({ stopReason: 'error', kind: 'config', message: `The system prompt could not be read: ${(err as Error).message}` });
    return;
  }
  // The key-origin question goes through the one approvals port.
  const keys: KeySource = { getKey: id => setup.keys.getKey(id), confirmOrigin: (id, origin, prev) => i.approvals.confirmKeyOrigin(id, origin, prev) };
  const turn: TurnOptions = {
    ...setup.turn,
    check: (target, totals) => setup.turn.check?.(target, totals)
      ?? (state.budgetOverridden ? undefined : budgetStopError(checkBudget({ costUsd: totals.costUsd, tokens: totalTokens(totals) }, setup.profile))),
  };
  // MCP servers start when a run first needs tools; their state changes are events of the run.
  if (i.tools?.harness) {
    try {
      for await (const ev of i.tools.harness.prepare()) yield ev;
      yield* runSteps(i, system, turn, keys, end);
    } finally {
      i.tools.harness.release();
    }
    return;
  }
  yield* runSteps(i, system, turn, keys, end);
}

async function* runSteps(i: AgentRunInput, system: string, turn: TurnOptions, keys: KeySource, end: (o: AgentOutcome) => AgentEvent): AsyncGenerator<AgentEvent> {
  const { setup, state } = i;
  const maxSteps = setup.profile.maxSteps ?? DEFAULT_MAX_STEPS;
  // Compaction (compaction/hook.ts) runs before a request and once after a "prompt too long"; it changes what is
  // sent (forRequest reads state.compaction), never the transcript.
  const compaction: CompactContext = {
    messages: i.messages, setup, state, keys, turn, log: i.log, signal: i.signal, stream: i.stream ?? streamResponse, fetch: i.fetch,
    prompt: i.compactionPrompt, contextWindow: setup.contextWindow,
  };
  let overflowRetried = false;
  for (let step = 1; ; step++) {
    // Read per step (tool_search activations, servers that became ready or failed).
    for (const ev of i.tools?.harness?.pending() ?? []) yield ev;
    const definitions = i.tools?.definitions.length ? i.tools.definitions : undefined;
    if (i.signal.aborted) {
      // Stopped before the first request: the turn still records its answer as cancelled.
      if (step === 1) {
        const stopped = withId<AssistantMessage>({ role: 'assistant', text: '', model: setup.modelRef, interrupted: { kind: 'cancelled', message: 'Stopped.' } });
        i.messages.push(stopped);
        yield { type: 'message', message: stopped };
        yield { type: 'message_end', message: stopped };
      }
      yield end({ stopReason: 'cancelled' });
      return;
    }
    if (step > maxSteps) { yield end({ stopReason: 'max_steps', steps: maxSteps }); return; }
    yield* compactBeforeRequest(compaction);
    const request = forRequest(i.messages, state.compaction);
    const answer = withId<AssistantMessage>({ role: 'assistant', text: '', model: setup.modelRef });
    i.messages.push(answer);
    yield { type: 'message', message: answer };
    let started = false;
    const startEvent = (): AgentEvent => {
      const slash = answer.model.indexOf('/');
      return { type: 'step_start', step, modelRef: answer.model, provider: answer.model.slice(0, slash), model: answer.model.slice(slash + 1) };
    };
    let stop: StopReason | undefined;
    let budgetStop = false;
    let overflow: Extract<StreamEvent, { type: 'error' }> | undefined;
    for await (const ev of runStep({
      settings: setup.settings, modelRef: setup.modelRef, turn, keys, log: i.log, system, messages: request, tools: definitions,
      totals: state.ledger.totals, signal: i.signal, stream: i.stream ?? streamResponse, fetch: i.fetch, step, request: i.request,
    }, answer)) {
      if (!started) { started = true; yield startEvent(); }
      if (ev.type === 'usage') {
        const slash = answer.model.indexOf('/');
        state.ledger.add(answer.model.slice(0, slash), answer.model.slice(slash + 1), ev.usage);
        yield { type: 'stream', messageId: answer.id, event: ev };
        yield { type: 'usage', messageId: answer.id, modelRef: answer.model, usage: ev.usage, costSource: ev.costSource ?? (ev.usage.costUsd === null ? 'unknown' : 'provider'), totals: state.ledger.totals };
        continue;
      }
      if (ev.type === 'error' && definitions && NO_TOOL_SUPPORT.test(ev.message)) {
        // The server refused the tools themselves: say how to go on, on the event and on the kept answer.
        const message = `${ev.message} ${NO_TOOLS_HINT}`;
        answer.interrupted = { kind: ev.kind, message };
        yield { type: 'stream', messageId: answer.id, event: { ...ev, message } };
        continue;
      }
      // "Prompt too long": held back while one compaction and a second attempt may still fix it.
      if (ev.type === 'error' && !overflowRetried && isContextOverflow(ev.message)) { overflow = ev; continue; }
      if (ev.type === 'done') stop = ev.stopReason;
      if (ev.type === 'error' && ev.kind === 'policy' && !state.budgetOverridden && checkBudget({ costUsd: state.ledger.totals.costUsd, tokens: totalTokens(state.ledger.totals) }, setup.profile).level === 'stop') budgetStop = true;
      yield { type: 'stream', messageId: answer.id, event: ev };
    }
    if (!started) yield startEvent();
    if (overflow) {
      overflowRetried = true;
      if (!i.signal.aborted && (yield* compactOnOverflow(compaction))) {
        // The refused request is sent again, compacted; its empty answer leaves the transcript (as after a budget override).
        delete answer.interrupted;
        yield { type: 'message_end', message: answer };
        i.messages.splice(i.messages.indexOf(answer), 1);
        yield { type: 'step_end', step };
        step--;
        continue;
      }
      yield { type: 'stream', messageId: answer.id, event: overflow };
    }
    yield { type: 'message_end', message: answer };

    if (budgetStop && !i.signal.aborted && await i.approvals.confirmBudget(answer.interrupted?.message ?? 'The budget is used up.')) {
      state.budgetOverridden = true;
      // The stopped request is sent again; its empty answer leaves the transcript.
      i.messages.splice(i.messages.indexOf(answer), 1);
      yield { type: 'step_end', step };
      step--;
      continue;
    }
    const failed = answer.interrupted;
    const calls = answer.toolCalls ?? [];
    if (calls.length && i.tools && !i.signal.aborted) {
      const chan = new Channel<AgentEvent>();
      const env: RunnerEnv = {
        tools: i.tools.tools, ctx: i.tools.ctx, policies: setup.profile.tools, mode: i.mode, approvals: i.approvals,
        sessionGrants: state.sessionGrants, saveOutput: i.tools.saveOutput, signal: i.signal, emit: ev => chan.push(ev),
        run: i, // the task tool's child run inherits from this one (subagents/)
      };
      const work = runToolCalls(calls, answer.id, env).finally(() => chan.close());
      for await (const ev of chan) yield ev;
      for (const r of await work) {
        const msg = withId(r);
        i.messages.push(msg);
        yield { type: 'message', message: msg };
      }
    }
    yield { type: 'step_end', step };
    if (i.signal.aborted) { yield end({ stopReason: 'cancelled' }); return; }
    if (failed) { yield end({ stopReason: 'error', kind: failed.kind, message: failed.message }); return; }
    if (!calls.length || !i.tools) { yield end({ stopReason: stop ?? 'unknown' }); return; }
  }
}
