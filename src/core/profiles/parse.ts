/**
 * Reads one profiles layer (the workspace file, the user's `tack.profiles`, the built-ins) from JSONC text or an
 * already-parsed value: syntax errors and schema errors become diagnostics with 1-based line and column.
 * Never throws. A layer with any error has no `doc`: the caller keeps its last valid one.
 */
import { createScanner, getNodeValue, parseTree, printParseErrorCode, SyntaxKind, type Node, type ParseError, type Segment } from 'jsonc-parser';
import { duplicateKeys, LineIndex, rangeAt, type Range } from './positions';
import { validateProfilesDocument } from './schema';
import type { LayerSource, ProfileDiagnostic, ProfilesDocument } from './types';

export interface ParsedLayer {
  source: LayerSource;
  file: string;
  /** The validated document; undefined when the layer has errors (or is absent). */
  doc?: ProfilesDocument;
  diagnostics: ProfileDiagnostic[];
  /** A diagnostic at a path inside the document (for semantic checks done after parsing). */
  diagnosticAt(path: ReadonlyArray<Segment>, severity: ProfileDiagnostic['severity'], message: string, target?: 'key' | 'value'): ProfileDiagnostic;
}

export interface LayerOptions {
  source: LayerSource;
  /** How diagnostics name the file: a path, or a label like `settings.json (tack.profiles)`. */
  file: string;
  /**
   * Where the profiles object sits inside a larger document, e.g. `[["tack.profiles"], ["tack", "profiles"]]` for a
   * settings file (the first path that exists is used). Absent: the whole text is the profiles document.
   */
  within?: ReadonlyArray<ReadonlyArray<string>>;
}

const PARSE_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character.',
  InvalidNumberFormat: 'This is not a valid number.',
  PropertyNameExpected: 'Expected a property name in double quotes.',
  ValueExpected: 'Expected a value.',
  ColonExpected: 'Expected ":" after the property name.',
  CommaExpected: 'Expected a comma.',
  CloseBraceExpected: 'Expected "}".',
  CloseBracketExpected: 'Expected "]".',
  EndOfFileExpected: 'Unexpected text after the end of the document.',
  InvalidCommentToken: 'Invalid comment.',
  UnexpectedEndOfComment: 'The comment is not closed.',
  UnexpectedEndOfString: 'The string is not closed.',
  UnexpectedEndOfNumber: 'The number is cut off.',
  InvalidUnicode: 'Invalid unicode escape.',
  InvalidEscapeCharacter: 'Invalid escape character.',
  InvalidCharacter: 'Invalid character in a string.',
};

/** Deepest nesting of objects and arrays a profiles document may have (the schema itself needs about 5). */
export const MAX_DEPTH = 64;
/**
 * Most diagnostics one layer reports with positions; the rest are counted in one closing diagnostic. Placing a
 * diagnostic costs a walk of the document, and the editor recomputes them on every keystroke.
 */
export const MAX_DIAGNOSTICS = 100;

/** Offset of the first object/array opened deeper than MAX_DEPTH (comments and strings skipped), or -1. */
function tooDeepAt(text: string): number {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t === SyntaxKind.OpenBraceToken || t === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_DEPTH) return scanner.getTokenOffset();
    } else if (t === SyntaxKind.CloseBraceToken || t === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

/** Whether an already-parsed value nests deeper than MAX_DEPTH; walks iteratively, so it cannot overflow itself. */
export function valueTooDeep(value: unknown): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > MAX_DEPTH) return true;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return false;
}

const tooDeepMessage = `The document nests objects or lists more than ${MAX_DEPTH} levels deep; Tack does not read it.`;

/** Keeps MAX_DIAGNOSTICS diagnostics and sums up the rest in one, at the first one left out. */
export function capDiagnostics(list: ProfileDiagnostic[], total = list.length): ProfileDiagnostic[] {
  if (list.length <= MAX_DIAGNOSTICS) return list;
  const rest = list.slice(MAX_DIAGNOSTICS);
  const severity = rest.some(d => d.severity === 'error') ? 'error' : 'warning';
  return [...list.slice(0, MAX_DIAGNOSTICS), { ...rest[0], severity, message: `…and ${total - MAX_DIAGNOSTICS} more problems in this file (only the first ${MAX_DIAGNOSTICS} are listed).` }];
}

function makeLayer(opts: LayerOptions, text: string | undefined, root: Node | undefined, base: Segment[]): ParsedLayer {
  const lines = text !== undefined ? new LineIndex(text) : undefined;
  const diag = (range: Range, severity: ProfileDiagnostic['severity'], message: string): ProfileDiagnostic => {
    const pos = lines ? lines.position(range.offset) : { line: 1, column: 1 };
    return { severity, message, file: opts.file, line: pos.line, column: pos.column, offset: range.offset, length: range.length, source: opts.source };
  };
  return {
    source: opts.source,
    file: opts.file,
    diagnostics: [],
    diagnosticAt: (path, severity, message, target = 'value') =>
      diag(root ? rangeAt(root, [...base, ...path], target) : { offset: 0, length: 0 }, severity, message),
  };
}

/**
 * Parses JSONC text (comments and trailing commas allowed) and validates it against the shipped schema. A UTF-8 BOM
 * at the start is accepted (it becomes a space, so every offset and column stays that of the file).
 */
export function parseProfilesText(rawText: string, opts: LayerOptions): ParsedLayer {
  const text = rawText.charCodeAt(0) === 0xfeff ? ` ${rawText.slice(1)}` : rawText;
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    const layer = makeLayer(opts, text, undefined, []);
    const pos = new LineIndex(text).position(deep);
    layer.diagnostics.push({ severity: 'error', message: tooDeepMessage, file: opts.file, line: pos.line, column: pos.column, offset: deep, length: 1, source: opts.source });
    return layer;
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  let base: Segment[] = [];
  let node = tree;
  if (opts.within && tree) {
    node = undefined;
    for (const p of opts.within) {
      const found = findChild(tree, p);
      if (found) { node = found; base = [...p]; break; }
    }
  }
  const layer = makeLayer(opts, text, tree, base);
  const lines = new LineIndex(text);
  for (const e of errors.slice(0, MAX_DIAGNOSTICS + 1)) {
    const pos = lines.position(e.offset);
    const code = printParseErrorCode(e.error);
    layer.diagnostics.push({ severity: 'error', message: PARSE_MESSAGES[code] ?? code, file: opts.file, line: pos.line, column: pos.column, offset: e.offset, length: e.length, source: opts.source });
  }
  if (errors.length) {
    layer.diagnostics = capDiagnostics(layer.diagnostics, errors.length);
    return layer;
  }
  // An empty file, or a settings file without profiles, is an empty layer: valid, nothing defined.
  if (!node) {
    layer.doc = {};
    return layer;
  }
  for (const d of duplicateKeys(node).slice(0, MAX_DIAGNOSTICS + 1)) {
    const pos = lines.position(d.range.offset);
    layer.diagnostics.push({ severity: 'warning', message: `"${d.key}" is defined twice in the same object; the last one wins.`, file: opts.file, line: pos.line, column: pos.column, offset: d.range.offset, length: d.range.length, source: opts.source });
  }
  return validateInto(layer, getNodeValue(node));
}

/** For a layer that arrives already parsed (VS Code hands `tack.profiles` over as a value): no positions. */
export function parseProfilesValue(value: unknown, opts: LayerOptions): ParsedLayer {
  const layer = makeLayer(opts, undefined, undefined, []);
  if (value === undefined || value === null) {
    layer.doc = {};
    return layer;
  }
  if (valueTooDeep(value)) {
    layer.diagnostics.push(layer.diagnosticAt([], 'error', tooDeepMessage));
    return layer;
  }
  return validateInto(layer, value);
}

function validateInto(layer: ParsedLayer, value: unknown): ParsedLayer {
  const problems = validateProfilesDocument(value);
  const total = layer.diagnostics.length + problems.length;
  // Only the diagnostics that can be shown are placed (placing one walks the document).
  for (const p of problems.slice(0, MAX_DIAGNOSTICS + 1)) layer.diagnostics.push(layer.diagnosticAt(p.path, 'error', p.message, p.target));
  layer.diagnostics.sort((a, b) => a.offset - b.offset);
  layer.diagnostics = capDiagnostics(layer.diagnostics);
  if (total > MAX_DIAGNOSTICS) {
    const summary = layer.diagnostics[layer.diagnostics.length - 1];
    summary.message = `…and ${total - MAX_DIAGNOSTICS} more problems in this file (only the first ${MAX_DIAGNOSTICS} are listed).`;
    if (problems.length) summary.severity = 'error';
  }
  if (!problems.length) layer.doc = value as ProfilesDocument;
  return layer;
}

/** Finds a property path, e.g. ["tack.profiles"] (one key with a dot) or ["tack", "profiles"]. */
function findChild(root: Node, path: ReadonlyArray<string>): Node | undefined {
  let node: Node | undefined = root;
  for (const key of path) {
    if (node?.type !== 'object') return undefined;
    const prop: Node | undefined = node.children?.find(c => c.children?.[0]?.value === key);
    node = prop?.children?.[1];
  }
  return node;
}
