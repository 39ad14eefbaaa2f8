// Hashline reads and edits against one version of a file: formats, ranges, line endings, unicode, model mistakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileSnapshots } from '../../src/core/edits/snapshots';
import { Session, numbered, tagOf } from './edits-support';

test('read: [path#tag] header, one n:text row per line, tag = 4 hex chars of the whole content', () => {
  const s = new Session('const a = 1;\n\tlet b;\n');
  const { text, tag } = s.read();
  assert.match(tag, /^[0-9a-f]{4}$/);
  assert.equal(text, `[src/a.ts#${tag}]\n1:const a = 1;\n2:\tlet b;`);
  // Same content, same tag; one changed byte, another tag.
  assert.equal(new FileSnapshots().renderRead('src/a.ts', s.content), text);
  assert.notEqual(tagOf(new FileSnapshots().renderRead('src/a.ts', 'const a = 1;\n\tlet b; \n')), tag);
});

test('read with a range: only those rows, a note when the file continues, notes for empty and short files', () => {
  const s = new Session(numbered(200));
  const { text, tag } = s.read({ offset: 81, limit: 3 });
  assert.equal(text, `[src/a.ts#${tag}]\n81:line 81\n82:line 82\n83:line 83\n… 117 more lines; read with offset 84`);
  assert.equal(s.read({ offset: 199 }).text, `[src/a.ts#${tag}]\n199:line 199\n200:line 200`);
  assert.equal(s.read({ offset: 300, limit: 5 }).text, `[src/a.ts#${tag}]\n(the file has 200 lines)`);
  const empty = new Session('');
  assert.match(empty.read().text, /^\[src\/a\.ts#[0-9a-f]{4}\]\n\(empty file\)$/);
  const newline = new Session('\n');
  assert.match(newline.read().text, /^\[src\/a\.ts#[0-9a-f]{4}\]\n1:$/);
});

test('read of a CRLF file shows rows without \\r; the snapshot keeps the endings', () => {
  const s = new Session('a\r\nb\r\n');
  const { text, tag } = s.read();
  assert.equal(text, `[src/a.ts#${tag}]\n1:a\n2:b`);
  s.ok(tag, [{ start: 2, end: 2, lines: ['B'] }]);
  assert.equal(s.content, 'a\r\nB\r\n');
});

test('replace one line: exact bytes, result has the new tag and the row with a line of context each side', () => {
  const s = new Session('one\ntwo\nthree\nfour\n');
  const { tag } = s.read();
  const out = s.ok(tag, [{ start: 2, end: 2, lines: ['TWO'] }]);
  assert.equal(s.content, 'one\nTWO\nthree\nfour\n');
  const newTag = tagOf(out);
  assert.notEqual(newTag, tag);
  assert.equal(out, `[src/a.ts#${newTag}]\n1:one\n2:TWO\n3:three`);
  // The result's tag is the file's tag: a fresh read shows the same one.
  assert.equal(s.read().tag, newTag);
});

test('insert at the top, append at the end, delete, grow a range', () => {
  const s = new Session('b\nc\nd\n');
  let { tag } = s.read();
  tag = tagOf(s.ok(tag, [{ start: 1, end: 0, lines: ['a'] }]));
  assert.equal(s.content, 'a\nb\nc\nd\n');
  tag = tagOf(s.ok(tag, [{ start: 5, end: 4, lines: ['e', 'f'] }]));
  assert.equal(s.content, 'a\nb\nc\nd\ne\nf\n');
  const del = s.ok(tag, [{ start: 2, end: 3, lines: [] }]);
  assert.equal(s.content, 'a\nd\ne\nf\n');
  assert.equal(del, `[src/a.ts#${tagOf(del)}]\n1:a\n2:d`);
  s.ok(tagOf(del), [{ start: 2, end: 2, lines: ['d1', 'd2', 'd3'] }]);
  assert.equal(s.content, 'a\nd1\nd2\nd3\ne\nf\n');
});

test('several edits in one call all use the numbering of the same read', () => {
  const s = new Session(numbered(10));
  const { tag } = s.read();
  const out = s.ok(tag, [
    { start: 9, end: 9, lines: ['nine'] },
    { start: 2, end: 3, lines: [] },
    { start: 5, end: 4, lines: ['before 5', 'also before 5'] },
    { start: 5, end: 5, lines: ['five'] },
  ]);
  assert.equal(
    s.content,
    'line 1\nline 4\nbefore 5\nalso before 5\nfive\nline 6\nline 7\nline 8\nnine\nline 10\n',
  );
  assert.equal(out, `[src/a.ts#${tagOf(out)}]\n1:line 1\n2:line 4\n3:before 5\n4:also before 5\n5:five\n6:line 6\n…\n8:line 8\n9:nine\n10:line 10`);
});

test('overlapping edits are refused with both named', () => {
  const s = new Session(numbered(10));
  const { tag } = s.read();
  assert.match(s.refused(tag, [{ start: 2, end: 4, lines: ['x'] }, { start: 4, end: 6, lines: ['y'] }]), /edits 1 \(2-4\) and 2 \(4-6\) overlap/);
  assert.match(s.refused(tag, [{ start: 2, end: 4, lines: ['x'] }, { start: 3, end: 2, lines: ['y'] }]), /overlap/);
  assert.match(s.refused(tag, [{ start: 3, end: 2, lines: ['x'] }, { start: 3, end: 2, lines: ['y'] }]), /overlap/);
});

test('ranges outside the file as read are refused with the valid shapes', () => {
  const s = new Session('a\nb\n');
  const { tag } = s.read();
  const msg = s.refused(tag, [{ start: 3, end: 3, lines: ['x'] }]);
  assert.match(msg, /lines 3-3 are not in the file as read \(#[0-9a-f]+ has 2 lines\)/);
  assert.match(msg, /append with start = 3, end = 2/);
  assert.match(s.refused(tag, [{ start: 2, end: 0, lines: [] }]), /not in the file/);
  assert.match(s.refused(tag, [{ start: 'two', end: 2, lines: [] }]), /start and end must be line numbers/);
  assert.match(s.refused(tag, [{ start: 1, end: 1 }]), /lines must be a list of strings/);
  assert.match(s.refused(tag, []), /non-empty list/);
});

test('numbers sent as strings and one string holding several lines are understood', () => {
  const s = new Session('a\nb\nc\n');
  const { tag } = s.read();
  s.ok(tag, [{ start: '2', end: '2', lines: 'B1\nB2' }]);
  assert.equal(s.content, 'a\nB1\nB2\nc\n');
});

test('CRLF: new lines get CRLF, untouched lines keep their bytes; a mixed file uses its dominant ending', () => {
  const s = new Session('a\r\nb\r\nc\r\n');
  const { tag } = s.read();
  s.ok(tag, [{ start: 2, end: 2, lines: ['x', 'y\r'] }, { start: 4, end: 3, lines: ['z'] }]);
  assert.equal(s.content, 'a\r\nx\r\ny\r\nc\r\nz\r\n');
  const mixed = new Session('a\nb\r\nc\r\nd\r\n');
  mixed.ok(mixed.read().tag, [{ start: 1, end: 1, lines: ['A', 'A2'] }]);
  assert.equal(mixed.content, 'A\r\nA2\r\nb\r\nc\r\nd\r\n');
});

test('a file without a final newline keeps having none: replace, append, delete the last line', () => {
  const s = new Session('a\nb');
  let { tag } = s.read();
  tag = tagOf(s.ok(tag, [{ start: 2, end: 2, lines: ['B'] }]));
  assert.equal(s.content, 'a\nB');
  tag = tagOf(s.ok(tag, [{ start: 3, end: 2, lines: ['c', 'd'] }]));
  assert.equal(s.content, 'a\nB\nc\nd');
  tag = tagOf(s.ok(tag, [{ start: 4, end: 4, lines: [] }]));
  assert.equal(s.content, 'a\nB\nc');
  tag = tagOf(s.ok(tag, [{ start: 1, end: 1, lines: ['A'] }]));
  assert.equal(s.content, 'A\nB\nc');
  const crlf = new Session('a\r\nb');
  crlf.ok(crlf.read().tag, [{ start: 3, end: 2, lines: ['c'] }]);
  assert.equal(crlf.content, 'a\r\nb\r\nc');
});

test('empty file and a file that is just a newline', () => {
  const empty = new Session('');
  empty.ok(empty.read().tag, [{ start: 1, end: 0, lines: ['first'] }]);
  assert.equal(empty.content, 'first\n');
  const nl = new Session('\n');
  let { tag } = nl.read();
  tag = tagOf(nl.ok(tag, [{ start: 1, end: 1, lines: ['x'] }]));
  assert.equal(nl.content, 'x\n');
  const out = nl.ok(tag, [{ start: 1, end: 1, lines: [] }]);
  assert.equal(nl.content, '');
  assert.equal(out, `[src/a.ts#${tagOf(out)}]\n(empty file)`);
});

test('unicode (astral characters, combining marks), tabs and a 100k-character line pass through byte for byte', () => {
  const long = 'x'.repeat(100_000);
  const s = new Session(`const e = "😀";\n\tcafe\u0301\n${long}\nend\n`);
  const { text, tag } = s.read();
  assert.ok(text.includes(`\n3:${long}\n`));
  s.ok(tag, [{ start: 4, end: 4, lines: ['𝔘𝔫𝔦 é\u0301'] }]);
  assert.equal(s.content, `const e = "😀";\n\tcafe\u0301\n${long}\n𝔘𝔫𝔦 é\u0301\n`);
  const s2 = new Session(`${long}\n`);
  s2.ok(s2.read().tag, [{ start: 1, end: 1, lines: [`${long}y`] }]);
  assert.equal(s2.content, `${long}y\n`);
});

test('lines are taken literally: spaces sent for a tab-indented line stay spaces, and the result says so', () => {
  const s = new Session('if (a) {\n\treturn 1;\n}\n');
  const out = s.ok(s.read().tag, [{ start: 2, end: 2, lines: ['    return 2;'] }]);
  assert.equal(s.content, 'if (a) {\n    return 2;\n}\n');
  assert.match(out, /\nNote: 1 new line is indented with spaces but the file indents with tabs; written as sent\.\n/);
  const spaces = new Session('a {\n  b;\n  c;\n}\n');
  assert.doesNotMatch(spaces.ok(spaces.read().tag, [{ start: 2, end: 2, lines: ['  B;'] }]), /Note/);
});

test('echoed n: prefixes are dropped when every line carries the right number; kept otherwise', () => {
  const s = new Session('a\nb\nc\nd\n');
  let { tag } = s.read();
  const out = s.ok(tag, [{ start: 2, end: 3, lines: ['2:B', '3:C', '4:C2'] }]);
  assert.equal(s.content, 'a\nB\nC\nC2\nd\n');
  assert.match(out, /Dropped the copied "n:" row prefixes/);
  tag = tagOf(out);
  // Only some lines prefixed: literal.
  tag = tagOf(s.ok(tag, [{ start: 1, end: 1, lines: ['1:x', 'y'] }]));
  assert.equal(s.content, '1:x\ny\nB\nC\nC2\nd\n');
  // Numbers that do not run from start (data that looks like a row): literal.
  s.ok(tag, [{ start: 6, end: 6, lines: ['10:30', '11:00'] }]);
  assert.equal(s.content, '1:x\ny\nB\nC\nC2\n10:30\n11:00\n');
});

test('a duplicated target line: the edit lands on the line number given, not on the first look-alike', () => {
  const s = new Session('  return x;\n}\n  return x;\n}\n');
  s.ok(s.read().tag, [{ start: 3, end: 3, lines: ['  return y;'] }]);
  assert.equal(s.content, '  return x;\n}\n  return y;\n}\n');
});

test('unknown tag or no read in this session: refused with the read to run', () => {
  const s = new Session('a\n');
  assert.equal(s.refused('abcd', [{ start: 1, end: 1, lines: ['b'] }]),
    'Edit refused: src/a.ts was not read in this session. Run read {"path":"src/a.ts"} and use the tag it shows.');
  s.read();
  assert.match(s.refused('ffff0', [{ start: 1, end: 1, lines: ['b'] }]),
    /tag "ffff0" is not from a recent read of src\/a\.ts\. Run read \{"path":"src\/a\.ts"\}/);
});

test('the tag may be sent as it appears in the header', () => {
  const s = new Session('a\n');
  const { tag } = s.read();
  s.ok(`[src/a.ts#${tag.toUpperCase()}]`, [{ start: 1, end: 1, lines: ['b'] }]);
  assert.equal(s.content, 'b\n');
});

test('lines never shown are refused with the exact read to run; after that read the same tag works', () => {
  const s = new Session(numbered(200));
  const { tag } = s.read({ offset: 1, limit: 10 });
  assert.equal(s.refused(tag, [{ start: 150, end: 151, lines: ['x'] }]),
    `Edit refused: lines 150-151 of #${tag} were never shown to you. Run read {"path":"src/a.ts","offset":148,"limit":6} first.`);
  assert.match(s.refused(tag, [{ start: 10, end: 11, lines: ['x'] }]), /lines 10-11 .* never shown/);
  // An insertion next to a shown line is fine (line 10 was shown).
  let t = tagOf(s.ok(tag, [{ start: 11, end: 10, lines: ['after 10'] }]));
  assert.equal(s.read({ offset: 149, limit: 5 }).tag, t);
  t = tagOf(s.ok(t, [{ start: 151, end: 152, lines: ['x'] }]));
  assert.ok(s.content.includes('line 148\nline 149\nx\nline 152\n'));
});
