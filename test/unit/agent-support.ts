/**
 * Runs the agent session the way the chat tests used to drive a plain turn: one user message, the provider's
 * StreamEvents out (unwrapped from the agent's `stream` events), no tools unless given.
 */
import type { TackSettings } from '../../src/core/config/settings';
import type { StreamEvent } from '../../src/core/events';
import type { AgentEvent } from '../../src/core/agent/events';
import { AgentSession } from '../../src/core/agent/session';
import type { RunPlan } from '../../src/core/agent/session';
import type { TurnOptions } from '../../src/core/agent/turn-options';
import type { RunTools } from '../../src/core/agent/loop';
import type { ToolDefinition } from '../../src/core/providers/request';
import type { KeySource } from '../../src/core/ports';
import { refusingApprovals, silentLogger } from '../../src/core/ports';
import type { ResolvedProfile } from '../../src/core/profiles/types';

export function testProfile(over: Partial<ResolvedProfile> = {}): ResolvedProfile {
  return { name: 'test', source: 'builtin', chain: ['test'], fallbackModels: [], systemPrompt: 'system', tools: {}, expectQuantization: [], ...over };
}

/** `turn.tools`: definitions offered to the model with no tool behind them (calls get an "unknown tool" result; one step). */
export type TestTurn = TurnOptions & { tools?: ToolDefinition[] };

export function planOf(settings: TackSettings, modelRef: string, turn: TestTurn = {}, keys: KeySource = { getKey: async () => undefined }, profile = testProfile()): RunPlan {
  const { tools, ...hooks } = turn;
  if (!tools) return { setup: { profile, settings, modelRef, keys, turn: hooks }, system: async () => 'sys' };
  const runTools: RunTools = {
    tools: new Map(), definitions: tools, ctx: {} as RunTools['ctx'], saveOutput: async () => undefined,
  };
  return { setup: { profile: { ...profile, maxSteps: 1 }, settings, modelRef, keys, turn: hooks }, system: async () => 'sys', tools: runTools };
}

async function* streamOnly(it: AsyncGenerator<AgentEvent>): AsyncGenerator<StreamEvent> {
  for await (const ev of it) if (ev.type === 'stream') yield ev.event;
}

/** A session with ChatSession's old calling convention, for provider-level tests. */
export function chatSession(keys: KeySource = { getKey: async () => undefined }) {
  const s = new AgentSession({ log: silentLogger, approvals: { ...refusingApprovals('no one to ask in tests'), confirmKeyOrigin: (id, o, p) => keys.confirmOrigin?.(id, o, p) ?? Promise.resolve(false) }, mode: 'deny' });
  return {
    session: s,
    get messages() { return s.messages; },
    get totals() { return s.totals; },
    send: (text: string, settings: TackSettings, modelRef: string, signal: AbortSignal, turn?: TestTurn) => streamOnly(s.send(text, planOf(settings, modelRef, turn, keys), signal)),
    retry: (settings: TackSettings, modelRef: string, signal: AbortSignal, turn?: TestTurn) => streamOnly(s.retry(planOf(settings, modelRef, turn, keys), signal)),
    canRetry: () => s.canRetry(),
  };
}
