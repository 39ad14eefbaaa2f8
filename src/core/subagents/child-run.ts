/**
 * One child run of a `task` call: the same loop (runAgent) over a transcript of its own, with a subset of the
 * parent's tools at the parent's policies or stricter, the parent's approvals port and mode, and the parent's ledger
 * — so its usage counts once in the session's totals and its requests meet the session's budget. Its events go to
 * the parent's stream wrapped in `subagent`; only its final text comes back as the call's result. Never throws.
 */
import type { AgentEvent, AgentOutcome } from '../agent/events';
import { runAgent, type AgentRunInput, type RunState } from '../agent/loop';
import { withId, type StoredMessage } from '../agent/transcript';
import { emptyCompactionState } from '../compaction/types';
import { addToTotals, emptyTotals, type SessionTotals } from '../ledger/session';
import type { ResolvedProfile } from '../profiles/types';
import type { CallScope, ToolResult } from '../tools/types';
import type { AgentDef } from './agents';
import { childRunTools, childToolRules } from './narrow';

export interface ChildSpec {
  agent: AgentDef;
  /** prompts/agents/subagent.md (what every child is told) and the agent's own instructions. */
  preamble: string;
  instructions: string;
  description: string;
  prompt: string;
  /** The profile the agent names (already looked up); narrows, never widens. */
  agentProfile?: ResolvedProfile;
  /** Said at the top of the result and on `subagent_start` (an untrusted agent replaced by explore). */
  note?: string;
}

/** The last assistant text of the child's transcript: its answer. */
function finalText(messages: readonly StoredMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'assistant' && m.text.trim()) return m.text.trim();
  }
  return '';
}

function outcomeLine(name: string, o: AgentOutcome): string | undefined {
  switch (o.stopReason) {
    case 'error': return `The ${name} subagent failed (${o.kind}): ${o.message}`;
    case 'cancelled': return `The ${name} subagent was stopped before it finished.`;
    case 'max_steps': return `The ${name} subagent stopped at its step limit (${o.steps}); its answer may be incomplete.`;
    default: return undefined;
  }
}

export async function runChild(scope: CallScope, spec: ChildSpec, signal: AbortSignal): Promise<ToolResult> {
  const parent: AgentRunInput = scope.run;
  const { agent, agentProfile } = spec;
  const rules = childToolRules(parent.setup.profile, agent, agentProfile);
  const tools = parent.tools ? childRunTools(parent.tools, rules) : undefined;
  const modelRef = agent.model ?? agentProfile?.model ?? parent.setup.modelRef;
  const profile: ResolvedProfile = {
    ...parent.setup.profile,
    tools: rules.policies,
    ...(agentProfile?.maxSteps ? { maxSteps: agentProfile.maxSteps } : {}),
  };
  // Shared with the parent: the ledger (one total, one budget) and the session's grants; the compaction state is
  // the child's own, as its transcript is.
  const state: RunState = { ledger: parent.state.ledger, sessionGrants: parent.state.sessionGrants, budgetOverridden: parent.state.budgetOverridden, compaction: emptyCompactionState() };
  const messages: StoredMessage[] = [withId({ role: 'user' as const, text: spec.prompt })];
  const input: AgentRunInput = {
    ...parent,
    messages,
    setup: {
      ...parent.setup, profile, modelRef,
      // The window is known for the parent's model only; another model's child runs without automatic compaction.
      contextWindow: modelRef === parent.setup.modelRef ? parent.setup.contextWindow : undefined,
    },
    system: async () => [await parent.system(), spec.preamble, spec.instructions].filter(s => s.trim()).join('\n\n'),
    tools,
    state,
    signal,
  };
  const base = { parentCallId: scope.callId, agent: agent.name };
  scope.emit({ type: 'subagent_start', ...base, description: spec.description, modelRef, tools: tools ? [...tools.tools.keys()] : [], ...(spec.note ? { note: spec.note } : {}) });
  let usage: SessionTotals = emptyTotals();
  let outcome: AgentOutcome = { stopReason: 'error', kind: 'bad_response', message: 'the subagent ended without a result' };
  let steps = 0;
  let lastModel = modelRef;
  for await (const ev of runAgent(input)) {
    if (ev.type === 'usage') usage = addToTotals(usage, ev.usage);
    if (ev.type === 'step_start') { steps = ev.step; lastModel = ev.modelRef; }
    if (ev.type === 'end') outcome = ev.outcome;
    scope.emit({ type: 'subagent', ...base, event: ev } satisfies AgentEvent);
  }
  if (state.budgetOverridden) parent.state.budgetOverridden = true;
  scope.emit({ type: 'subagent_end', ...base, modelRef: lastModel, outcome, usage, steps });
  const text = finalText(messages);
  const problem = outcomeLine(agent.name, outcome);
  const parts = [spec.note, problem, text || (problem ? '' : `The ${agent.name} subagent gave no answer.`)].filter((s): s is string => !!s);
  return { text: parts.join('\n\n'), ...(problem && !text ? { isError: true } : {}) };
}
