/**
 * The CLI's output. `--json` prints JSON Lines whose shapes are a public contract:
 * session, text, reasoning, tool_call, approval, tool_result, usage, retry, error, compaction, mcp, subagent, done.
 */
import type { ErrorKind, StopReason, StreamEvent, Usage } from '../core/index';

export type JsonEvent =
  | { type: 'session'; id: string; model: string; provider: string }
  | { type: 'text'; delta: string }
  | { type: 'reasoning'; delta: string }
  | { type: 'tool_call'; id: string; name: string; args: unknown }
  | { type: 'tool_result'; id: string; name: string; ok: boolean; output: string }
  | { type: 'approval'; id: string; name: string; decision: 'auto' | 'approved' | 'denied'; reason: string }
  /** `--show-requests`: before each request, its o200k token estimate by part and its body size. */
  | { type: 'request'; step: number; provider: string; model: string; tokens: { system: number; tools: number; history: number; total: number }; bytes: number }
  | { type: 'usage'; input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number; costUsd: number | null }
  | { type: 'retry'; attempt: number; maxAttempts: number; waitMs: number; kind: ErrorKind; message: string }
  | { type: 'error'; kind: ErrorKind; message: string }
  | { type: 'compaction'; before: number; after: number; strategy: string }
  /** An MCP server changed state. */
  | { type: 'mcp'; server: string; state: string; tools?: number; message?: string }
  /** A `task` call's subagent started (`running`) or ended (`done`, `error`, `cancelled`, `max_steps`, with its own usage). */
  | { type: 'subagent'; id: string; agent: string; model: string; state: 'running' | 'done' | 'error' | 'cancelled' | 'max_steps'; tokens?: number; costUsd?: number | null; message?: string }
  | { type: 'done'; stopReason: StopReason | 'error' | 'cancelled' | 'max_steps'; totals: { input: number; output: number; costUsd: number | null } };

/** Maps a core stream event to its public form; tool-call deltas have none (the whole call is printed at its end). */
export function toJsonEvent(ev: StreamEvent): JsonEvent | undefined {
  switch (ev.type) {
    case 'text': return { type: 'text', delta: ev.delta };
    case 'reasoning': return { type: 'reasoning', delta: ev.delta };
    case 'tool_call_end': {
      let args: unknown = ev.args;
      try { args = JSON.parse(ev.args); } catch { /* keep the raw string: the model sent invalid JSON */ }
      return { type: 'tool_call', id: ev.id, name: ev.name, args };
    }
    case 'usage': return { type: 'usage', ...ev.usage };
    case 'retry': return { type: 'retry', attempt: ev.attempt, maxAttempts: ev.maxAttempts, waitMs: ev.waitMs, kind: ev.kind, message: ev.message };
    case 'error': return { type: 'error', kind: ev.kind, message: ev.message };
    default: return undefined;
  }
}

export function totalsOf(u: Usage): { input: number; output: number; costUsd: number | null } {
  return { input: u.input + u.cacheRead + u.cacheWrite, output: u.output, costUsd: u.costUsd };
}

export interface Writer { out(s: string): void; err(s: string): void }

/**
 * C0 controls except tab and newline, DEL, and the C1 range (U+0080–U+009F; U+009B is CSI on many terminals).
 * Model text, server errors and a repository's profile file reach the terminal; ESC or CSI there would let them
 * write the clipboard (OSC 52), clear the screen or hide links (OSC 8).
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `s` without the control characters above: what may be printed as text. */
export function terminalSafe(s: string): string {
  return s.replace(CONTROLS, '');
}

/**
 * One JSON Lines record. JSON.stringify escapes C0 controls but leaves DEL and C1 raw; they are escaped too, so a
 * JSON line shown in a terminal is inert and still carries the exact text.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n';
}

/**
 * Every byte the CLI prints passes through this: text loses its control characters; JSON lines (made by jsonLine)
 * hold none, so they pass unchanged.
 */
export function safeWriter(w: Writer): Writer {
  return { out: s => w.out(terminalSafe(s)), err: s => w.err(terminalSafe(s)) };
}

/** Human-readable output: the answer on stdout, reasoning, errors and the token summary on stderr. */
export class TextPrinter {
  private inReasoning = false;
  constructor(private readonly w: Writer) {}

  event(ev: JsonEvent): void {
    switch (ev.type) {
      case 'reasoning':
        if (!this.inReasoning) { this.w.err('[thinking] '); this.inReasoning = true; }
        this.w.err(ev.delta);
        break;
      case 'text':
        if (this.inReasoning) { this.w.err('\n'); this.inReasoning = false; }
        this.w.out(ev.delta);
        break;
      case 'tool_call': this.w.err(`\n[tool] ${ev.name} ${JSON.stringify(ev.args).slice(0, 300)}\n`); break;
      case 'request': this.w.err(`[request ${ev.step}] ${ev.provider}/${ev.model}: ~${ev.tokens.total} tokens (system ${ev.tokens.system}, tools ${ev.tokens.tools}, history ${ev.tokens.history}; o200k estimate), ${ev.bytes} bytes\n`); break;
      case 'approval': if (ev.decision === 'denied') this.w.err(`[refused] ${ev.name}: ${ev.reason}\n`); break;
      case 'tool_result': {
        const first = ev.output.split('\n').find(l => l.trim()) ?? '';
        this.w.err(`[${ev.ok ? 'ok' : 'failed'}] ${ev.name}: ${first.slice(0, 200)}\n`);
        break;
      }
      case 'mcp': this.w.err(`[mcp] ${ev.server}: ${ev.state}${ev.tools !== undefined ? ` (${ev.tools} tools)` : ''}${ev.message ? ` — ${ev.message}` : ''}\n`); break;
      case 'retry': this.w.err(`\ntack: ${ev.message} Retrying in ${Math.ceil(ev.waitMs / 1000)} s (attempt ${ev.attempt} of ${ev.maxAttempts}).\n`); break;
      case 'subagent':
        this.w.err(ev.state === 'running'
          ? `[subagent] ${ev.agent} on ${ev.model}\n`
          : `[subagent ${ev.state}] ${ev.agent}: ${ev.tokens ?? 0} tokens${ev.costUsd != null ? ` · $${ev.costUsd.toFixed(4)}` : ''}${ev.message ? ` — ${ev.message}` : ''}\n`);
        break;
      case 'compaction': this.w.err(`\n[compacted: ${ev.before} → ${ev.after} tokens (${ev.strategy})]\n`); break;
      case 'error': this.w.err(`\ntack: ${ev.kind === 'cancelled' ? 'stopped' : `error (${ev.kind})`}: ${ev.message}\n`); break;
      case 'done': {
        const t = ev.totals;
        if (ev.stopReason === 'max_steps') this.w.err('\ntack: stopped at the profile\'s step limit (maxSteps); run again to go on.\n');
        this.w.out('\n');
        this.w.err(`[${t.input} in / ${t.output} out tokens${t.costUsd !== null ? ` · $${t.costUsd.toFixed(4)}` : ''}]\n`);
        break;
      }
      default: break;
    }
  }
}
