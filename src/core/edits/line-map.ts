/**
 * How the lines of one version of a file correspond to the next one. A hashline edit names lines of the version the
 * model read; these maps carry those numbers to the file as it is now, and say when a line the edit touches was
 * changed in between (then the edit must not apply blindly).
 */
import { diffArrays } from 'diff';

/**
 * `to[i]` is the new number of old line i (1-based), or -1 when line i was changed or removed. `to[0] = 0` and
 * `to[oldCount + 1] = newCount + 1` stand for the start and end of the file, so insertion points at either end map
 * like any other.
 */
export interface LineMap {
  to: Int32Array;
  oldCount: number;
  newCount: number;
}

/** A replaced range (start..end) or, with end = start - 1, the insertion point before `start`. */
export interface LineRange {
  start: number;
  end: number;
}

/** Edits past this many changed lines are not worth diffing line by line: everything between the common ends counts as changed. */
const MAX_EDIT_LENGTH = 4000;

function blankMap(oldCount: number, newCount: number): LineMap {
  const to = new Int32Array(oldCount + 2).fill(-1);
  to[0] = 0;
  to[oldCount + 1] = newCount + 1;
  return { to, oldCount, newCount };
}

/** Line correspondence found by a line diff (for changes made by anything other than our own hashline edit). */
export function diffMap(oldLines: readonly string[], newLines: readonly string[]): LineMap {
  const map = blankMap(oldLines.length, newLines.length);
  let prefix = 0;
  const shorter = Math.min(oldLines.length, newLines.length);
  while (prefix < shorter && oldLines[prefix] === newLines[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    oldLines[oldLines.length - 1 - suffix] === newLines[newLines.length - 1 - suffix]
  ) suffix++;
  for (let i = 1; i <= prefix; i++) map.to[i] = i;
  for (let k = 0; k < suffix; k++) map.to[oldLines.length - k] = newLines.length - k;
  const oldMid = oldLines.slice(prefix, oldLines.length - suffix);
  const newMid = newLines.slice(prefix, newLines.length - suffix);
  if (oldMid.length === 0 || newMid.length === 0) return map;
  const changes = diffArrays(oldMid, newMid, { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) return map;
  let o = prefix + 1;
  let n = prefix + 1;
  for (const c of changes) {
    const count = c.value.length;
    if (c.added) n += count;
    else if (c.removed) o += count;
    else for (let k = 0; k < count; k++) map.to[o++] = n++;
  }
  return map;
}

/** Exact correspondence for our own edit: `regions` (sorted, not overlapping) were replaced by `newLen` lines each. */
export function editMap(oldCount: number, regions: ReadonlyArray<LineRange & { newLen: number }>): LineMap {
  let newCount = oldCount;
  for (const r of regions) newCount += r.newLen - (r.end - r.start + 1);
  const map = blankMap(oldCount, newCount);
  let delta = 0;
  let line = 1;
  for (const r of regions) {
    for (; line < r.start; line++) map.to[line] = line + delta;
    line = r.end + 1;
    delta += r.newLen - (r.end - r.start + 1);
  }
  for (; line <= oldCount; line++) map.to[line] = line + delta;
  return map;
}

/**
 * Where `range` is in the new version, or undefined when a line it replaces changed or something was inserted
 * between them; an insertion point maps only when the lines on both sides (or the file's ends) are unchanged and
 * still next to each other.
 */
export function mapRange(map: LineMap, range: LineRange): LineRange | undefined {
  const { to } = map;
  if (range.end < range.start) {
    const before = to[range.start - 1];
    const after = to[range.start];
    if (before < 0 || after < 0 || after - before !== 1) return undefined;
    return { start: after, end: before };
  }
  for (let i = range.start; i <= range.end; i++) if (to[i] < 0) return undefined;
  if (to[range.end] - to[range.start] !== range.end - range.start) return undefined;
  return { start: to[range.start], end: to[range.end] };
}

/**
 * Best guess at where `range` went when it did not map: everything between the nearest unchanged lines around it
 * (the whole changed hunk). Always a valid range of the new version (possibly an insertion point).
 */
export function approximateRange(map: LineMap, range: LineRange): LineRange {
  const { to } = map;
  let p = Math.min(range.start - 1, map.oldCount);
  while (p > 0 && to[p] < 0) p--;
  let q = Math.max(range.end + 1, 1);
  while (q <= map.oldCount && to[q] < 0) q++;
  const start = to[p] + 1;
  const end = Math.max(to[q] - 1, start - 1);
  return { start, end };
}
