/**
 * The built-in tools a profile enables: the names its `tools` map lists with a policy other than `deny` (a
 * profile with `"tools": {}` runs chat only), read-only ones only in Restricted Mode; `edit` in the profile's
 * format. Definitions carry the descriptions from prompts/tools/*.md, read at run time.
 */
import { join } from 'node:path';
import { loadPrompt } from '../prompts';
import type { ToolDefinition } from '../providers/request';
import type { ResolvedProfile } from '../profiles/types';
import { bashTool } from './builtin/bash';
import { editTool } from './builtin/edit';
import { globTool } from './builtin/glob';
import { grepTool } from './builtin/grep';
import { readTool } from './builtin/read';
import { todoTool } from './builtin/todo';
import { writeTool } from './builtin/write';
import type { Tool } from './types';

export const BUILTIN_TOOL_NAMES = ['read', 'edit', 'write', 'glob', 'grep', 'bash', 'todo'] as const;

function builtin(name: string, profile: Pick<ResolvedProfile, 'editFormat'>): Tool | undefined {
  switch (name) {
    case 'read': return readTool;
    case 'edit': return editTool(profile.editFormat ?? 'hashline');
    case 'write': return writeTool;
    case 'glob': return globTool;
    case 'grep': return grepTool;
    case 'bash': return bashTool;
    case 'todo': return todoTool;
    default: return undefined;
  }
}

export interface ToolSet {
  tools: Map<string, Tool>;
  definitions: ToolDefinition[];
}

export function enabledTools(profile: Pick<ResolvedProfile, 'tools' | 'editFormat' | 'restricted'>): Tool[] {
  const out: Tool[] = [];
  for (const name of BUILTIN_TOOL_NAMES) {
    if (!Object.hasOwn(profile.tools, name) || profile.tools[name] === 'deny') continue;
    const t = builtin(name, profile);
    if (t && (!profile.restricted || t.readOnly)) out.push(t);
  }
  return out;
}

const descriptions = new Map<string, Promise<string>>();

export async function toolSet(profile: Pick<ResolvedProfile, 'tools' | 'editFormat' | 'restricted'>, promptsDir: string): Promise<ToolSet> {
  const tools = enabledTools(profile);
  const definitions = await Promise.all(tools.map(async t => {
    const key = `${promptsDir}\u0000${t.prompt}`;
    let d = descriptions.get(key);
    if (!d) { d = loadPrompt(join(promptsDir, 'tools'), t.prompt); descriptions.set(key, d); d.catch(() => descriptions.delete(key)); }
    return { name: t.name, description: await d, parameters: t.parameters };
  }));
  return { tools: new Map(tools.map(t => [t.name, t])), definitions };
}
