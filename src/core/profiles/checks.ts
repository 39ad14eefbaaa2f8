/**
 * Semantic checks the schema cannot express: model references, provider ids, prompt and instruction paths.
 * Each returns problems with the JSON path (inside the profile) of what is wrong; the resolver places them in the
 * layer that set the value.
 */
import { parseModelRef } from '../config/settings';
import type { ProfileSpec } from './types';

export interface CheckProblem {
  /** Path inside the profile, e.g. ["fallbackModels", 1]. */
  path: Array<string | number>;
  severity: 'error' | 'warning';
  message: string;
  /** The problem comes from combining values (e.g. a model outside allowedProviders), not from one value alone. */
  combination?: boolean;
}

export interface ProviderView {
  /** Every provider id a request could go to (presets, user settings, trusted workspace providers). */
  known: ReadonlySet<string>;
  /** Ids defined by an untrusted workspace: ignored until the folder is trusted. */
  ignoredUntilTrusted: ReadonlySet<string>;
  /** Built-in prompt names (files in prompts/), when the host knows them; unchecked otherwise. */
  builtinPrompts?: readonly string[];
}

/** A built-in prompt is a bare name; anything with a dot or a slash is a workspace path. */
export function isBuiltinPromptName(s: string): boolean {
  return /^[a-z0-9][a-z0-9-]*$/.test(s);
}

/**
 * A workspace-relative path that stays inside the workspace. A profile from a repository must not make Tack
 * read (and send to a model) files elsewhere on the machine.
 */
export function workspacePathProblem(p: string): string | undefined {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p)) return 'must be a path relative to the workspace, not a URL or drive path';
  if (p.startsWith('/') || p.startsWith('\\') || p.startsWith('~')) return 'must be relative to the workspace folder';
  if (p.split(/[\\/]+/).includes('..')) return 'must stay inside the workspace (no "..")';
  return undefined;
}

function checkModel(ref: string, path: Array<string | number>, label: string, view: ProviderView, out: CheckProblem[]): string | undefined {
  const r = parseModelRef(ref);
  if ('error' in r) {
    out.push({ path, severity: 'error', message: `${label}: ${r.error}` });
    return undefined;
  }
  if (view.ignoredUntilTrusted.has(r.providerId)) {
    out.push({ path, severity: 'warning', message: `${label} uses provider "${r.providerId}", which this workspace defines; workspace providers are ignored until you trust the folder.` });
  } else if (!view.known.has(r.providerId)) {
    out.push({ path, severity: 'warning', message: `${label} uses provider "${r.providerId}", which is not configured. Known providers: ${[...view.known].join(', ')}. Add it under "tack.providers" in your user settings.` });
  }
  return r.providerId;
}

/** Checks one profile after `extends` and merging. */
export function checkProfile(name: string, p: ProfileSpec, view: ProviderView): CheckProblem[] {
  const out: CheckProblem[] = [];
  const allowed = p.allowedProviders ? new Set(p.allowedProviders) : undefined;
  const forbidden = (providerId: string | undefined) => allowed && providerId !== undefined && !allowed.has(providerId);

  if (p.model !== undefined) {
    const provider = checkModel(p.model, ['model'], `The model of profile "${name}"`, view, out);
    if (forbidden(provider)) {
      out.push({ path: ['model'], severity: 'error', combination: true, message: `Profile "${name}" uses "${p.model}" but allows only the providers ${p.allowedProviders!.join(', ')}.` });
    }
  }
  p.fallbackModels?.forEach((m, i) => {
    const provider = checkModel(m, ['fallbackModels', i], `Fallback model "${m}"`, view, out);
    if (forbidden(provider)) {
      out.push({ path: ['fallbackModels', i], severity: 'warning', combination: true, message: `Fallback model "${m}" will never be used: profile "${name}" allows only ${p.allowedProviders!.join(', ')}.` });
    }
  });
  if (p.compaction?.model !== undefined) {
    const provider = checkModel(p.compaction.model, ['compaction', 'model'], 'The compaction model', view, out);
    if (forbidden(provider)) {
      out.push({ path: ['compaction', 'model'], severity: 'error', combination: true, message: `The compaction model "${p.compaction.model}" is not allowed by profile "${name}" (allowed: ${p.allowedProviders!.join(', ')}).` });
    }
  }
  p.allowedProviders?.forEach((id, i) => {
    if (view.ignoredUntilTrusted.has(id)) return;
    if (!view.known.has(id)) {
      out.push({ path: ['allowedProviders', i], severity: 'warning', message: `Provider "${id}" in allowedProviders is not configured.` });
    }
  });
  if (p.systemPrompt !== undefined) {
    if (isBuiltinPromptName(p.systemPrompt)) {
      if (view.builtinPrompts && !view.builtinPrompts.includes(p.systemPrompt)) {
        out.push({ path: ['systemPrompt'], severity: 'error', message: `There is no built-in prompt "${p.systemPrompt}". Built-in prompts: ${view.builtinPrompts.join(', ')}; or give a workspace path such as ".tack/prompt.md".` });
      }
    } else {
      const problem = workspacePathProblem(p.systemPrompt);
      if (problem) out.push({ path: ['systemPrompt'], severity: 'error', message: `systemPrompt "${p.systemPrompt}" ${problem}.` });
    }
  }
  p.instructions?.forEach((file, i) => {
    const problem = workspacePathProblem(file);
    if (problem) out.push({ path: ['instructions', i], severity: 'error', message: `Instruction file "${file}" ${problem}.` });
  });
  return out;
}
