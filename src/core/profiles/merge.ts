/**
 * Layer merging and `extends`. Rules, in one place:
 *  - the same profile name in several layers: built-in < user (`tack.profiles`) < workspace, deep-merged;
 *  - `extends` is resolved after that merge, so it reaches across layers (a workspace profile may extend a
 *    built-in or a user profile) and a workspace override of a built-in applies to every profile extending it;
 *  - deep merge: objects merge key by key (so `tools` maps combine), arrays and plain values replace; an empty
 *    object replaces too, so `"tools": {}` clears the inherited map (chat only);
 *  - `extends` and `description` belong to one profile and are not inherited;
 *  - an unknown target, a cycle or a chain longer than MAX_EXTENDS_DEPTH never stops resolution: the broken link is
 *    dropped and reported. Resolution is iterative and each profile walks at most MAX_EXTENDS_DEPTH links, so a
 *    chain or cycle of thousands of profiles costs linear time and no stack;
 *  - profile names index maps with no prototype (`constructor`, `toString`, `__proto__` are ordinary names).
 */
import type { ProfileSpec } from './types';

export type PlainObject = Record<string, unknown>;

function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets an own property, also for keys like `__proto__` that assignment would treat specially. */
function setOwn(obj: PlainObject, k: string, v: unknown): void {
  Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** `over` on top of `base`; neither is modified. */
export function deepMerge<T extends PlainObject>(base: T, over: PlainObject): T {
  const out: PlainObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isPlainObject(b) && isPlainObject(v) && Object.keys(v).length > 0 ? deepMerge(b, v) : clone(v));
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
  | { kind: 'cycle'; profile: string; cycle: string[] }
  | { kind: 'too-deep'; profile: string; limit: number };

export interface ExtendsResult {
  /** Every profile with its ancestors merged in; `extends` removed. Null prototype. */
  specs: Record<string, ProfileSpec>;
  /** `extends` chain per profile, the profile first. Null prototype. */
  chains: Record<string, string[]>;
  problems: ExtendsProblem[];
}

/** Longest `extends` chain (links from a profile to its root). */
export const MAX_EXTENDS_DEPTH = 32;

const NOT_INHERITED = ['extends', 'description'] as const;

/** Resolves `extends` over already layer-merged specs (`raw` looked up by own properties only). */
export function resolveExtends(raw: Readonly<Record<string, ProfileSpec>>): ExtendsResult {
  const specs: Record<string, ProfileSpec> = Object.create(null);
  const chains: Record<string, string[]> = Object.create(null);
  const problems: ExtendsProblem[] = [];
  const reported = new Set<string>();
  const has = (n: string) => Object.hasOwn(raw, n);

  /** Merges `name` on top of its (already resolved) base, or of nothing when `base` is undefined. */
  const settle = (name: string, base: string | undefined): void => {
    const inherited: ProfileSpec = base !== undefined ? { ...specs[base] } : {};
    for (const k of NOT_INHERITED) delete (inherited as PlainObject)[k];
    const mine = deepMerge(inherited as PlainObject, raw[name] as PlainObject) as ProfileSpec;
    delete mine.extends;
    specs[name] = mine;
    chains[name] = base !== undefined ? [name, ...chains[base]] : [name];
  };

  for (const start of Object.keys(raw)) {
    if (Object.hasOwn(specs, start)) continue;
    // Walk up from `start` until a resolved profile, a root, a broken link, or the depth limit.
    const path: string[] = [start];
    const onPath = new Set<string>(path);
    let brokenAt: string | undefined; // the profile whose link is dropped
    for (;;) {
      const cur = path[path.length - 1];
      const target = raw[cur].extends;
      if (target === undefined) break;
      if (Object.hasOwn(specs, target)) {
        if (path.length + chains[target].length > MAX_EXTENDS_DEPTH + 1) {
          problems.push({ kind: 'too-deep', profile: start, limit: MAX_EXTENDS_DEPTH });
          path.length = 1;
          brokenAt = start;
        }
        break;
      }
      if (!has(target)) {
        problems.push({ kind: 'unknown', profile: cur, target });
        brokenAt = cur;
        break;
      }
      if (onPath.has(target)) {
        const cycle = [...path.slice(path.indexOf(target)), target];
        const key = [...cycle].slice(0, -1).sort().join('\u0000');
        // One report per cycle, on the profile whose `extends` closes it.
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({ kind: 'cycle', profile: cur, cycle });
        }
        brokenAt = cur;
        break;
      }
      if (path.length > MAX_EXTENDS_DEPTH) {
        // Too long from `start`: `start` itself is cut loose; the profiles above it are resolved on their own.
        problems.push({ kind: 'too-deep', profile: start, limit: MAX_EXTENDS_DEPTH });
        path.length = 1;
        brokenAt = start;
        break;
      }
      path.push(target);
      onPath.add(target);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const name = path[i];
      const target = raw[name].extends;
      settle(name, name === brokenAt || target === undefined ? undefined : target);
    }
  }
  return { specs, chains, problems };
}
