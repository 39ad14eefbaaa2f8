/**
 * Whether a prepared tool call runs, asks or is refused. Strictest wins: a profile `deny` or a gate's `deny` refuses
 * whatever else says yes; protected and outside paths need a person (never `--approve auto`, never a session grant);
 * an untrusted folder's profiles cannot make edit, write or bash run unasked.
 */
import type { ToolPolicy } from '../profiles/types';
import type { CallGate } from '../tools/types';

/** How the host answers `ask`: the editor asks (`ask`); the CLI's `--approve` may say `auto` or `deny`. */
export type ApproveMode = 'ask' | 'auto' | 'deny';

/** Built-in defaults for tools a profile does not name. */
export const DEFAULT_POLICIES: Readonly<Record<string, ToolPolicy>> = {
  read: 'auto', glob: 'auto', grep: 'auto', todo: 'auto', skill: 'auto', tool_search: 'auto', edit: 'ask', write: 'ask', bash: 'ask',
};

export interface PolicyInput {
  tool: string;
  readOnly: boolean;
  policy: ToolPolicy;
  gate?: CallGate;
  /** Set when the call itself earned `auto` (every part of a command matched `commands.auto` in a trusted folder). */
  autoReason?: string;
  mode: ApproveMode;
  canAsk: boolean;
  trusted: boolean;
  /** The person allowed this tool for the rest of the session. */
  sessionGrant: boolean;
}

export type PolicyDecision =
  | { action: 'run'; decision: 'auto' | 'approved'; reason: string }
  | { action: 'ask'; reason: string }
  | { action: 'refuse'; reason: string };

export function policyFor(tools: Readonly<Record<string, ToolPolicy>>, tool: string): ToolPolicy {
  if (Object.hasOwn(tools, tool)) return tools[tool];
  // MCP tools (`server__tool`): a `server__*` entry covers the server's tools; otherwise they ask.
  const sep = tool.indexOf('__');
  if (sep > 0) {
    const all = `${tool.slice(0, sep)}__*`;
    return Object.hasOwn(tools, all) ? tools[all] : 'ask';
  }
  return Object.hasOwn(DEFAULT_POLICIES, tool) ? DEFAULT_POLICIES[tool] : 'ask';
}

export function decide(i: PolicyInput): PolicyDecision {
  if (i.policy === 'deny') return { action: 'refuse', reason: `the profile denies the ${i.tool} tool` };
  if (i.gate?.decision === 'deny') return { action: 'refuse', reason: i.gate.reason };
  let level: 'auto' | 'ask' = i.policy;
  let why = level === 'auto' ? `the profile allows ${i.tool}` : `the profile asks before ${i.tool}`;
  if (level === 'auto' && !i.readOnly && !i.trusted) { level = 'ask'; why = `this folder is not trusted, so its profiles cannot run ${i.tool} unasked`; }
  if (level === 'ask' && i.autoReason && !i.gate) { level = 'auto'; why = i.autoReason; }
  if (i.gate?.decision === 'ask') { level = 'ask'; why = i.gate.reason; }
  if (level === 'auto') return { action: 'run', decision: 'auto', reason: why };
  const human = i.gate?.human === true;
  if (!human && i.sessionGrant) return { action: 'run', decision: 'approved', reason: `${i.tool} is allowed for this session` };
  if (!human && i.mode === 'auto') return { action: 'run', decision: 'auto', reason: `${why}; --approve auto` };
  if (i.mode === 'deny' || !i.canAsk) {
    const hint = human ? 'only a person can approve this' : 'in the CLI: --approve ask on a terminal, or --approve auto';
    return { action: 'refuse', reason: `${why}, and nobody can approve it here (${hint})` };
  }
  return { action: 'ask', reason: why };
}
