/**
 * The one event union an agent run yields. Hosts (panel, status bar, usage log, CLI) only project these events;
 * nothing they show is recomputed outside core.
 *
 * Ordering contract of one run:
 *  - `message` for the user's message (when the run starts with one), then per step: `step_start`, `message` for
 *    the new assistant message (empty), `stream` events for that message (text, reasoning, tool-call deltas, retry,
 *    usage, done/error — a StreamEvent unchanged), `usage` once per response with the session totals,
 *    `message_end` with the final assistant message, then for each tool call `tool` state changes
 *    (pending → [awaiting_approval → approval_requested/approval_resolved] → running → `tool_output`* → done | error)
 *    and a `message` per tool result, and `step_end`;
 *  - before a request, possibly one `compaction` (and its summary request's `usage`, messageId = the entry's id);
 *  - `notice` whenever core has something to tell the person that is not an error (compaction guard rails);
 *  - while a `task` call runs (between its `running` and `done`/`error` tool events): `subagent_start`, then the
 *    child run's own events each wrapped in `subagent` (the same contract, one level down; its `usage` totals are
 *    this session's, since the child books into this ledger), then `subagent_end` with the child's own usage;
 *    children running at once interleave, told apart by `parentCallId`;
 *  - last: one `end`.
 */
import type { ErrorKind, StopReason, StreamEvent, Usage } from '../events';
import type { CostSource } from '../ledger/cost';
import type { SessionTotals } from '../ledger/session';
import type { StoredMessage } from './transcript';
import type { CompactionEntry, CompactionStrategy } from '../compaction/types';
import type { McpServerState } from '../mcp/manager';

export type ToolState = 'pending' | 'awaiting_approval' | 'running' | 'done' | 'error';

/** A tool call as hosts show it (a card in the panel, lines in the CLI). */
export interface ToolCallView {
  /** The call id the model gave; unique within its assistant message. */
  id: string;
  /** The id of the assistant message that made the call. */
  messageId: string;
  name: string;
  /** Parsed arguments (the raw text when it was not valid JSON). */
  args: unknown;
  state: ToolState;
  /** One line saying what the call does, for card titles and approvals (`edit src/a.ts (2 edits)`). */
  title: string;
  /** The result text sent to the model (done/error). */
  result?: string;
  /** Workspace-relative file the call changed, for a link on the card. */
  changedPath?: string;
}

export type ApprovalDecision = 'auto' | 'approved' | 'denied';

/** What an approval shows: exactly what will run or change, bound to these final arguments. */
export interface ApprovalRequest {
  /** The tool call id. */
  id: string;
  /** Fresh per request: an answer must carry it, so a forged or stale answer does nothing. */
  nonce: string;
  tool: string;
  args: unknown;
  /** A sentence for the person: what will run or change, and why it asks (policy, protected path, command rule). */
  summary: string;
  /** For file changes: the content before (undefined for a new file) and after, so a host can show a diff. */
  preview?: { path: string; before?: string; after: string };
  /** For commands: the exact command line. */
  command?: string;
}

export type AgentOutcome =
  | { stopReason: StopReason }
  | { stopReason: 'max_steps'; steps: number }
  | { stopReason: 'cancelled' }
  | { stopReason: 'error'; kind: ErrorKind; message: string };

export type AgentEvent =
  | { type: 'message'; message: StoredMessage }
  | { type: 'message_end'; message: StoredMessage }
  | { type: 'step_start'; step: number; modelRef: string; provider: string; model: string }
  | { type: 'stream'; messageId: string; event: StreamEvent }
  /** Once per model response: what it used (priced) and the session's totals after it (the single ledger). */
  | { type: 'usage'; messageId: string; modelRef: string; usage: Usage; costSource: CostSource; totals: SessionTotals }
  | { type: 'tool'; call: ToolCallView }
  | { type: 'tool_output'; id: string; messageId: string; chunk: string }
  | { type: 'approval_requested'; request: ApprovalRequest }
  | { type: 'approval_resolved'; id: string; tool: string; decision: ApprovalDecision; reason: string }
  | { type: 'todo'; items: Array<{ text: string; status: string }> }
  /** An MCP server changed state (starting, ready with N tools, failed with a reason, tools_changed, …); any time in a run. */
  | { type: 'mcp'; server: string; state: McpServerState; tools?: number; message?: string }
  | { type: 'step_end'; step: number }
  /** What was sent changed (the transcript did not): before/after prompt tokens, the strategy, the whole entry. */
  | { type: 'compaction'; before: number; after: number; strategy: CompactionStrategy; entry: CompactionEntry }
  | { type: 'notice'; level: 'info' | 'warning'; message: string }
  /** A `task` call started its child agent (subagents/task-tool.ts): what a host needs for a subagent card's header. */
  | { type: 'subagent_start'; parentCallId: string; agent: string; description: string; modelRef: string; tools: string[]; note?: string }
  /** One event of a child run, as its own run would yield it; never nested (depth 1). */
  | { type: 'subagent'; parentCallId: string; agent: string; event: AgentEvent }
  /** The child ended: how, and what it used by itself (already counted once in this session's totals). */
  | { type: 'subagent_end'; parentCallId: string; agent: string; modelRef: string; outcome: AgentOutcome; usage: SessionTotals; steps: number }
  | { type: 'end'; outcome: AgentOutcome; totals: SessionTotals };
