/**
 * A nested `AGENTS.md` (in a subfolder of the workspace) joins the conversation when the agent first reads or edits a
 * file under that folder: its text is appended to that tool result, said so, once per session. Only in a trusted
 * folder (an untrusted repository's instruction files never reach the model); read through the workspace reader
 * (inside the workspace, regular files only, capped).
 */
import * as path from 'node:path';
import { isInside, nodeWorkspaceReader } from '../files/workspace-reader';
import { INSTRUCTION_MAX_CHARS, capInstruction } from '../profiles/prompt';
import type { Tool, ToolResult } from '../tools/types';

/** The tools whose `path` argument can bring a nested AGENTS.md in. */
const FILE_TOOLS = new Set(['read', 'edit', 'write']);

/** Workspace-relative AGENTS.md files between the root (excluded) and the folder of `relFile`, outermost first. */
export function nestedCandidates(relFile: string): string[] {
  const parts = relFile.split('/').slice(0, -1);
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`${parts.slice(0, i).join('/')}/AGENTS.md`);
  return out;
}

/** Wraps read/edit/write so their results carry nested AGENTS.md files the first time a path under them is used. */
export function withNestedInstructions(tool: Tool, joined: Set<string>): Tool {
  if (!FILE_TOOLS.has(tool.name)) return tool;
  return {
    ...tool,
    async prepare(args, ctx) {
      const prepared = await tool.prepare(args, ctx);
      if ('error' in prepared || !ctx.trusted || typeof args.path !== 'string') return prepared;
      const abs = path.resolve(ctx.root, args.path);
      const rel = path.relative(ctx.root, abs);
      if (!isInside(rel)) return prepared;
      return {
        ...prepared,
        async run(signal, onOutput): Promise<ToolResult> {
          const result = await prepared.run(signal, onOutput);
          if (result.isError) return result;
          const reader = nodeWorkspaceReader(ctx.root);
          const notes: string[] = [];
          for (const file of nestedCandidates(rel.split(path.sep).join('/'))) {
            if (joined.has(file)) continue;
            const text = await reader.readInside(file).catch((err: Error) => { ctx.log.warn(`nested instructions skipped: ${err.message}`); return undefined; });
            if (text === undefined || !text.trim()) continue;
            joined.add(file);
            const capped = capInstruction(file, text, INSTRUCTION_MAX_CHARS);
            notes.push(`[Instructions from ${file} now apply (you used a file under ${path.posix.dirname(file)}/)]\n${capped}`);
          }
          return notes.length ? { ...result, text: `${result.text}\n\n${notes.join('\n\n')}` } : result;
        },
      };
    },
  };
}
