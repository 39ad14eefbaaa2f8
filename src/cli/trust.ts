/**
 * What the CLI takes from the folder it runs in, by trust. Without `--trust` (or TACK_TRUST=1) nothing the folder
 * wrote reaches the model: no AGENTS.md / CLAUDE.md / copilot instructions, no workspace system prompt file — the
 * editor does the same in Restricted Mode. The files that were skipped are named on stderr, with the reason.
 */
import { lstatSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_SYSTEM_PROMPT, instructionFiles, nodeWorkspaceReader, systemPromptFor, systemPromptSource, type ResolvedProfile,
} from '../core/index';

/** Workspace files the profile would add to the system prompt and that exist (checked without reading them). */
export function promptFilesPresent(profile: ResolvedProfile, workspace: string): string[] {
  const source = systemPromptSource(profile);
  const wanted = [...(source.kind === 'workspace' ? [source.path] : []), ...instructionFiles(profile).map(f => f.path)];
  return wanted.filter(rel => {
    try {
      lstatSync(path.join(workspace, rel));
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The system prompt for a CLI run. Trusted: the profile's prompt and instruction files from `workspace`.
 * Untrusted: the built-in prompt named by the profile (or the default one when it names a workspace file), no
 * instruction files, and one line on stderr (`warn`) naming what was skipped and why. Reports right away.
 */
export function cliSystemPrompt(profile: ResolvedProfile, workspace: string, trusted: boolean, promptsDir: string, warn: (m: string) => void): () => Promise<string> {
  if (trusted) return () => systemPromptFor(profile, nodeWorkspaceReader(workspace), promptsDir, warn);
  const skipped = promptFilesPresent(profile, workspace);
  if (skipped.length) {
    warn(`untrusted folder: ${skipped.join(', ')} ${skipped.length === 1 ? 'was' : 'were'} not sent to the model (a folder's instruction and prompt files are read only with --trust or TACK_TRUST=1).`);
  }
  const builtin: ResolvedProfile = systemPromptSource(profile).kind === 'builtin' ? profile : { ...profile, systemPrompt: DEFAULT_SYSTEM_PROMPT };
  return () => systemPromptFor(builtin, undefined, promptsDir, warn);
}
