/**
 * The harness around the built-in tools: MCP servers' tools (namespaced, policy from the profile, deferred behind
 * `tool_search` above `mcp.deferAbove`), the `skill` tool, and nested AGENTS.md joining read/edit/write results.
 * What is offered is read at each step (`tools()`, `definitions()`): servers start, restart and searches activate
 * tools while a run goes on. The per-session part (activated tools, joined instruction files) lives in the session.
 */
import type { McpManager, McpStateChange } from '../mcp/manager';
import type { McpTool } from '../mcp/tools';
import { DEFAULT_DEFER_ABOVE, TOOL_SEARCH_NAME, toolSearchDefinition, toolSearchTool } from '../mcp/tool-search';
import type { ResolvedProfile } from '../profiles/types';
import type { ToolDefinition } from '../providers/request';
import { skillTool } from '../skills/skill-tool';
import type { Skill } from '../skills/skills';
import type { ToolSet } from '../tools/registry';
import type { Tool } from '../tools/types';
import { policyFor } from './approval-policy';
import type { AgentEvent } from './events';
import { withNestedInstructions } from './nested-instructions';

/** What a session keeps between runs for the harness. */
export interface SessionHarness {
  /** MCP tools a `tool_search` activated. */
  activatedTools: Set<string>;
  /** Nested AGENTS.md files already joined (workspace-relative). */
  joinedInstructions: Set<string>;
}

export function newSessionHarness(): SessionHarness {
  return { activatedTools: new Set(), joinedInstructions: new Set() };
}

export interface HarnessInput {
  base: ToolSet;
  profile: ResolvedProfile;
  root: string;
  session: SessionHarness;
  mcp?: McpManager;
  /** Selected skills (skills.ts `selectSkills`). */
  skills?: readonly Skill[];
  skillDescription?: string;
  /** The `task` tool and its definition, when the profile enables it (run-tools.ts builds them). */
  task?: { tool: Tool; definition: ToolDefinition };
}

export interface Harness {
  tools(): Map<string, Tool>;
  definitions(): ToolDefinition[];
  /** Starts MCP servers (first run only) and yields their state changes; later changes come from `pending()`. */
  prepare(): AsyncGenerator<AgentEvent>;
  pending(): AgentEvent[];
  /** Stops listening to the servers (the run ended); the servers keep running for the next run. */
  release(): void;
}

const mcpEvent = (c: McpStateChange): AgentEvent => ({ type: 'mcp', ...c });

export function buildHarness(i: HarnessInput): Harness {
  const base = new Map([...i.base.tools].map(([n, t]) => [n, withNestedInstructions(t, i.session.joinedInstructions)]));
  const skillsOn = !!i.skills?.length && Object.hasOwn(i.profile.tools, 'skill') && i.profile.tools.skill !== 'deny';
  if (skillsOn) base.set('skill', skillTool(i.skills!, i.root));
  const skillDefs: ToolDefinition[] = skillsOn
    ? [{ name: 'skill', description: i.skillDescription ?? 'Load a skill by name.', parameters: base.get('skill')!.parameters }]
    : [];
  if (i.task) base.set(i.task.tool.name, i.task.tool);
  const taskDefs = i.task ? [i.task.definition] : [];
  const mcpTools = (): McpTool[] => (i.mcp?.tools() ?? []).filter(t => policyFor(i.profile.tools, t.name) !== 'deny');
  const deferAbove = i.profile.mcp?.deferAbove ?? DEFAULT_DEFER_ABOVE;
  const search = toolSearchTool(mcpTools, i.session.activatedTools);
  const queue: AgentEvent[] = [];
  const off = i.mcp?.onState(c => queue.push(mcpEvent(c)));
  const mcpDef = (t: McpTool): ToolDefinition => ({ name: t.name, description: t.description, parameters: t.parameters });
  return {
    tools() {
      const m = new Map(base);
      const mt = mcpTools();
      for (const t of mt) m.set(t.name, t);
      if (mt.length > deferAbove) m.set(TOOL_SEARCH_NAME, search);
      return m;
    },
    definitions() {
      const mt = mcpTools();
      const defs = [...i.base.definitions, ...skillDefs, ...taskDefs];
      if (mt.length <= deferAbove) return [...defs, ...mt.map(mcpDef)];
      const servers = [...new Set(mt.map(t => t.server))];
      return [...defs, toolSearchDefinition(servers, mt.length), ...mt.filter(t => i.session.activatedTools.has(t.name)).map(mcpDef)];
    },
    async *prepare() {
      if (!i.mcp) return;
      let done = false;
      const started = i.mcp.start().finally(() => { done = true; });
      // State changes arrive through the listener; yield them as they come until every server settled.
      while (!done || queue.length) {
        while (queue.length) yield queue.shift()!;
        if (!done) await Promise.race([started, new Promise(r => setTimeout(r, 50))]);
      }
    },
    pending: () => queue.splice(0),
    release: () => off?.(),
  };
}
