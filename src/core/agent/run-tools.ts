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
}

export async function runTools(i: RunToolsInput): Promise<RunTools | undefined> {
  if (!i.root) return undefined;
  const set = await toolSet(i.profile, i.promptsDir);
  if (!set.definitions.length) return undefined;
  const dataDir = path.resolve(i.dataDir);
  return {
    ...set,
    ctx: {
      root: i.root, files: i.files, exec: i.exec, snapshots: i.snapshots, editFormat: i.profile.editFormat ?? 'hashline',
      dataDir, allowOutside: abs => abs.startsWith(dataDir + path.sep), commands: i.profile.commands ?? {}, trusted: i.trusted, log: i.log,
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
