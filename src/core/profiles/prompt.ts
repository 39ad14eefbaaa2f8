/**
 * The system prompt a profile asks for: a built-in prompt or a workspace file, followed by the instruction files
 * (AGENTS.md and friends). Core decides which files and how they are joined; the host reads them.
 */
import { isBuiltinPromptName, workspacePathProblem } from './checks';
import { DEFAULT_INSTRUCTION_FILES, type ResolvedProfile } from './types';

export type SystemPromptSource = { kind: 'builtin'; name: string } | { kind: 'workspace'; path: string };

/** `system` → prompts/system.md shipped with Tack; `.tack/prompt.md` → that file in the workspace. */
export function systemPromptSource(profile: Pick<ResolvedProfile, 'systemPrompt'>): SystemPromptSource {
  return isBuiltinPromptName(profile.systemPrompt)
    ? { kind: 'builtin', name: profile.systemPrompt }
    : { kind: 'workspace', path: profile.systemPrompt };
}

export interface InstructionFile {
  /** Workspace-relative. */
  path: string;
  /** Default files are read only when present; a file the profile names and that is missing deserves a warning. */
  optional: boolean;
}

/**
 * The instruction files to read, in order: the profile's list, or the defaults. Paths that would leave the
 * workspace are dropped here too (the loader already reported them), so a host can read what this returns.
 */
export function instructionFiles(profile: Pick<ResolvedProfile, 'instructions'>): InstructionFile[] {
  if (profile.instructions === undefined) return DEFAULT_INSTRUCTION_FILES.map(path => ({ path, optional: true }));
  return profile.instructions.filter(p => !workspacePathProblem(p)).map(path => ({ path, optional: false }));
}

/** The base prompt followed by each instruction file under its name; empty files are left out. */
export function composeSystemPrompt(base: string, instructions: ReadonlyArray<{ path: string; text: string }>): string {
  const parts = [base.trim()];
  for (const i of instructions) {
    const text = i.text.trim();
    if (text) parts.push(`# Instructions from ${i.path}\n\n${text}`);
  }
  return parts.filter(Boolean).join('\n\n');
}
