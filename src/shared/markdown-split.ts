/**
 * Where a streamed markdown text can be cut so that its two halves, rendered separately, give exactly the HTML a
 * render of the whole gives. The panel renders the stable prefix once and re-renders only the tail while a reply
 * streams in. Pure logic over markdown-it's block tokens (no DOM, no markdown-it instance), shared so that it is
 * unit-tested in Node with the same parser the panel uses.
 *
 * Guessing block structure from raw lines is a trap (indented fences in list items, indented code, lazy lines), so
 * the cut comes from the parser itself: it is the start of the last top-level block that
 * - is preceded by a blank line, so everything before it is closed blocks that no later line can reopen, and
 * - has its first line complete, so the parser's decision that this line starts a new block is final.
 * Rendering the blocks before the cut and the text after it separately then gives the same HTML, as long as no
 * link reference definition exists (a definition applies to the whole document): callers check that themselves,
 * markdown-it collects them in `env.references`.
 */

/** The fields of a markdown-it block token this module reads. */
export interface BlockToken {
  level: number;
  /** 1 opens a block, -1 closes one, 0 is a whole block (fence, hr, code). */
  nesting: number;
  /** Source lines [first, after last] of the block. */
  map: [number, number] | null;
}

export interface StableCut {
  /** Length of the stable prefix of the text (0: none). */
  offset: number;
  /** Index of the first token of the unstable part: tokens before it render the prefix exactly. */
  tokenIndex: number;
}

/** Line endings as markdown-it normalizes them, so line numbers agree with the tokens' `map`. */
const LINE_END = /\r\n|\r|\n/g;
const BLANK = /^[ \t]*$/;

/** The stable cut of `text`, given the block tokens markdown-it parsed from exactly that text. */
export function stableCut(text: string, tokens: readonly BlockToken[]): StableCut {
  const none: StableCut = { offset: 0, tokenIndex: 0 };
  let target = -1;
  for (let i = tokens.length - 1; i > 0; i--) {
    const t = tokens[i]!;
    if (t.level === 0 && t.nesting !== -1 && t.map && t.map[0] > 0) {
      target = i;
      break;
    }
  }
  if (target < 0) return none;
  // Walk back over top-level blocks until one is preceded by a blank line and starts on a complete line.
  const starts = lineStarts(text);
  for (let i = target; i > 0; i--) {
    const t = tokens[i]!;
    if (t.level !== 0 || t.nesting === -1 || !t.map) continue;
    const line = t.map[0];
    if (line === 0) break;
    const complete = line + 1 < starts.length;
    const prev = text.slice(starts[line - 1]!, starts[line]!).replace(/\r?\n$|\r$/, '');
    if (complete && BLANK.test(prev)) return { offset: starts[line]!, tokenIndex: i };
  }
  return none;
}

/** Offsets where each line begins; a text ending in a line break has a last, empty line after it. */
function lineStarts(text: string): number[] {
  const starts = [0];
  LINE_END.lastIndex = 0;
  for (let m = LINE_END.exec(text); m; m = LINE_END.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}
