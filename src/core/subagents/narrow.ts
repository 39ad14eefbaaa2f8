/**
 * What a child run may use: a subset of its parent's tools, each under the stricter of the parent's policy and the
 * agent's profile's. Nothing here can add a tool or loosen a policy: the result is computed from the parent's live
 * tool map, so a tool the parent lacks (denied, Restricted Mode, never enabled) is never the child's.
 */
import { policyFor } from '../agent/approval-policy';
import type { RunTools } from '../agent/loop';
import type { ResolvedProfile, ToolPolicy } from '../profiles/types';
import type { Tool } from '../tools/types';
import type { AgentDef } from './agents';

export const TASK_TOOL = 'task';

const RANK: Readonly<Record<ToolPolicy, number>> = { auto: 0, ask: 1, deny: 2 };

export function stricter(a: ToolPolicy, b: ToolPolicy): ToolPolicy {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether a profile offers the tool: built-ins when listed and not denied; MCP tools (`server__tool`) unless denied. */
function offers(profile: Pick<ResolvedProfile, 'tools'>, name: string): boolean {
  if (policyFor(profile.tools, name) === 'deny') return false;
  return name.includes('__') || Object.hasOwn(profile.tools, name);
}

export interface ChildToolRules {
  /** May the child have this tool? */
  allows(name: string): boolean;
  /** The child's policy map: every entry of either map at the stricter of the two (names neither lists default alike). */
  policies: Record<string, ToolPolicy>;
}

/** The rules for one agent under one parent profile (and the agent's profile, when it names one). */
export function childToolRules(parent: Pick<ResolvedProfile, 'tools'>, agent: Pick<AgentDef, 'tools'>, agentProfile?: Pick<ResolvedProfile, 'tools'>): ChildToolRules {
  const listed = agent.tools ? new Set(agent.tools) : undefined;
  return {
    // Depth 1: a child never has `task`.
    allows: name => name !== TASK_TOOL && (!listed || listed.has(name)) && policyFor(parent.tools, name) !== 'deny' && (!agentProfile || offers(agentProfile, name)),
    policies: agentProfile
      ? Object.fromEntries([...new Set([...Object.keys(parent.tools), ...Object.keys(agentProfile.tools)])].map(n => [n, stricter(policyFor(parent.tools, n), policyFor(agentProfile.tools, n))]))
      : { ...parent.tools },
  };
}

/** The child's tools: the parent's, filtered, read at each step like the parent's (MCP servers come and go). */
export function childRunTools(parent: RunTools, rules: ChildToolRules): RunTools {
  const pick = (m: ReadonlyMap<string, Tool>) => new Map([...m].filter(([n]) => rules.allows(n)));
  return {
    get tools() { return pick(parent.tools); },
    get definitions() { return parent.definitions.filter(d => rules.allows(d.name)); },
    ctx: parent.ctx,
    saveOutput: (id, text) => parent.saveOutput(id, text),
  };
}
