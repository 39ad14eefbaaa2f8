/**
 * Turning one shell word (as the parser delimited it) into the string the program will receive, when that string is
 * known before the command runs. Anything the shell would still expand — parameters, command or arithmetic
 * substitution, globs, brace expansion, a leading `~`, `$'…'`/`$"…"` strings — makes the word unknown (`undefined`):
 * a pattern never matches an unknown word by accident, and a command name that is unknown always asks.
 *
 * The parser already told us where the word starts and ends; this lexer re-reads its text with bash's quoting rules
 * and is deliberately conservative: whatever it is unsure about is unknown.
 */
import type { Node } from '@vscode/tree-sitter-wasm';

/** Node types whose text can be plain: everything else inside a word is an expansion of some kind. */
const PLAIN_NODE_TYPES = new Set(['word', 'string', 'string_content', 'raw_string', 'concatenation', 'number', 'command_name']);

/** What a `$` followed by this character starts: a parameter, substitution or special quoting. */
const EXPANSION_AFTER_DOLLAR = /[A-Za-z0-9_{(\[@*#?$!\-'"]/;

/** The value of a word node, or undefined when the shell would expand it at run time. */
export function wordValue(node: Node): string | undefined {
  if (!node.isNamed || !onlyPlainNodes(node)) return undefined;
  return unquote(node.text);
}

function onlyPlainNodes(node: Node): boolean {
  if (node.isNamed && !PLAIN_NODE_TYPES.has(node.type)) return false;
  for (const child of node.namedChildren) if (child && !onlyPlainNodes(child)) return false;
  return true;
}

/**
 * Applies bash's quote removal to the raw text of one word. Returns undefined for any expansion, glob, brace
 * expansion, tilde prefix or extended glob; for unbalanced quotes; and for unquoted characters that cannot be part of
 * a word (whitespace, operators), which would mean the parser and this lexer disagree.
 */
export function unquote(raw: string): string | undefined {
  let out = '';
  let braceOpen = false;
  let braceList = false;
  for (let i = 0; i < raw.length;) {
    const c = raw[i];
    if (c === '\\') {
      if (i + 1 >= raw.length) return undefined;
      if (raw[i + 1] !== '\n') out += raw[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += raw.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const inner = doubleQuoted(raw, i + 1);
      if (!inner) return undefined;
      out += inner.value;
      i = inner.end + 1;
      continue;
    }
    if (c === '$') {
      if (i + 1 < raw.length && EXPANSION_AFTER_DOLLAR.test(raw[i + 1])) return undefined;
      out += c;
      i++;
      continue;
    }
    if (c === '`' || c === '*' || c === '?') return undefined;
    if (c === '[' && hasUnquotedAfter(raw, i + 1, ']')) return undefined;
    if (c === '~' && i === 0) return undefined;
    if ((c === '@' || c === '!' || c === '+') && raw[i + 1] === '(') return undefined;
    if (/[\s;&|<>()]/.test(c)) return undefined;
    if (c === '{') braceOpen = true;
    else if (braceOpen && (c === ',' || (c === '.' && raw[i + 1] === '.'))) braceList = true;
    else if (c === '}' && braceList) return undefined;
    out += c;
    i++;
  }
  return out;
}

/** Reads a double-quoted part starting after its opening quote; undefined when it expands something or never ends. */
function doubleQuoted(raw: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start; i < raw.length;) {
    const c = raw[i];
    if (c === '"') return { value, end: i };
    if (c === '\\' && i + 1 < raw.length && '$`"\\\n'.includes(raw[i + 1])) {
      if (raw[i + 1] !== '\n') value += raw[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') return undefined;
    if (c === '$' && i + 1 < raw.length && raw[i + 1] !== '"' && EXPANSION_AFTER_DOLLAR.test(raw[i + 1])) return undefined;
    value += c;
    i++;
  }
  return undefined;
}

/** Whether `ch` occurs unquoted and unescaped at or after `from` (a `[` only globs when a `]` closes it). */
function hasUnquotedAfter(raw: string, from: number, ch: string): boolean {
  for (let i = from; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === "'" || raw[i] === '"') return true; // quoting inside a bracket: too subtle, call it a glob
    else if (raw[i] === ch) return true;
  }
  return false;
}
