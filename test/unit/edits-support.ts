/** Helpers for the edit-format tests: a session that reads and edits a file kept in memory, as the tool layer would. */
import assert from 'node:assert/strict';
import { FileSnapshots, type HashlineEdit, type ReadRange } from '../../src/core/edits/snapshots';

/** The tag of a hashline read or edit result (`[path#tag]` on its first line). */
export function tagOf(output: string): string {
  const m = /^\[[^\]\n]*#([0-9a-f]{4,})\]/.exec(output);
  assert.ok(m, `no [path#tag] header in:\n${output}`);
  return m[1];
}

/** One file on a pretend disk and the session's snapshots of it. */
export class Session {
  readonly snaps = new FileSnapshots();
  constructor(public content: string, readonly path = 'src/a.ts') {}

  read(range?: ReadRange): { text: string; tag: string } {
    const text = this.snaps.renderRead(this.path, this.content, range);
    return { text, tag: tagOf(text) };
  }

  /** Plans, and when the plan is ok writes and commits it. Returns the text the model gets. */
  edit(tag: string, edits: HashlineEdit[] | unknown): { ok: boolean; text: string } {
    const plan = this.snaps.planHashline(this.path, this.content, { path: this.path, tag, edits: edits as HashlineEdit[] });
    if (!plan.ok) return { ok: false, text: plan.message };
    this.content = plan.content;
    return { ok: true, text: this.snaps.commit(this.path, plan) };
  }

  /** An edit that must succeed; returns the commit text. */
  ok(tag: string, edits: HashlineEdit[] | unknown): string {
    const r = this.edit(tag, edits);
    assert.ok(r.ok, `edit refused:\n${r.text}`);
    return r.text;
  }

  /** An edit that must be refused without touching the file; returns the message. */
  refused(tag: string, edits: HashlineEdit[] | unknown): string {
    const before = this.content;
    const r = this.edit(tag, edits);
    assert.equal(r.ok, false, `edit applied but should be refused:\n${r.text}`);
    assert.equal(this.content, before);
    return r.text;
  }
}

/** `n` lines `line 1` … `line n`, each ended by `eol`. */
export function numbered(n: number, eol = '\n'): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `line ${i}${eol}`;
  return s;
}
