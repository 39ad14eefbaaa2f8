/** The checked path of a file tool's call, with the protected-path gate every writing tool shares. */
import { checkPath, protectedReason } from '../paths';
import type { CallGate, ToolContext } from '../types';

export interface FileTarget {
  abs: string;
  rel: string;
  gate?: CallGate;
}

/** `write`: whether the call changes the file (protected paths then always need a person). */
export async function fileTarget(ctx: ToolContext, input: string, write: boolean): Promise<FileTarget | { error: string }> {
  // Outside the workspace only Tack's own session files are readable (whole outputs of truncated results).
  const r = await checkPath(ctx.root, input, write ? {} : { allowOutside: abs => ctx.allowOutside(abs) });
  if (!r.ok) return { error: r.message };
  if (!write) return { abs: r.abs, rel: r.rel };
  const why = protectedReason(r.rel);
  return { abs: r.abs, rel: r.rel, ...(why ? { gate: { decision: 'ask', reason: `${r.rel} is a protected path (${why})`, human: true } } : {}) };
}
