/**
 * Agent events → the CLI's public JSON Lines (output.ts): the provider's text, reasoning, usage, retry and error
 * events; `tool_call` when a call is complete, `approval` before each call runs or is refused, `tool_result` when it
 * ends; `subagent` when a `task` call's child starts and ends; `done` last, with `max_steps` when the step limit
 * stopped the run.
 */
import { totalTokens, type AgentEvent } from '../core/index';
import { toJsonEvent, totalsOf, type JsonEvent } from './output';

export function agentJsonEvents(ev: AgentEvent): JsonEvent[] {
  switch (ev.type) {
    case 'stream': {
      // Usage goes out once per response from the loop's `usage` event (priced, booked to the ledger).
      if (ev.event.type === 'usage') return [];
      const out = toJsonEvent(ev.event);
      return out ? [out] : [];
    }
    case 'usage': return [{ type: 'usage', ...ev.usage }];
    case 'compaction': return [{ type: 'compaction', before: ev.before, after: ev.after, strategy: ev.strategy }];
    case 'mcp': return [{ type: 'mcp', server: ev.server, state: ev.state, ...(ev.tools !== undefined ? { tools: ev.tools } : {}), ...(ev.message ? { message: ev.message } : {}) }];
    // A subagent shows as its start and end; its own events stay inside (its usage is in `done`'s totals).
    case 'subagent_start': return [{ type: 'subagent', id: ev.parentCallId, agent: ev.agent, model: ev.modelRef, state: 'running' }];
    case 'subagent_end': {
      const o = ev.outcome;
      const state = o.stopReason === 'error' || o.stopReason === 'cancelled' || o.stopReason === 'max_steps' ? o.stopReason : 'done';
      return [{
        type: 'subagent', id: ev.parentCallId, agent: ev.agent, model: ev.modelRef, state, tokens: totalTokens(ev.usage), costUsd: ev.usage.costUsd,
        ...(o.stopReason === 'error' ? { message: o.message } : {}),
      }];
    }
    case 'approval_resolved': return [{ type: 'approval', id: ev.id, name: ev.tool, decision: ev.decision, reason: ev.reason }];
    case 'tool':
      if (ev.call.state !== 'done' && ev.call.state !== 'error') return [];
      return [{ type: 'tool_result', id: ev.call.id, name: ev.call.name, ok: ev.call.state === 'done', output: ev.call.result ?? '' }];
    case 'end': {
      const o = ev.outcome;
      const stopReason = o.stopReason === 'error' ? 'error' : o.stopReason;
      return [{ type: 'done', stopReason, totals: totalsOf(ev.totals) }];
    }
    default: return [];
  }
}

/** 0 when the model finished; 130 after Ctrl+C; 3 at the step limit; 1 after an error. */
export function exitCodeOf(ev: Extract<AgentEvent, { type: 'end' }>): number {
  switch (ev.outcome.stopReason) {
    case 'cancelled': return 130;
    case 'max_steps': return 3;
    case 'error': return 1;
    default: return 0;
  }
}
