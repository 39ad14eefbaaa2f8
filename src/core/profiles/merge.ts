/**
 * Layer merging and `extends`. Rules, in one place:
 *  - the same profile name in several layers: built-in < user (`tack.profiles`) < workspace, deep-merged;
 *  - `extends` is resolved after that merge, so it reaches across layers (a workspace profile may extend a
 *    built-in or a user profile) and a workspace override of a built-in applies to every profile extending it;
 *  - deep merge: objects merge key by key (so `tools` maps combine), arrays and plain values replace; an empty
 *    object replaces too, so `"tools": {}` clears the inherited map (chat only);
 *  - `extends` and `description` belong to one profile and are not inherited;
 *  - an unknown target or a cycle never stops resolution: the broken link is dropped and reported.
 */
import type { ProfileSpec } from './types';

export type PlainObject = Record<string, unknown>;

function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` on top of `base`; neither is modified. */
export function deepMerge<T extends PlainObject>(base: T, over: PlainObject): T {
  const out: PlainObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) && Object.keys(v).length > 0 ? deepMerge(b, v) : clone(v);
  }
  return out as T;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isPlainObject(v)) return deepMerge({}, v);
  return v;
}

export type ExtendsProblem =
  | { kind: 'unknown'; profile: string; target: string }
  | { kind: 'cycle'; profile: string; cycle: string[] };

export interface ExtendsResult {
  /** Every profile with its ancestors merged in; `extends` removed. */
  specs: Record<string, ProfileSpec>;
  /** `extends` chain per profile, the profile first. */
  chains: Record<string, string[]>;
  problems: ExtendsProblem[];
}

const NOT_INHERITED = ['extends', 'description'] as const;

/** Resolves `extends` over already layer-merged specs. */
export function resolveExtends(raw: Readonly<Record<string, ProfileSpec>>): ExtendsResult {
  const specs: Record<string, ProfileSpec> = {};
  const chains: Record<string, string[]> = {};
  const problems: ExtendsProblem[] = [];
  const reported = new Set<string>();
  const visiting: string[] = [];

  const resolve = (name: string): void => {
    if (specs[name]) return;
    const own = raw[name];
    visiting.push(name);
    let base: ProfileSpec = {};
    let chain = [name];
    const target = own.extends;
    if (target !== undefined) {
      if (!Object.prototype.hasOwnProperty.call(raw, target)) {
        problems.push({ kind: 'unknown', profile: name, target });
      } else if (visiting.includes(target)) {
        const cycle = [...visiting.slice(visiting.indexOf(target)), target];
        const key = [...cycle].slice(0, -1).sort().join('\u0000');
        // One report per cycle, on the profile whose `extends` closes it.
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({ kind: 'cycle', profile: name, cycle });
        }
      } else {
        resolve(target);
        base = { ...specs[target] };
        chain = [name, ...chains[target]];
      }
    }
    for (const k of NOT_INHERITED) delete (base as PlainObject)[k];
    const mine = deepMerge(base as PlainObject, own as PlainObject) as ProfileSpec;
    delete mine.extends;
    visiting.pop();
    specs[name] = mine;
    chains[name] = chain;
  };

  for (const name of Object.keys(raw)) resolve(name);
  return { specs, chains, problems };
}
