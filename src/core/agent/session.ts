/**
 * One conversation of the agent, shared by the panel and the CLI: its transcript (messages with stable ids), its
 * single ledger, the tools the person allowed for the session, and the runs over it. The transcript survives every
 * failure: a failed run keeps the user's message and whatever arrived, marked with the error.
 */
import { FileSnapshots } from '../edits/snapshots';
import { SessionLedger } from '../ledger/session';
import type { ApprovalPort, Logger } from '../ports';
import type { FetchFn } from '../net/timed-fetch';
import type { ApproveMode } from './approval-policy';
import { newSessionHarness, type SessionHarness } from './harness-tools';
import type { AgentEvent } from './events';
import { runAgent, type RunSetup, type RunState, type RunTools } from './loop';
import type { RequestHook, StreamFn } from './step';
import { newId, withId, type StoredMessage } from './transcript';
import { emptyCompactionState } from '../compaction/types';

export interface AgentSessionDeps {
  log: Logger;
  approvals: ApprovalPort;
  mode: ApproveMode;
  stream?: StreamFn;
  fetch?: FetchFn;
  request?: RequestHook;
}

/** A plan, or the promise of one (resolved when the run starts). */
export type PlanSource = RunPlan | Promise<RunPlan>;

/** Everything one run needs besides the transcript: resolved once when it starts. */
export interface RunPlan {
  setup: RunSetup;
  system: () => Promise<string>;
  tools?: RunTools;
  /** `prompts/compaction.md`, read when a compaction needs it (compactionPromptFrom); absent: prune only. */
  compactionPrompt?: () => Promise<string>;
}

/** A session resumed from the store (sessions/restore.ts): its id and transcript. */
export interface AgentSessionInit {
  id?: string;
  messages?: readonly StoredMessage[];
}

export class AgentSession {
  readonly id: string;
  readonly messages: StoredMessage[] = [];
  readonly state: RunState = { ledger: new SessionLedger(), sessionGrants: new Set(), budgetOverridden: false, compaction: emptyCompactionState() };
  /** What the model was shown of each file (hashline tags), for this session's edits. */
  snapshots = new FileSnapshots();
  /** MCP tools activated by tool_search and nested AGENTS.md already joined: kept across runs (runTools takes it). */
  harness: SessionHarness = newSessionHarness();

  constructor(readonly deps: AgentSessionDeps, init: AgentSessionInit = {}) {
    this.id = init.id ?? newId();
    if (init.messages) this.messages.push(...init.messages);
  }

  get totals() {
    return this.state.ledger.totals;
  }

  /**
   * Appends the user's message at once (before any event is read, so a host shows it right away) and runs the agent
   * until it stops. `plan` may be a promise: the host's setup (reading prompt files, tools) then overlaps the start.
   */
  send(text: string, plan: PlanSource, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const user = withId({ role: 'user' as const, text });
    this.messages.push(user);
    return this.sendRun(user, plan, signal);
  }

  private async *sendRun(user: StoredMessage, plan: PlanSource, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    yield { type: 'message', message: user };
    yield* this.run(plan, signal);
  }

  /** Goes on from where the run stopped (after the step limit, a Stop, or an error). */
  continue(plan: PlanSource, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    return this.run(plan, signal);
  }

  canRetry(): boolean {
    return this.lastUserIndex() >= 0;
  }

  /** Runs the last user message again, dropping everything after it. */
  retry(plan: PlanSource, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    this.messages.splice(this.lastUserIndex() + 1);
    return this.run(plan, signal);
  }

  /** A new conversation: transcript, ledger and session grants start over. */
  clear(): void {
    this.messages.length = 0;
    this.state.ledger.reset();
    this.state.sessionGrants.clear();
    this.state.budgetOverridden = false;
    this.state.compaction = emptyCompactionState();
    this.snapshots = new FileSnapshots();
    this.harness = newSessionHarness();
  }

  private lastUserIndex(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].role === 'user') return i;
    return -1;
  }

  private async *run(source: PlanSource, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    let plan: RunPlan;
    try {
      plan = await source;
    } catch (err) {
      yield { type: 'end', outcome: { stopReason: 'error', kind: 'config', message: `The run could not be prepared: ${(err as Error).message}` }, totals: this.totals };
      return;
    }
    yield* runAgent({
      messages: this.messages, setup: plan.setup, system: plan.system, tools: plan.tools, compactionPrompt: plan.compactionPrompt, approvals: this.deps.approvals,
      mode: this.deps.mode, log: this.deps.log, state: this.state, signal, stream: this.deps.stream, fetch: this.deps.fetch, request: this.deps.request,
    });
  }
}
