/**
 * Turns the profile layers (built-in < user < workspace) into one plain `ResolvedProfile` per name, the default
 * profile's name, the providers the layers add, and diagnostics placed in the layer that caused them.
 * Never throws: broken references are dropped and reported, so there is always a usable result.
 *
 * Security rule enforced here: a workspace may only add providers that receive no stored API key. Its entries
 * cannot reuse the id of a preset or of a user-defined provider (that would redirect the user's key), are marked
 * `fromWorkspace` (the key lookup skips them, see `withoutWorkspaceKeys`), and are ignored entirely while the
 * workspace is untrusted, so no request goes to a repository-named address before trust.
 */
import { CUSTOM_TYPES, PRESETS } from '../providers/presets';
import builtinJson from './builtin-profiles.json';
import { checkProfile, type CheckProblem } from './checks';
import { deepMerge, resolveExtends, type PlainObject } from './merge';
import { MAX_DIAGNOSTICS, parseProfilesValue, type ParsedLayer } from './parse';
import { closest } from './schema';
import {
  DEFAULT_SYSTEM_PROMPT, FALLBACK_DEFAULT_PROFILE,
  type ProfileDiagnostic, type ProfileProvider, type ProfileSpec, type ResolvedProfile,
} from './types';

export interface ResolveContext {
  /** Ids in the user's `tack.providers`; with the presets, a workspace may not redefine them. */
  userProviderIds: readonly string[];
  /** Workspace trust as the host knows it. Untrusted: workspace providers ignored, tools that change things denied. */
  trusted: boolean;
  /** Names of the prompts shipped in prompts/, to check `systemPrompt`; unchecked when absent. */
  builtinPrompts?: readonly string[];
}

export interface ResolvedProfiles {
  /** Profile names: built-ins first, then user, then workspace, each in file order. */
  names: string[];
  profiles: Record<string, ResolvedProfile>;
  /** Always names an existing profile. */
  defaultProfile: string;
  /** Providers added by the profile layers (user and trusted workspace), to merge into the endpoint settings. */
  providers: Record<string, ProfileProvider>;
  /** Every layer's parse diagnostics and the semantic ones. */
  diagnostics: ProfileDiagnostic[];
}

export const BUILTIN_FILE = '(built-in profiles)';

export function builtinLayer(): ParsedLayer {
  return parseProfilesValue(builtinJson, { source: 'builtin', file: BUILTIN_FILE });
}

const TOOLS_OFF_WHEN_UNTRUSTED = ['edit', 'write', 'bash'] as const;

/** Own properties only: a profile named `constructor` never finds Object.prototype.constructor. */
function getPath(obj: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** Names listed in a message: the first KNOWN_LISTED, then how many more (a message must stay short). */
const KNOWN_LISTED = 20;
function knownList(names: readonly string[]): string {
  return names.length <= KNOWN_LISTED ? names.join(', ') : `${names.slice(0, KNOWN_LISTED).join(', ')} (and ${names.length - KNOWN_LISTED} more)`;
}

/** "Did you mean" looks at names of about the same length, and at no more than HINT_CANDIDATES of them. */
const HINT_CANDIDATES = 200;
function hintFor(name: string, names: readonly string[]): string | undefined {
  const near = names.filter(n => Math.abs(n.length - name.length) <= 3).slice(0, HINT_CANDIDATES);
  return closest(name, near);
}

/**
 * Collects the semantic diagnostics of each layer up to its budget (MAX_DIAGNOSTICS minus what parsing reported);
 * beyond it they are only counted — placing one costs a walk of the document — and summed up at the end.
 */
class DiagnosticBudget {
  private readonly dropped = new Map<ParsedLayer, { n: number; error: boolean }>();
  private readonly used = new Map<ParsedLayer, number>();
  constructor(private readonly out: ProfileDiagnostic[]) {}

  add(layer: ParsedLayer, severity: ProfileDiagnostic['severity'], place: () => ProfileDiagnostic): void {
    const used = this.used.get(layer) ?? layer.diagnostics.length;
    if (used < MAX_DIAGNOSTICS) {
      this.used.set(layer, used + 1);
      this.out.push(place());
      return;
    }
    const d = this.dropped.get(layer) ?? { n: 0, error: false };
    d.n++;
    d.error ||= severity === 'error';
    this.dropped.set(layer, d);
  }

  finish(): void {
    for (const [layer, d] of this.dropped) {
      this.out.push(layer.diagnosticAt([], d.error ? 'error' : 'warning', `…and ${d.n} more problems in this file (only the first ${MAX_DIAGNOSTICS} are listed).`, 'key'));
    }
  }
}

export function resolveProfiles(allLayers: readonly ParsedLayer[], ctx: ResolveContext): ResolvedProfiles {
  const layers = allLayers.filter(l => l.doc);
  const diagnostics: ProfileDiagnostic[] = allLayers.flatMap(l => l.diagnostics);

  const budget = new DiagnosticBudget(diagnostics);

  // Providers first: profile checks need to know which ids exist. Maps keyed by names have no prototype.
  const providers: Record<string, ProfileProvider> = Object.create(null);
  const reserved = new Set<string>([...Object.keys(PRESETS), ...ctx.userProviderIds]);
  const ignoredUntilTrusted = new Set<string>();
  for (const layer of layers) {
    const entries = Object.entries(layer.doc!.providers ?? {});
    if (layer.source !== 'workspace') {
      for (const [id, spec] of entries) {
        providers[id] = { ...spec, id, fromWorkspace: false };
        reserved.add(id);
      }
      continue;
    }
    if (!ctx.trusted) {
      for (const [id] of entries) ignoredUntilTrusted.add(id);
      if (entries.length) budget.add(layer, 'warning', () => layer.diagnosticAt(['providers'], 'warning', 'Workspace providers are ignored until you trust this folder: no request goes to an address a repository chose before that.', 'key'));
      continue;
    }
    for (const [id, spec] of entries) {
      if (reserved.has(id)) {
        budget.add(layer, 'error', () => layer.diagnosticAt(['providers', id], 'error', `Provider "${id}" is already defined (a built-in provider or one in your user settings). A workspace cannot redefine it, so that a stored API key can never be sent to an address a repository chose. Use a new id, e.g. "${id}-local".`, 'key'));
        continue;
      }
      const type = spec.type ?? 'openai-compatible';
      if (!(CUSTOM_TYPES as readonly string[]).includes(type)) {
        budget.add(layer, 'error', () => layer.diagnosticAt(['providers', id, 'type'], 'error', `Provider "${id}" has type "${type}", which Tack does not support. Supported: ${CUSTOM_TYPES.join(', ')}.`));
        continue;
      }
      if (!isHttpUrl(spec.baseUrl)) {
        budget.add(layer, 'error', () => layer.diagnosticAt(['providers', id, 'baseUrl'], 'error', `Provider "${id}" has an invalid baseUrl "${spec.baseUrl}": it must be an http:// or https:// URL.`));
        continue;
      }
      providers[id] = { ...spec, id, fromWorkspace: true };
    }
  }

  // Same name in several layers: deep-merged, higher layers win. Names are data: maps without a prototype.
  const raw: Record<string, ProfileSpec> = Object.create(null);
  const definedIn = new Map<string, ParsedLayer[]>();
  for (const layer of layers) {
    for (const [name, spec] of Object.entries(layer.doc!.profiles ?? {})) {
      raw[name] = Object.hasOwn(raw, name) ? deepMerge(raw[name] as PlainObject, spec as PlainObject) : deepMerge({}, spec as PlainObject);
      const list = definedIn.get(name);
      if (list) list.push(layer); else definedIn.set(name, [layer]);
    }
  }
  const names = Object.keys(raw);
  const ownProfile = (l: ParsedLayer, name: string): unknown => getPath(l.doc!.profiles, [name]);
  /** The highest layer that sets `path` in profile `name`'s own definition. */
  const layerSetting = (name: string, path: ReadonlyArray<string | number>): ParsedLayer | undefined =>
    [...(definedIn.get(name) ?? [])].reverse().find(l => getPath(ownProfile(l, name), path) !== undefined);
  /** Reports a problem of profile `name` at `path`, in the layer that set it (within that layer's budget). */
  const at = (name: string, path: ReadonlyArray<string | number>, severity: ProfileDiagnostic['severity'], message: string | (() => string)): void => {
    const text = typeof message === 'string' ? () => message : message;
    const layer = layerSetting(name, path);
    if (layer && path.length) {
      budget.add(layer, severity, () => layer.diagnosticAt(['profiles', name, ...path], severity, text()));
      return;
    }
    const defs = definedIn.get(name)!;
    const top = defs[defs.length - 1];
    budget.add(top, severity, () => top.diagnosticAt(['profiles', name], severity, text(), 'key'));
  };

  const { specs, chains, problems } = resolveExtends(raw);
  for (const p of problems) {
    if (p.kind === 'unknown') {
      at(p.profile, ['extends'], 'error', () => {
        const hint = hintFor(p.target, names);
        return `Profile "${p.profile}" extends "${p.target}", which does not exist.${hint ? ` Did you mean "${hint}"?` : ''} Known profiles: ${knownList(names)}.`;
      });
    } else if (p.kind === 'too-deep') {
      at(p.profile, ['extends'], 'error', `The "extends" chain of profile "${p.profile}" is longer than ${p.limit} profiles; Tack ignores its "extends". Shorten the chain.`);
    } else {
      const message = p.cycle.length === 2
        ? `Profile "${p.profile}" extends itself.`
        : `Profiles extend each other in a cycle: ${p.cycle.length > 12 ? `${p.cycle.slice(0, 12).join(' → ')} → …` : p.cycle.join(' → ')}. Remove one of these "extends".`;
      at(p.profile, ['extends'], 'error', message);
    }
  }

  const view = { known: new Set([...reserved, ...Object.keys(providers)]), ignoredUntilTrusted, builtinPrompts: ctx.builtinPrompts };
  // No prototype: `profiles[name]` for any name a file or `--profile` gives is that profile or undefined.
  const profiles: Record<string, ResolvedProfile> = Object.create(null);
  for (const name of names) {
    for (const prob of checkProfile(name, specs[name], view)) placeProblem(name, prob, raw[name], at);
    const sources = definedIn.get(name)!;
    profiles[name] = toResolved(name, specs[name], chains[name], sources[sources.length - 1].source, ctx.trusted);
  }

  let defaultProfile: string | undefined;
  for (const layer of [...layers].reverse()) {
    const d = layer.doc!.default;
    if (d === undefined) continue;
    if (Object.hasOwn(profiles, d)) { defaultProfile = d; break; }
    budget.add(layer, 'error', () => {
      const hint = hintFor(d, names);
      return layer.diagnosticAt(['default'], 'error', `"default" names the profile "${d}", which does not exist.${hint ? ` Did you mean "${hint}"?` : ''} Known profiles: ${knownList(names)}.`);
    });
  }
  budget.finish();
  defaultProfile ??= Object.hasOwn(profiles, FALLBACK_DEFAULT_PROFILE) ? FALLBACK_DEFAULT_PROFILE : names[0] ?? FALLBACK_DEFAULT_PROFILE;
  if (!Object.hasOwn(profiles, defaultProfile)) profiles[defaultProfile] = toResolved(defaultProfile, {}, [defaultProfile], 'builtin', ctx.trusted);
  if (!names.includes(defaultProfile)) names.push(defaultProfile);

  return { names, profiles, defaultProfile, providers, diagnostics };
}

/**
 * A problem in an inherited value is reported once, on the profile that sets it; problems that come from combining
 * values (a model outside allowedProviders) are reported on the profile where the combination happens.
 */
function placeProblem(name: string, prob: CheckProblem, own: ProfileSpec, at: (n: string, p: ReadonlyArray<string | number>, s: ProfileDiagnostic['severity'], m: string) => void): void {
  if (getPath(own, prob.path) !== undefined) at(name, prob.path, prob.severity, prob.message);
  else if (prob.combination) at(name, own.allowedProviders !== undefined ? ['allowedProviders'] : [], prob.severity, prob.message);
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function toResolved(name: string, s: ProfileSpec, chain: string[], source: ResolvedProfile['source'], trusted: boolean): ResolvedProfile {
  const expect = s.expectQuantization === undefined ? [] : Array.isArray(s.expectQuantization) ? s.expectQuantization : [s.expectQuantization];
  const p: ResolvedProfile = {
    name,
    source,
    chain,
    ...(s as PlainObject),
    fallbackModels: s.fallbackModels ?? [],
    systemPrompt: s.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
    tools: { ...(s.tools ?? {}) },
    expectQuantization: expect,
  };
  if (!trusted) {
    for (const t of TOOLS_OFF_WHEN_UNTRUSTED) p.tools[t] = 'deny';
    p.mcpServers = [];
    p.restricted = true;
  }
  return p;
}
