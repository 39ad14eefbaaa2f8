/**
 * Hashline edits: a read shows `[path#tag]` and numbered rows; an edit names that tag and line numbers. This class
 * remembers, per agent session and path, every version the model saw (snapshots) and how each one's lines map onto
 * the next, so an edit made against an older read lands on the right lines of the file as it is now, or is refused
 * with what the model needs to retry. Pure: strings in, strings out; the tool layer does the file I/O.
 */
import { applyReplacements } from './apply';
import { checkEdits, type HashlineArgs } from './hashline-args';
import { approximateRange, diffMap, editMap, mapRange, type LineMap, type LineRange } from './line-map';
import { contentHash, formatRows, indentMismatchNote, joinLines, readCall, splitLines, type FileLines } from './lines';
import { renderRows, resolveRange, type ReadRange } from './plain-read';

export type { ReadRange } from './plain-read';
export type { HashlineArgs, HashlineEdit } from './hashline-args';

/** How a snapshot came from the one before it. */
type Origin = 'edit' | 'write' | 'outside';

interface Snapshot {
  tag: string;
  hash: string;
  content: string;
  lines: FileLines;
  /** shown[n] = 1 when line n was in front of the model (read, written by it, or shown in a result). */
  shown: Uint8Array;
  via?: { map: LineMap; origin: Origin };
}

/** A hashline edit ready to be written; hand it to commit() once `content` is on disk. */
export interface PlannedEdit {
  ok: true;
  content: string;
  path: string;
  /** The file content the plan was made against. */
  base: string;
  /** The replaced ranges of `base` and how many lines replaced each, top-down. */
  changes: Array<LineRange & { newLen: number }>;
  /** First line of each change in `content`. */
  starts: number[];
  notes: string[];
}

export type EditPlan = PlannedEdit | { ok: false; message: string };

/** Older snapshots of a path are forgotten; an edit naming one is asked to read again. */
const MAX_SNAPSHOTS_PER_PATH = 32;
/** Lines of context around a changed region in an edit result. */
const RESULT_CONTEXT = 1;
/** A longer changed region is shown as its first and last rows. */
const RESULT_MAX_ROWS = 12;
/** Rows around a refused range (and its cap) when showing the current lines. */
const REFUSAL_CONTEXT = 2;
const REFUSAL_MAX_ROWS = 30;

function normalizeTag(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  let t = raw.trim().replace(/^\[/, '').replace(/\]$/, '');
  const hash = t.lastIndexOf('#');
  if (hash >= 0) t = t.slice(hash + 1);
  return t.trim().toLowerCase();
}

function describe(r: LineRange, count: number): string {
  if (r.end < r.start) return r.start > count ? `the end of the file (after line ${count})` : `the insertion point before line ${r.start}`;
  return r.start === r.end ? `line ${r.start}` : `lines ${r.start}-${r.end}`;
}

function markShown(snap: Snapshot, from: number, to: number): void {
  for (let n = Math.max(1, from); n <= Math.min(to, snap.lines.text.length); n++) snap.shown[n] = 1;
}

/** Joined windows of rows (merged where they touch), each capped to its first and last rows. */
function renderWindows(snap: Snapshot, windows: LineRange[], maxRows: number): string {
  const count = snap.lines.text.length;
  if (count === 0) return '(empty file)';
  const sorted = windows
    .map(w => ({ start: Math.max(1, w.start), end: Math.min(count, w.end) }))
    .filter(w => w.end >= w.start)
    .sort((a, b) => a.start - b.start);
  const merged: LineRange[] = [];
  for (const w of sorted) {
    const last = merged.at(-1);
    if (last && w.start <= last.end + 1) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  const parts: string[] = [];
  for (const w of merged) {
    if (w.end - w.start + 1 <= maxRows) {
      parts.push(formatRows(snap.lines.text, w.start, w.end));
      markShown(snap, w.start, w.end);
      continue;
    }
    const half = Math.floor((maxRows - 1) / 2);
    const head = formatRows(snap.lines.text, w.start, w.start + half - 1);
    const tail = formatRows(snap.lines.text, w.end - half + 1, w.end);
    parts.push(`${head}\n… ${w.end - w.start + 1 - 2 * half} lines\n${tail}`);
    markShown(snap, w.start, w.start + half - 1);
    markShown(snap, w.end - half + 1, w.end);
  }
  return parts.join('\n…\n');
}

export class FileSnapshots {
  private readonly files = new Map<string, Snapshot[]>();

  /** Renders a hashline read of `content` and remembers the snapshot and which lines were shown. */
  renderRead(path: string, content: string, range?: ReadRange): string {
    const snap = this.record(path, content, 'outside');
    const { from, to } = resolveRange(snap.lines.text.length, range);
    markShown(snap, from, to);
    return `[${path}#${snap.tag}]\n${renderRows(snap.lines.text, from, to)}`;
  }

  /** The tag of the newest snapshot of `path`, if it was read or written in this session. */
  latestTag(path: string): string | undefined {
    return this.files.get(path)?.at(-1)?.tag;
  }

  /**
   * Plans a hashline edit against the file's current content. Changes nothing when it succeeds (commit() records
   * the result). A refusal that shows the current lines records that version, so its tag works for the retry.
   */
  planHashline(path: string, current: string, args: HashlineArgs): EditPlan {
    const snaps = this.files.get(path) ?? [];
    const tag = normalizeTag(args?.tag);
    let index = -1;
    for (let i = snaps.length - 1; i >= 0 && index < 0; i--) if (snaps[i].tag === tag) index = i;
    if (index < 0) {
      const why = snaps.length === 0
        ? `${path} was not read in this session`
        : `tag "${String(args?.tag)}" is not from a recent read of ${path}`;
      return { ok: false, message: `Edit refused: ${why}. Run ${readCall(path)} and use the tag it shows.` };
    }
    const read = snaps[index];
    const checked = checkEdits(args?.edits, read.lines.text.length, read.tag);
    if (!checked.ok) return { ok: false, message: `Edit refused: ${checked.message}` };

    const latest = snaps[snaps.length - 1];
    const outside = current !== latest.content;
    const cur = outside ? splitLines(current) : latest.lines;
    const steps: Array<{ map: LineMap; origin: Origin; snap?: Snapshot }> = [];
    for (let i = index + 1; i < snaps.length; i++) {
      const via = snaps[i].via;
      if (via) steps.push({ map: via.map, origin: via.origin, snap: snaps[i] });
    }
    if (outside) steps.push({ map: diffMap(latest.lines.text, cur.text), origin: 'outside' });

    const mapped = checked.edits.map(edit => {
      let range: LineRange = { start: edit.start, end: edit.end };
      let conflict: Origin | undefined;
      let seen = this.seenIn(read, range, undefined);
      for (const step of steps) {
        const next = mapRange(step.map, range);
        if (conflict || !next) {
          conflict ??= step.origin;
          range = next ?? approximateRange(step.map, range);
        } else {
          range = next;
          if (step.snap) seen = this.seenIn(step.snap, range, seen);
        }
      }
      return { edit, range, conflict, seen: seen.every(Boolean) };
    });

    const conflicts = mapped.filter(m => m.conflict);
    if (conflicts.length > 0) {
      const shownSnap = outside ? this.record(path, current, 'outside') : latest;
      const ranges = conflicts.map(m => describe(m.edit, read.lines.text.length)).join(', ');
      const origins = new Set(conflicts.map(m => m.conflict));
      const why = origins.has('outside')
        ? `the file changed outside Tack at ${ranges} of #${read.tag}`
        : `${origins.has('write') ? 'a later write' : 'your own later edit'} changed ${ranges} of #${read.tag}`;
      const windows = conflicts.map(m => ({
        start: m.range.start - REFUSAL_CONTEXT,
        end: Math.max(m.range.end, m.range.start) + REFUSAL_CONTEXT,
      }));
      return {
        ok: false,
        message:
          `Edit refused: ${why}. Nothing was written. ` +
          `Current lines of [${path}#${shownSnap.tag}]:\n${renderWindows(shownSnap, windows, REFUSAL_MAX_ROWS)}\n` +
          `Retry with tag ${shownSnap.tag} and these line numbers.`,
      };
    }

    const unseen = mapped.find(m => !m.seen);
    if (unseen) {
      const r = unseen.range;
      const from = r.end < r.start ? r.start - 1 : r.start;
      const to = r.end < r.start ? r.start : r.end;
      return {
        ok: false,
        message:
          `Edit refused: ${describe(unseen.edit, read.lines.text.length)} of #${read.tag} ` +
          `${r.end < r.start ? 'is next to lines' : unseen.edit.start === unseen.edit.end ? 'was' : 'were'} never shown to you. ` +
          `Run ${readCall(path, Math.max(1, from), Math.min(Math.max(1, to), cur.text.length))} first.`,
      };
    }

    const replacements = mapped.map(m => ({ start: m.range.start, end: m.range.end, lines: m.edit.lines }));
    const applied = applyReplacements(cur, replacements);
    const content = joinLines(applied.lines);
    const notes: string[] = [];
    if (outside) {
      notes.push(
        `The file had changed outside Tack since #${read.tag}; the edit was applied where those lines are now ` +
          `(${mapped.map(m => describe(m.range, cur.text.length)).join(', ')}).`,
      );
    }
    const indent = indentMismatchNote(cur.text, replacements.flatMap(r => r.lines));
    if (indent) notes.push(indent);
    if (checked.strippedPrefixes) notes.push('Dropped the copied "n:" row prefixes from lines (they are not file text).');
    if (content === current) notes.push('The edit changed nothing: the lines were already like that.');
    return {
      ok: true,
      content,
      path,
      base: current,
      changes: replacements.map(r => ({ start: r.start, end: r.end, newLen: r.lines.length })),
      starts: applied.starts,
      notes,
    };
  }

  /**
   * Call after the tool layer wrote plan.content to disk: records the new snapshot (so later edits with older tags
   * rebase onto it) and returns the new tag with the changed rows (new numbers, a line of context each side).
   */
  commit(path: string, plan: PlannedEdit): string {
    const latest = this.files.get(path)?.at(-1);
    const base = latest && latest.content === plan.base ? latest : this.record(path, plan.base, 'outside');
    const map = editMap(base.lines.text.length, plan.changes);
    const snap = this.record(path, plan.content, 'edit', map);
    const windows = plan.changes.map((c, i) => {
      markShown(snap, plan.starts[i], plan.starts[i] + c.newLen - 1);
      return { start: plan.starts[i] - RESULT_CONTEXT, end: plan.starts[i] + c.newLen - 1 + RESULT_CONTEXT };
    });
    const notes = plan.notes.length > 0 ? `${plan.notes.join('\n')}\n` : '';
    return `[${path}#${snap.tag}]\n${notes}${renderWindows(snap, windows, RESULT_MAX_ROWS)}`;
  }

  /**
   * The file was written by something other than a hashline edit of ours (write / whole / search-replace): its
   * lines count as shown (the model wrote them). Returns the tag.
   */
  recordWrite(path: string, content: string): string {
    const snap = this.record(path, content, 'write');
    snap.shown.fill(1);
    return snap.tag;
  }

  /** Per line of `range` in `snap` (for an insertion point: one flag, either neighbour), OR-ed into `seen`. */
  private seenIn(snap: Snapshot, range: LineRange, seen: boolean[] | undefined): boolean[] {
    const count = snap.lines.text.length;
    if (range.end < range.start) {
      const before = range.start - 1;
      const now = count === 0 || (before >= 1 && snap.shown[before] === 1) || (range.start <= count && snap.shown[range.start] === 1);
      return [Boolean(seen?.[0]) || now];
    }
    const out: boolean[] = [];
    for (let n = range.start; n <= range.end; n++) out.push(Boolean(seen?.[n - range.start]) || snap.shown[n] === 1);
    return out;
  }

  /**
   * The snapshot for `content`: the newest one when nothing changed, else a new one linked to the newest by `map`
   * (or by a line diff). Lines that map unchanged from a shown line stay shown.
   */
  private record(path: string, content: string, origin: Origin, map?: LineMap): Snapshot {
    let snaps = this.files.get(path);
    if (!snaps) this.files.set(path, (snaps = []));
    const latest = snaps.at(-1);
    if (latest && latest.content === content) return latest;
    const hash = contentHash(content);
    const lines = splitLines(content);
    const shown = new Uint8Array(lines.text.length + 1);
    let via: Snapshot['via'];
    if (latest) {
      via = { map: map ?? diffMap(latest.lines.text, lines.text), origin };
      for (let n = 1; n <= latest.lines.text.length; n++) if (latest.shown[n] && via.map.to[n] > 0) shown[via.map.to[n]] = 1;
    }
    const snap: Snapshot = { tag: this.tagFor(snaps, hash), hash, content, lines, shown, via };
    snaps.push(snap);
    if (snaps.length > MAX_SNAPSHOTS_PER_PATH) snaps.splice(0, snaps.length - MAX_SNAPSHOTS_PER_PATH);
    return snap;
  }

  /** Same content, same tag; otherwise the shortest prefix (4+) no other snapshot of the path uses. */
  private tagFor(snaps: readonly Snapshot[], hash: string): string {
    const same = snaps.find(s => s.hash === hash);
    if (same) return same.tag;
    let length = 4;
    while (snaps.some(s => s.tag === hash.slice(0, length))) length++;
    return hash.slice(0, length);
  }
}
