/**
 * What core needs from its host (the VS Code extension or the CLI). Kept small so core runs and is tested
 * without VS Code; each host supplies its own implementation. Core asks for these once per run, never calls back
 * into the host for state.
 */
import type { ApprovalRequest } from './agent/events';
import type { StoredKey } from './providers/keys';
import type { McpServerView } from './mcp/trust';

/** Where API keys come from: SecretStorage in VS Code, the environment in the CLI. Never settings. */
export interface KeySource {
  /** The key stored for a provider id with the origin it belongs to, or undefined when none is set. Must not throw. */
  getKey(providerId: string): Promise<StoredKey | undefined>;
  /**
   * Asks the person whether the key stored for `providerId` may go to `origin` (the provider's baseUrl changed
   * since the key was stored). Resolves true to send it (the host then remembers the new origin). Hosts that
   * cannot ask leave it out, or answer `{ refused }` with the reason and what the person can do instead: the key is
   * then not sent. Must not throw.
   */
  confirmOrigin?(providerId: string, origin: string, previous: string | undefined): Promise<boolean | { refused: string }>;
}

/** Diagnostics for people (the output channel, stderr). Must never receive a key. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A key source for hosts without keys (tests, local-only use). */
export const noKeys: KeySource = { getKey: async () => undefined };

/** The person's answer to an approval. `forSession`: allow this tool without asking for the rest of the session. */
export interface ApprovalAnswer {
  decision: 'approved' | 'denied';
  reason?: string;
  forSession?: boolean;
}

/**
 * Everything that needs a person's yes: tool calls, a key going to a new origin, going on past the budget. One port,
 * so a host that cannot ask (CLI without a TTY, no panel) says no everywhere at once. Must not throw.
 */
export interface ApprovalPort {
  /** False when nobody can be asked: `ask` tools are then refused (and protected paths always). */
  readonly canAsk: boolean;
  /** Resolves when the person answered, or `denied` when the signal aborts. */
  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
  /** May the key stored for `providerId` go to `origin`? `{ refused }` says why not and what to do instead. */
  confirmKeyOrigin(providerId: string, origin: string, previous: string | undefined): Promise<boolean | { refused: string }>;
  /** The profile's budget stopped the run: go on anyway for this session? */
  confirmBudget(message: string): Promise<boolean>;
}

/** Nobody to ask: every question is answered no, with the reason given. */
export function refusingApprovals(reason: string): ApprovalPort {
  return {
    canAsk: false,
    ask: async () => ({ decision: 'denied', reason }),
    confirmKeyOrigin: async () => false,
    confirmBudget: async () => false,
  };
}

/**
 * Approving a workspace MCP server's definition before it starts. The editor shows a modal with the whole
 * definition (env keys and header names only) and, when `previous` is given, what changed since it was last
 * approved; never a chat message the model could imitate. Resolves true to start it. Must not throw.
 */
export interface ServerApprovalPort {
  approveServer(def: McpServerView, previous?: McpServerView): Promise<boolean>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A child process's end. `output` is everything it printed (stdout and stderr interleaved as they came). */
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  output: string;
  timedOut: boolean;
  cancelled: boolean;
}

export interface ExecRequest {
  /** A shell command line, run by `bash -c` (or the host's shell) in `cwd`. */
  command: string;
  cwd: string;
  timeoutMs: number;
  /** Aborting kills the whole process group; the promise still resolves (cancelled: true). */
  signal: AbortSignal;
  /** Output as it arrives, for live display. Must not throw. */
  onOutput?(chunk: string): void;
}

/** Running processes. Must not throw: a process that cannot start resolves with its error in `output`. */
export interface ExecOps {
  run(req: ExecRequest): Promise<ExecResult>;
  /** The ripgrep binary to use for grep and glob (VS Code's own in the editor, @vscode/ripgrep in the CLI). */
  readonly rgPath: string;
}
