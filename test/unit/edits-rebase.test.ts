// Hashline tags across versions: our own later edits (rebased), writes, changes made outside Tack, tag collisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileSnapshots } from '../../src/core/edits/snapshots';
import { contentHash } from '../../src/core/edits/lines';
import { Session, numbered, tagOf } from './edits-support';

test('two successive edits with the first tag: the second is rebased over the first', () => {
  const s = new Session(numbered(10));
  const { tag } = s.read();
  s.ok(tag, [{ start: 2, end: 2, lines: ['two a', 'two b', 'two c'] }]);
  const out = s.ok(tag, [{ start: 8, end: 8, lines: ['eight'] }]);
  assert.equal(s.content, 'line 1\ntwo a\ntwo b\ntwo c\nline 3\nline 4\nline 5\nline 6\nline 7\neight\nline 9\nline 10\n');
  // The result speaks in current numbers.
  assert.equal(out, `[src/a.ts#${tagOf(out)}]\n9:line 7\n10:eight\n11:line 9`);
  // A third edit with the same first tag, above both, still lands right.
  s.ok(tag, [{ start: 1, end: 0, lines: ['// head'] }]);
  assert.ok(s.content.startsWith('// head\nline 1\ntwo a\n'));
  s.ok(tag, [{ start: 11, end: 10, lines: ['tail'] }]);
  assert.ok(s.content.endsWith('line 10\ntail\n'));
});

test('an edit with an old tag touching lines our own later edit changed is refused with the current lines and tag', () => {
  const s = new Session(numbered(10));
  const { tag } = s.read();
  const first = s.ok(tag, [{ start: 4, end: 5, lines: ['four and five'] }]);
  const msg = s.refused(tag, [{ start: 5, end: 6, lines: ['x'] }]);
  const current = tagOf(first);
  assert.equal(
    msg,
    `Edit refused: your own later edit changed lines 5-6 of #${tag}. Nothing was written. ` +
      `Current lines of [src/a.ts#${current}]:\n2:line 2\n3:line 3\n4:four and five\n5:line 6\n6:line 7\n7:line 8\n` +
      `Retry with tag ${current} and these line numbers.`,
  );
  s.ok(current, [{ start: 4, end: 5, lines: ['x'] }]);
  assert.equal(s.content, 'line 1\nline 2\nline 3\nx\nline 7\nline 8\nline 9\nline 10\n');
});

test('an insertion at the same point as our own earlier insertion is refused (above or below it is unclear)', () => {
  const s = new Session(numbered(5));
  const { tag } = s.read();
  s.ok(tag, [{ start: 3, end: 2, lines: ['new'] }]);
  assert.match(s.refused(tag, [{ start: 3, end: 2, lines: ['other'] }]), /your own later edit changed the insertion point before line 3 of #[0-9a-f]+\./);
  // Next to it, but not at it: fine.
  s.ok(tag, [{ start: 4, end: 3, lines: ['other'] }]);
  assert.equal(s.content, 'line 1\nline 2\nnew\nline 3\nother\nline 4\nline 5\n');
});

test('changed outside Tack, edit elsewhere: applied to the mapped lines and the result says so', () => {
  const s = new Session(numbered(10));
  const { tag } = s.read();
  s.content = 'import x;\n' + s.content.replace('line 9\n', 'LINE NINE\n');
  const out = s.ok(tag, [{ start: 3, end: 3, lines: ['three'] }]);
  assert.equal(s.content, 'import x;\nline 1\nline 2\nthree\nline 4\nline 5\nline 6\nline 7\nline 8\nLINE NINE\nline 10\n');
  assert.equal(
    out,
    `[src/a.ts#${tagOf(out)}]\nThe file had changed outside Tack since #${tag}; the edit was applied where those lines are now (line 4).\n` +
      '3:line 2\n4:three\n5:line 4',
  );
  // The outside version and our edit are now in the lineage: the old tag still maps.
  s.ok(tag, [{ start: 10, end: 10, lines: ['ten'] }]);
  assert.ok(s.content.endsWith('LINE NINE\nten\n'));
});

test('changed outside Tack on the edited lines: refused with the current lines and a fresh tag that works without a re-read', () => {
  const s = new Session(numbered(30));
  const { tag } = s.read();
  s.content = s.content.replace('line 20\n', 'line twenty\n');
  const msg = s.refused(tag, [{ start: 20, end: 20, lines: ['20'] }]);
  const fresh = /Current lines of \[src\/a\.ts#([0-9a-f]+)\]/.exec(msg)![1];
  assert.equal(
    msg,
    `Edit refused: the file changed outside Tack at line 20 of #${tag}. Nothing was written. ` +
      `Current lines of [src/a.ts#${fresh}]:\n18:line 18\n19:line 19\n20:line twenty\n21:line 21\n22:line 22\n` +
      `Retry with tag ${fresh} and these line numbers.`,
  );
  s.ok(fresh, [{ start: 20, end: 20, lines: ['20'] }]);
  assert.ok(s.content.includes('line 19\n20\nline 21\n'));
});

test('outside insertion between the lines of a replaced range, or right at an insertion point: refused', () => {
  const s = new Session(numbered(6));
  const { tag } = s.read();
  s.content = s.content.replace('line 3\n', 'line 3\nsomeone else\n');
  assert.match(s.refused(tag, [{ start: 3, end: 4, lines: ['x'] }]), /changed outside Tack at lines 3-4 of #[0-9a-f]+/);
  assert.match(s.refused(tag, [{ start: 4, end: 3, lines: ['x'] }]), /insertion point before line 4/);
  // Appending still works: the end of the file did not move relative to line 6.
  s.ok(tag, [{ start: 7, end: 6, lines: ['line 7'] }]);
  assert.equal(s.content, 'line 1\nline 2\nline 3\nsomeone else\nline 4\nline 5\nline 6\nline 7\n');
});

test('planHashline changes nothing on success; commit records the written content', () => {
  const s = new Session('a\nb\n');
  const { tag } = s.read();
  const plan = s.snaps.planHashline(s.path, s.content, { path: s.path, tag, edits: [{ start: 1, end: 1, lines: ['A'] }] });
  assert.ok(plan.ok);
  assert.equal(s.snaps.latestTag(s.path), tag);
  // Not written: the same plan again is still valid, and the old tag still names the file.
  assert.ok(s.snaps.planHashline(s.path, s.content, { path: s.path, tag, edits: [{ start: 1, end: 1, lines: ['A'] }] }).ok);
  const out = s.snaps.commit(s.path, plan);
  assert.equal(s.snaps.latestTag(s.path), tagOf(out));
});

test('recordWrite: a written file is editable without a read; older tags map through the write where lines are unchanged', () => {
  const s = new Session(numbered(5));
  const { tag } = s.read({ offset: 1, limit: 2 });
  s.content = 'line 1\nline 2\nline 3\nNEW 4\nline 5\nline 6\nline 7\n';
  const written = s.snaps.recordWrite(s.path, s.content);
  assert.match(written, /^[0-9a-f]{4,}$/);
  // Every line of a write counts as shown.
  s.ok(written, [{ start: 7, end: 7, lines: ['seven'] }]);
  s.ok(tag, [{ start: 1, end: 1, lines: ['one'] }]);
  assert.equal(s.content, 'one\nline 2\nline 3\nNEW 4\nline 5\nline 6\nseven\n');
  assert.match(s.refused(tag, [{ start: 4, end: 4, lines: ['x'] }]), /a later write changed line 4 of #[0-9a-f]+/);
});

test('reverting to an earlier content gives back its tag; the old tag then names the current file', () => {
  const s = new Session('a\nb\n');
  const { tag } = s.read();
  const t2 = tagOf(s.ok(tag, [{ start: 1, end: 1, lines: ['A'] }]));
  const t3 = tagOf(s.ok(t2, [{ start: 1, end: 1, lines: ['a'] }]));
  assert.equal(t3, tag);
  s.ok(tag, [{ start: 2, end: 2, lines: ['B'] }]);
  assert.equal(s.content, 'a\nB\n');
});

test('a tag is lengthened when its 4 characters would collide with another snapshot of the same path', () => {
  const seen = new Map<string, string>();
  let pair: [string, string] | undefined;
  for (let i = 0; !pair; i++) {
    const content = `value ${i}\n`;
    const prefix = contentHash(content).slice(0, 4);
    const other = seen.get(prefix);
    if (other !== undefined) pair = [other, content];
    else seen.set(prefix, content);
  }
  const snaps = new FileSnapshots();
  const first = tagOf(snaps.renderRead('p.txt', pair[0]));
  const second = tagOf(snaps.renderRead('p.txt', pair[1]));
  assert.equal(first.length, 4);
  assert.ok(second.length > 4 && second.startsWith(first));
  // Other paths do not count: the same content elsewhere gets 4 characters.
  assert.equal(tagOf(snaps.renderRead('q.txt', pair[1])).length, 4);
  // Both tags work; the older one is rebased to the current content.
  const plan = snaps.planHashline('p.txt', pair[1], { path: 'p.txt', tag: second, edits: [{ start: 1, end: 1, lines: ['x'] }] });
  assert.ok(plan.ok && plan.content === 'x\n');
  const stale = snaps.planHashline('p.txt', pair[1], { path: 'p.txt', tag: first, edits: [{ start: 1, end: 1, lines: ['x'] }] });
  assert.ok(!stale.ok && /changed outside Tack/.test(stale.message));
});

test('CRLF file changed outside: mapped edit keeps CRLF', () => {
  const s = new Session('a\r\nb\r\nc\r\n');
  const { tag } = s.read();
  s.content = 'top\r\n' + s.content;
  s.ok(tag, [{ start: 3, end: 3, lines: ['C'] }]);
  assert.equal(s.content, 'top\r\na\r\nb\r\nC\r\n');
});
