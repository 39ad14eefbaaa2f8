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

/** Per instruction file: a larger AGENTS.md is cut (with a note), so one file cannot fill the context. */
export const INSTRUCTION_MAX_CHARS = 32_000;

/** The text cut to `max` characters at a line end, with a note saying so; unchanged when it fits. */
export function capInstruction(file: string, text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const end = cut.lastIndexOf('\n');
  return `${end > max / 2 ? cut.slice(0, end) : cut}\n\n[${file} was cut here: it has ${text.length} characters, the limit per instruction file is ${max}.]`;
}

/** The base prompt followed by each instruction file under its name (each capped); empty files are left out. */
export function composeSystemPrompt(base: string, instructions: ReadonlyArray<{ path: string; text: string }>, maxChars = INSTRUCTION_MAX_CHARS): string {
  const parts = [base.trim()];
  for (const i of instructions) {
    const text = capInstruction(i.path, i.text.trim(), maxChars);
    if (text) parts.push(`# Instructions from ${i.path}\n\n${text}`);
  }
  return parts.filter(Boolean).join('\n\n');
}
