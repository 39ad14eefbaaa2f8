/**
 * The tools of one run, put together from the profile and the host's ports: which tools (tools/registry.ts), the
 * context they share, and where whole outputs of truncated results go (the session's data folder, which `read`
 * may open — nothing else outside the workspace).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileSnapshots } from '../edits/snapshots';
import type { ExecOps, Logger } from '../ports';
import type { ResolvedProfile } from '../profiles/types';
import type { FileOps } from '../tools/file-ops';
import { toolSet } from '../tools/registry';
import type { RunTools } from './loop';
import type { McpManager } from '../mcp/manager';
import type { Skill } from '../skills/skills';
import { loadPrompt } from '../prompts';
import { buildHarness, type SessionHarness } from './harness-tools';
import { EXPLORE, type AgentDef } from '../subagents/agents';
import { TASK_TOOL } from '../subagents/narrow';
import { taskDefinition, taskTool } from '../subagents/task-tool';

export interface RunToolsInput {
  profile: ResolvedProfile;
  promptsDir: string;
  /** The workspace root, canonical; undefined (no folder open): chat only. */
  root: string | undefined;
  files: FileOps;
  exec: ExecOps;
  snapshots: FileSnapshots;
  /** The session's data folder, outside the workspace (user storage). */
  dataDir: string;
  trusted: boolean;
  log: Logger;
  /** The window's (or process's) MCP servers; started by the run's first step, not here. */
  mcp?: McpManager;
  /** The profile's selected skills (skills/skills.ts). User-level ones may be read from outside the workspace. */
  skills?: readonly Skill[];
  /** The session's harness state (AgentSession.harness); without it, activations last one run. */
  session?: SessionHarness;
  /**
   * For the `task` tool (when the profile enables it): the agents found (subagents/agents.ts; default explore only)
   * and the resolved profiles an agent may name.
   */
  agents?: { agents: readonly AgentDef[]; profiles?: Readonly<Record<string, ResolvedProfile>> };
}

export async function runTools(i: RunToolsInput): Promise<RunTools | undefined> {
  if (!i.root) return undefined;
  const set = await toolSet(i.profile, i.promptsDir);
  const taskOn = Object.hasOwn(i.profile.tools, TASK_TOOL) && i.profile.tools[TASK_TOOL] !== 'deny';
  if (!set.definitions.length && !i.mcp && !i.skills?.length && !taskOn) return undefined;
  const agents = i.agents?.agents ?? [EXPLORE];
  const task = taskOn
    ? { tool: taskTool({ agents, ...(i.agents?.profiles ? { profiles: i.agents.profiles } : {}), promptsDir: i.promptsDir }), definition: await taskDefinition(agents, i.promptsDir) }
    : undefined;
  const dataDir = path.resolve(i.dataDir);
  // Home skills' folders may be read (never written) from outside the workspace, so `read` opens their files.
  const skillDirs = (i.skills ?? []).filter(s => s.source === 'user' && s.loadable).map(s => path.resolve(s.dir) + path.sep);
  const harness = buildHarness({
    base: set, profile: i.profile, root: i.root, session: i.session ?? { activatedTools: new Set(), joinedInstructions: new Set() },
    mcp: i.mcp, skills: i.skills, skillDescription: i.skills?.length ? await loadPrompt(path.join(i.promptsDir, 'tools'), 'skill') : undefined,
    ...(task ? { task } : {}),
  });
  return {
    get tools() { return harness.tools(); },
    get definitions() { return harness.definitions(); },
    ...(i.mcp ? { harness } : {}),
    ctx: {
      root: i.root, files: i.files, exec: i.exec, snapshots: i.snapshots, editFormat: i.profile.editFormat ?? 'hashline',
      dataDir, allowOutside: abs => abs.startsWith(dataDir + path.sep) || skillDirs.some(d => abs.startsWith(d)),
      commands: i.profile.commands ?? {}, trusted: i.trusted, log: i.log,
    },
    async saveOutput(callId, text) {
      const file = path.join(dataDir, 'outputs', `${callId.replace(/[^A-Za-z0-9_-]/g, '_')}.txt`);
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text, 'utf8');
        return file;
      } catch (err) {
        i.log.warn(`Could not save a tool's whole output to ${file}: ${(err as Error).message}`);
        return undefined;
      }
    },
  };
}
