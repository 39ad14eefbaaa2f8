/**
 * The `task` tool: `{description, prompt, agent?}` starts a child agent (child-run.ts) and answers with its final
 * text. It delegates (tools/types.ts): it changes nothing itself, every call of its child is decided on its own.
 * Consecutive task calls run together, at most `maxConcurrent` (4) children at once per run; more wait their turn.
 * A workspace agent of an untrusted folder is not used: explore runs instead, and the result says so.
 */
import * as path from 'node:path';
import { loadPrompt } from '../prompts';
import type { ToolDefinition } from '../providers/request';
import type { ResolvedProfile } from '../profiles/types';
import type { Tool } from '../tools/types';
import { EXPLORE, EXPLORE_AGENT, type AgentDef } from './agents';
import { runChild } from './child-run';
import { TASK_TOOL } from './narrow';

export const MAX_CONCURRENT_SUBAGENTS = 4;

export const TASK_PARAMETERS = {
  type: 'object',
  properties: {
    description: { type: 'string' },
    prompt: { type: 'string' },
    agent: { type: 'string' },
  },
  required: ['description', 'prompt'],
  additionalProperties: false,
} as const;

/** What the model sees: prompts/tools/task.md and one line per agent it can use. */
export async function taskDefinition(agents: readonly AgentDef[], promptsDir: string): Promise<ToolDefinition> {
  const base = await loadPrompt(path.join(promptsDir, 'tools'), TASK_TOOL);
  const list = agents.filter(a => a.usable).map(a => `${a.name}: ${a.description}`).join('; ');
  return { name: TASK_TOOL, description: `${base}\nAgents (default ${EXPLORE_AGENT}) — ${list}.`, parameters: TASK_PARAMETERS };
}

/** A counting semaphore; a waiter whose signal aborts leaves the queue. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly max: number) {}

  async acquire(signal: AbortSignal): Promise<boolean> {
    if (this.running < this.max) { this.running++; return true; }
    await new Promise<void>(resolve => {
      const go = () => { signal.removeEventListener('abort', stop); resolve(); };
      const stop = () => { const i = this.waiting.indexOf(go); if (i >= 0) this.waiting.splice(i, 1); resolve(); };
      this.waiting.push(go);
      signal.addEventListener('abort', stop, { once: true });
    });
    if (signal.aborted) return false;
    this.running++;
    return true;
  }

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

export interface TaskToolInput {
  /** discoverAgents()'s list (explore first); an untrusted folder's agents are in it, marked not usable. */
  agents: readonly AgentDef[];
  /** The resolved profiles an agent's `profile` may name. */
  profiles?: Readonly<Record<string, ResolvedProfile>>;
  promptsDir: string;
  maxConcurrent?: number;
}

function pickAgent(agents: readonly AgentDef[], wanted: string | undefined): { agent: AgentDef; note?: string } | { error: string } {
  const name = (wanted ?? EXPLORE_AGENT).trim().toLowerCase() || EXPLORE_AGENT;
  const found = agents.find(a => a.name === name);
  const explore = agents.find(a => a.name === EXPLORE_AGENT) ?? EXPLORE;
  if (!found) return { error: `Unknown agent "${wanted}". Agents: ${agents.filter(a => a.usable).map(a => a.name).join(', ')}.` };
  if (!found.usable) {
    return { agent: explore, note: `Note: the agent "${found.name}" (${found.file ?? found.source}) is not used because this folder is not trusted; the built-in explore agent ran instead.` };
  }
  return { agent: found };
}

export function taskTool(i: TaskToolInput): Tool {
  const limiter = new Limiter(i.maxConcurrent ?? MAX_CONCURRENT_SUBAGENTS);
  return {
    name: TASK_TOOL,
    prompt: TASK_TOOL,
    readOnly: false,
    delegates: true,
    parameters: TASK_PARAMETERS as unknown as Record<string, unknown>,
    async prepare(args) {
      const picked = pickAgent(i.agents, typeof args.agent === 'string' ? args.agent : undefined);
      if ('error' in picked) return picked;
      const { agent, note } = picked;
      let agentProfile: ResolvedProfile | undefined;
      if (agent.profile) {
        agentProfile = i.profiles && Object.hasOwn(i.profiles, agent.profile) ? i.profiles[agent.profile] : undefined;
        if (!agentProfile) return { error: `The agent "${agent.name}" names the profile "${agent.profile}", which does not exist (${agent.file ?? agent.source}). Use another agent.` };
      }
      const description = String(args.description).trim();
      return {
        title: `task ${agent.name}: ${description}`,
        async run(signal, _onOutput, scope) {
          if (!scope) return { text: 'task: no run to start a subagent in (this host does not support subagents).', isError: true };
          let preamble: string;
          let instructions: string;
          try {
            preamble = await loadPrompt(path.join(i.promptsDir, 'agents'), 'subagent');
            instructions = agent.body ?? await loadPrompt(path.join(i.promptsDir, 'agents'), agent.name);
          } catch (err) {
            return { text: `task: the ${agent.name} agent's instructions could not be read: ${(err as Error).message}`, isError: true };
          }
          if (!await limiter.acquire(signal)) return { text: 'Cancelled: the run was stopped before this subagent started.', isError: true };
          try {
            return await runChild(scope, { agent, preamble, instructions, description, prompt: String(args.prompt), ...(agentProfile ? { agentProfile } : {}), ...(note ? { note } : {}) }, signal);
          } finally {
            limiter.release();
          }
        },
      };
    },
  };
}
