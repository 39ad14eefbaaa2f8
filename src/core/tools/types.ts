/**
 * The shape of a built-in tool. A tool validates nothing itself (the runner checks the arguments against
 * `parameters` with ajv before `prepare`); `prepare` works out exactly what the call will do — the checked path,
 * the planned file content, the command verdict — so an approval shows and binds that, and `run` does only that.
 */
import type { ImagePart } from '../conversation';
import type { EditFormat } from '../profiles/types';
import type { ExecOps, Logger } from '../ports';
import type { FileSnapshots } from '../edits/snapshots';
import type { FileOps } from './file-ops';
import type { CommandRules } from './command-rules';
import type { AgentEvent } from '../agent/events';
import type { AgentRunInput } from '../agent/loop';

/** What every call of a run shares. */
export interface ToolContext {
  /** The workspace root, canonical (realpath). */
  root: string;
  files: FileOps;
  exec: ExecOps;
  snapshots: FileSnapshots;
  editFormat: EditFormat;
  /** The session's data folder (whole outputs of truncated results live here; `read` may open them). */
  dataDir: string;
  /** Outside paths the tools may use (the data folder, paths the person approved). */
  allowOutside(abs: string): boolean;
  commands: CommandRules;
  /** Whether the folder is trusted (a workspace profile's `commands.auto` counts only then). */
  trusted: boolean;
  log: Logger;
}

export interface ToolResult {
  text: string;
  isError?: boolean;
  images?: ImagePart[];
  /** Workspace-relative path the call changed. */
  changedPath?: string;
  /** A todo list the call set (the `todo` tool). */
  todo?: Array<{ text: string; status: string }>;
}

/** What the call needs beyond the tool's policy: `ask` raises it, `deny` refuses; `human` means `auto` can't waive it. */
export interface CallGate {
  decision: 'ask' | 'deny';
  reason: string;
  /** Protected paths and outside paths: only a person can approve (never `--approve auto`, never a profile). */
  human?: boolean;
}

export interface PreparedCall {
  /** One line: what the call does (`edit src/a.ts`). */
  title: string;
  gate?: CallGate;
  /** A policy decision the call itself earns (a command every part of which matches `commands.auto`). */
  autoReason?: string;
  preview?: { path: string; before?: string; after: string };
  command?: string;
  /** Does exactly what was prepared; `onOutput` streams live output (bash). Must not throw. */
  run(signal: AbortSignal, onOutput: (chunk: string) => void, scope?: CallScope): Promise<ToolResult>;
}

/**
 * The run a call is made in, for a tool that starts an agent of its own (the `task` tool, subagents/task-tool.ts):
 * what a child run inherits, and the parent's event stream to report into.
 */
export interface CallScope {
  callId: string;
  messageId: string;
  /** The parent run's input (its setup, tools, approvals, ledger): a child takes a subset, never more. */
  run: AgentRunInput;
  /** Adds an event to the parent run's stream, in order with the call's own events. */
  emit(ev: AgentEvent): void;
}

export interface Tool {
  name: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  /** The description file under prompts/tools/ (without `.md`). */
  prompt: string;
  /** Read-only tools run in parallel and are the only ones allowed in Restricted Mode. */
  readOnly: boolean;
  /**
   * The tool does nothing itself: it runs an agent whose every call is decided on its own (the `task` tool). An
   * untrusted folder's `auto` therefore holds for it, and consecutive calls of it run together (it bounds itself).
   */
  delegates?: boolean;
  /** Works out the call. An error string is a bad call the model can fix (it gets the message). */
  prepare(args: Record<string, unknown>, ctx: ToolContext): Promise<PreparedCall | { error: string }>;
}
