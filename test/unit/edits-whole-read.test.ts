// Whole-file edits, plain reads, and the size of the tool descriptions and schemas every request carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countTokens } from 'gpt-tokenizer';
import { planWhole } from '../../src/core/edits/whole';
import { renderPlainRead } from '../../src/core/edits/plain-read';
import { HASHLINE_EDIT_SCHEMA, READ_SCHEMA, SEARCH_REPLACE_SCHEMA, WHOLE_SCHEMA } from '../../src/core/edits/schemas';

const root = path.resolve(__dirname, '../../..');

test('whole: creates or replaces with exactly the content sent (no line-ending rewrite)', () => {
  assert.deepEqual(planWhole(undefined, { content: 'a\nb\n' }), { ok: true, content: 'a\nb\n', message: 'Created the file (2 lines).' });
  assert.deepEqual(planWhole('x\r\ny\r\n', { content: 'a\nb' }), { ok: true, content: 'a\nb', message: 'Wrote 2 lines (was 2).' });
  assert.equal(planWhole('same\n', { content: 'same\n' }).message, 'The file already had this content (1 line); nothing changed.');
  assert.equal(planWhole('x', { content: '' }).content, '');
});

test('plain read: the same rows as a hashline read, without a header', () => {
  assert.equal(renderPlainRead('a\r\n\tb\nc'), '1:a\n2:\tb\n3:c');
  assert.equal(renderPlainRead('1\n2\n3\n4\n', { offset: 2, limit: 2 }), '2:2\n3:3\n… 1 more line; read with offset 4');
  assert.equal(renderPlainRead(''), '(empty file)');
  assert.equal(renderPlainRead('\n'), '1:');
  assert.equal(renderPlainRead('a\n', { offset: 5 }), '(the file has 1 line)');
});

test('tool descriptions and schemas stay small (each pair well under 200 o200k tokens)', () => {
  const pairs: Array<[string, object]> = [
    ['read', READ_SCHEMA],
    ['edit-hashline', HASHLINE_EDIT_SCHEMA],
    ['edit-search-replace', SEARCH_REPLACE_SCHEMA],
    ['edit-whole', WHOLE_SCHEMA],
  ];
  for (const [name, schema] of pairs) {
    const description = fs.readFileSync(path.join(root, 'prompts', 'tools', `${name}.md`), 'utf8').trim();
    assert.ok(countTokens(description) <= 90, `${name}.md: ${countTokens(description)} tokens`);
    assert.ok(countTokens(description) + countTokens(JSON.stringify(schema)) <= 180, `${name}: description + schema too long`);
  }
});
