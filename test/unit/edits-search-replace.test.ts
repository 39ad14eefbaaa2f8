// Search-replace edits: exact matches, several matches, whitespace and line-ending candidates, bad arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSearchReplace } from '../../src/core/edits/search-replace';

function applied(current: string, args: { old: string; new: string; all?: boolean }): { content: string; message: string } {
  const r = planSearchReplace(current, args);
  assert.ok(r.ok, `refused: ${'message' in r ? r.message : ''}`);
  return r;
}

function refused(current: string, args: { old: string; new: string; all?: boolean }): string {
  const r = planSearchReplace(current, args);
  assert.equal(r.ok, false, `applied but should be refused: ${r.message}`);
  return r.message;
}

test('one exact match: replaced, the message gives the line', () => {
  const r = applied('a\nb\nc\n', { old: 'b\n', new: 'B1\nB2\n' });
  assert.deepEqual(r, { ok: true, content: 'a\nB1\nB2\nc\n', message: 'Replaced 1 occurrence at line 2.' });
  assert.equal(applied('x = f(1) + f(2);', { old: 'f(2)', new: 'g(2)' }).content, 'x = f(1) + g(2);');
});

test('several matches without all: refused with each line; with all: every one, lines in the new file', () => {
  const file = 'log(1);\nx();\nlog(1);\ny();\nlog(1);\n';
  assert.equal(
    refused(file, { old: 'log(1);', new: 'log(2);' }),
    'old matches 3 times (lines 1, 3, 5). Add surrounding lines to old so it matches once, or set all to replace every one.',
  );
  const r = applied(file, { old: 'log(1);\n', new: '', all: true });
  assert.deepEqual(r, { ok: true, content: 'x();\ny();\n', message: 'Replaced 3 occurrences at lines 1, 2, 3.' });
  assert.equal(applied(file, { old: 'log(1);\nx', new: 'log(0);\nx' }).content, 'log(0);\nx();\nlog(1);\ny();\nlog(1);\n');
});

test('a duplicated target line needs context to be unique', () => {
  const file = '  return x;\n}\n  return x;\n}\n';
  assert.match(refused(file, { old: '  return x;', new: '  return y;' }), /matches 2 times \(lines 1, 3\)/);
  assert.equal(applied(file, { old: '}\n  return x;', new: '}\n  return y;' }).content, '  return x;\n}\n  return y;\n}\n');
});

test('empty old, missing new, old equal to new: refused with what to send', () => {
  assert.match(refused('a\n', { old: '', new: 'x' }), /old must be the exact text/);
  assert.match(refused('a\n', { old: 'a', new: undefined as unknown as string }), /new must be a string/);
  assert.match(refused('a\n', { old: 'a', new: 'a' }), /nothing to change/);
});

test('CRLF file, old sent with LF: the unique candidate is replaced, new text gets CRLF, and the message says why', () => {
  const file = 'function f() {\r\n  return 1;\r\n}\r\n';
  const r = applied(file, { old: 'function f() {\n  return 1;\n}\n', new: 'function f() {\n  return 2;\n}\n' });
  assert.equal(r.content, 'function f() {\r\n  return 2;\r\n}\r\n');
  assert.equal(r.message, 'Replaced 1 occurrence at line 1. old differed from the file only in line endings (file CRLF, old LF); matched anyway.');
});

test('exact match in a CRLF file: line breaks in new become CRLF', () => {
  assert.equal(applied('a\r\nb\r\n', { old: 'b', new: 'b1\nb2' }).content, 'a\r\nb1\r\nb2\r\n');
  assert.equal(applied('a\nb\n', { old: 'b', new: 'b1\r\nb2' }).content, 'a\nb1\nb2\n');
});

test('trailing whitespace differences on a unique candidate: replaced, and said', () => {
  const file = 'if (a) {   \n  go();\n}\n';
  const r = applied(file, { old: 'if (a) {\n  go();  \n}', new: 'if (b) {\n  go();\n}' });
  assert.equal(r.content, 'if (b) {\n  go();\n}\n');
  assert.match(r.message, /^Replaced 1 occurrence at line 1\. old differed from the file only in trailing whitespace; matched anyway\.$/);
  assert.equal(applied('x = 1;\n', { old: 'x = 1;  ', new: 'x = 2;' }).content, 'x = 2;\n');
});

test('indentation drift (spaces for tabs) is not applied: the closest candidate is shown with its lines and what differs', () => {
  const file = 'class A {\n\tm() {\n\t\treturn 1;\n\t}\n}\n';
  assert.equal(
    refused(file, { old: '  m() {\n    return 1;\n  }', new: '  m() {\n    return 2;\n  }' }),
    'old was not found exactly. Closest match, lines 2-4, differs in indentation (tabs vs spaces):\n' +
      '2:\tm() {\n3:\t\treturn 1;\n4:\t}\n' +
      'Copy those lines exactly (without the "n:" prefixes) and retry.',
  );
  assert.match(refused('a  =  1;\n', { old: 'a = 1;', new: 'a = 2;' }), /Closest match, line 1, differs in whitespace inside lines:\n1:a {2}= {2}1;/);
});

test('several whitespace-only candidates: refused with each line, even when only line endings differ', () => {
  const file = 'a\r\nb\r\nx\r\na\r\nb\r\n';
  const msg = refused(file, { old: 'a\nb', new: 'c' });
  assert.match(msg, /^old was not found exactly; 2 places \(lines 1, 4\) differ from it only in line endings \(file CRLF, old LF\)\. First one:\n1:a\n2:b\n/);
  assert.equal(applied(file, { old: 'a\nb', new: 'c', all: true }).content, 'c\r\nx\r\nc\r\n');
});

test('nothing close: says so, or points at where the first line of old appears', () => {
  assert.match(refused('a\nb\n', { old: 'zzz', new: 'y' }), /not found in the file, not even ignoring whitespace/);
  assert.match(refused('start();\nmiddle();\nend();\n', { old: 'start();\nother();', new: 'y' }),
    /Its first line appears at line 1, but the lines after it differ:\n1:start\(\);\n2:middle\(\);/);
});

test('no final newline, unicode and tabs are kept byte for byte', () => {
  assert.equal(applied('\tconst s = "😀";\ncafe\u0301', { old: 'cafe\u0301', new: 'café 𝔘' }).content, '\tconst s = "😀";\ncafé 𝔘');
});

test('old copied with the read rows\' n: prefixes: retried without them (new too when every line has one)', () => {
  const file = 'a\n\tb\nc\n';
  const r = applied(file, { old: '2:\tb\n3:c', new: '2:\tB\n3:C' });
  assert.equal(r.content, 'a\n\tB\nC\n');
  assert.equal(r.message, 'Replaced 1 occurrence at line 2. Dropped the copied "n:" row prefixes (they are not file text).');
  assert.equal(applied(file, { old: '2:\tb\n', new: '\tbb\n' }).content, 'a\n\tbb\nc\n');
  // Only some lines numbered: taken literally, so not found.
  assert.match(refused(file, { old: '2:\tb\nc', new: 'x' }), /not found/);
  // Text that really looks like a row is matched as it is.
  assert.equal(applied('10:30\n', { old: '10:30', new: '11:00' }).content, '11:00\n');
});
