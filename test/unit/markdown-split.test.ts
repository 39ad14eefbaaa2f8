// The panel renders a streamed reply as a stable prefix (rendered once, piece by piece) plus a re-rendered tail.
// These tests stream real documents through the same markdown-it configuration the panel uses and check that the
// pieces, rendered separately and joined, always equal a render of the whole text so far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import { stableCut } from '../../src/shared/markdown-split';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
const render = (s: string): string => md.render(s);

/** The cut of `text` as the panel computes it: from the tokens of one parse. */
function cutOf(text: string): number {
  const env: { references?: object } = {};
  return stableCut(text, md.parse(text, env)).offset;
}

/**
 * Streams `doc` in chunks of the given sizes, doing what the panel does each frame: parse the unstable tail, render
 * its stable blocks once as a new piece (from the same tokens), render the rest as the tail; once a reference
 * definition shows up, render the whole text each time. Checks the joined HTML against a full render at every step.
 * Returns how many stable pieces were made.
 */
function streamAndCheck(doc: string, sizes: (i: number) => number, label: string): number {
  const pieces: string[] = [];
  let stable = 0;
  let split = true;
  let shown = 0;
  for (let i = 0; shown < doc.length; i++) {
    shown = Math.min(doc.length, shown + sizes(i));
    const text = doc.slice(0, shown);
    const env: { references?: object } = {};
    let tailHtml: string;
    const tokens = md.parse(text.slice(stable), env);
    if (split && Object.keys(env.references ?? {}).length > 0) {
      split = false;
      pieces.length = 0;
      stable = 0;
    }
    if (!split) {
      tailHtml = render(text);
    } else {
      const cut = stableCut(text.slice(stable), tokens);
      if (cut.offset > 0) {
        pieces.push(md.renderer.render(tokens.slice(0, cut.tokenIndex), md.options, env));
        stable += cut.offset;
      }
      tailHtml = md.renderer.render(tokens.slice(cut.tokenIndex), md.options, env);
    }
    const joined = pieces.join('') + tailHtml;
    assert.equal(joined, render(text), `${label}: pieces differ from a full render at ${shown} chars (stable ${stable})`);
  }
  return pieces.length;
}

const DOCS: Record<string, string> = {
  paragraphs: 'First paragraph\nwith two lines.\n\nSecond one with `code` and a https://example.com link.\n\n\nThird.\n',
  headings: '# Title\n\nText under it.\n\nSetext heading\n==============\n\n## Two\n\n---\n\nAfter a rule.\n',
  fenceWithBlankLines: 'Intro.\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\nAfter the code.\n\n~~~\ntilde\n\n```\nnot a closer\n```\n~~~\n\nEnd.\n',
  longerFence: 'Text.\n\n````md\n```js\ninside\n\n```\n\nstill inside\n````\n\nOut.\n',
  unclosedFence: 'Before.\n\n```python\ndef f():\n\n    return 1\n\nmore code\n',
  inlineBackticksAreNotFences: 'Say ```not a fence``` here.\n\nNext paragraph.\n',
  tightList: '- one\n- two\n- three\n\nAfter the list.\n\n1. first\n2. second\n\nDone.\n',
  looseList: '- one\n\n- two\n\n- three\n\nParagraph.\n\n3. three\n\n4. four\n\nEnd.\n',
  listParagraphs: '1. Step one.\n\n   More about step one.\n\n       indented code in the item\n\n2. Step two.\n\nAfter.\n',
  paragraphThenList: 'Here is a list:\n\n- a\n- b\n\nAnd another:\n\n* c\n\n+ d\n',
  listWithFence: '- item\n\n  ```sh\n  echo a\n\n  echo b\n  ```\n\n- next item\n\nOutside.\n',
  fenceInListClosedAtColumnZero: '- item\n  ```\n  code\n```\ntext\n\nmore\n```\n\nafter\n',
  indentedCode: 'Para.\n\n    code line 1\n\n    code line 2\n\nPara again.\n',
  blockquotes: '> quoted\n> lines\n\n> another quote\n>\n> with a gap\n\nPlain.\n',
  table: '| a | b |\n|---|---|\n| 1 | 2 |\n\nText after the table.\n',
  referenceDefinedLater: 'See [the docs][d] and [this].\n\nMore text.\n\n[d]: https://example.com/docs\n[this]: https://example.com/this\n',
  crlf: 'One.\r\n\r\nTwo.\r\n\r\n```\r\na\r\n\r\nb\r\n```\r\n\r\nThree.\r\n',
  whitespaceBlankLines: 'One.\n   \nTwo.\n\t\nThree.\n',
  thematicBreaks: '- a\n- b\n\n- - -\n\n* * *\n\nText.\n',
  nestedLists: '- a\n  - b\n\n  - c\n\n10. ten\n\n11) eleven\n- x\n# heading\n\nlazy\n- y\ncontinued lazily\n\nend\n',
  htmlIsText: '<div>\n\n<script>x</script>\n\n</div>\n',
};

/** Line shapes the fuzz test builds documents from: every kind of block start and continuation. */
const LINES = [
  '', '', '', 'text', 'more text', '# head', '- item', '* item', '+ item', '1. item', '2) item', '  indented', '    code',
  '\tcode', '> quote', '>', '```', '```js', '~~~', '````', '  ```', '---', '===', '| a | b |', '|---|---|', '- - -',
  '[ref]: https://e.com', 'see [ref]', '   - deep', '  1. nested',
];

test('the cut is at the start of a block after a blank line, outside fences', () => {
  assert.equal(cutOf(''), 0);
  assert.equal(cutOf('just text'), 0);
  assert.equal(cutOf('a\n\nb'), 0, 'the line after the blank line is not complete yet');
  assert.equal(cutOf('a\n\nb\n'), 3);
  assert.equal(cutOf('a\n\n\nb\nc\n\nd\n'), 9);
  assert.equal(cutOf('a\r\n\r\nb\r\n'), 5);
  assert.equal(cutOf('```\na\n\nb\n'), 0, 'inside an open fence');
  assert.equal(cutOf('```\na\n\nb\n```\n\nc\n'), 14);
  assert.equal(cutOf('p\n\n    code\n'), 3, 'an indented code block after a paragraph');
  assert.equal(cutOf('- a\n\n- b\n'), 0, 'a list item after a list joins it');
  assert.equal(cutOf('- a\n\n  b\n'), 0, 'an indented paragraph continues the item');
  assert.equal(cutOf('p\n\n- b\n'), 3, 'a list after a paragraph starts fresh');
  assert.equal(cutOf('# h\np\n'), 0, 'no blank line before the paragraph');
});

test('the boundary only grows while text is appended', () => {
  for (const [name, doc] of Object.entries(DOCS)) {
    if (name === 'referenceDefinedLater') continue;
    let last = 0;
    for (let n = 0; n <= doc.length; n++) {
      const end = cutOf(doc.slice(0, n));
      assert.ok(end >= last, `${name}: boundary went back from ${last} to ${end} at ${n}`);
      assert.ok(end <= n);
      last = end;
    }
  }
});

test('streamed one character at a time, the pieces always render like the whole', () => {
  for (const [name, doc] of Object.entries(DOCS)) streamAndCheck(doc, () => 1, name);
});

test('a long reply streamed in uneven chunks renders like the whole, mostly from stable pieces', () => {
  const parts: string[] = [];
  for (let i = 0; i < 40; i++) {
    parts.push(`## Section ${i}\n\nSome prose about *part ${i}* with \`inline\` code and a link to https://example.com/${i}.\n`);
    parts.push(`- point one of ${i}\n- point two\n  continued\n- point three\n`);
    parts.push('```ts\nfunction f' + i + '() {\n  return ' + i + ';\n\n}\n```\n');
    if (i % 5 === 0) parts.push('> a quote\n> over lines\n');
    if (i % 7 === 0) parts.push('1. first\n\n2. second\n\n   more\n');
  }
  const doc = parts.join('\n');
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pieces = streamAndCheck(doc, () => 1 + Math.floor(random() * 40), 'long reply');
  assert.ok(pieces > 100, `expected the reply to stabilise in many pieces, got ${pieces}`);
  // At the end only the last block is left unstable.
  assert.ok(doc.length - cutOf(doc) < 200);
});

test('random documents from every kind of line render like the whole when streamed', () => {
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let d = 0; d < 300; d++) {
    const lines: string[] = [];
    const count = 5 + Math.floor(random() * 25);
    for (let i = 0; i < count; i++) lines.push(LINES[Math.floor(random() * LINES.length)]!);
    const doc = lines.join('\n') + '\n';
    streamAndCheck(doc, () => 1 + Math.floor(random() * 6), `fuzz ${d} ${JSON.stringify(doc)}`);
  }
});
