/**
 * Reads one profiles layer (the workspace file, the user's `tack.profiles`, the built-ins) from JSONC text or an
 * already-parsed value: syntax errors and schema errors become diagnostics with 1-based line and column.
 * Never throws. A layer with any error has no `doc`: the caller keeps its last valid one.
 */
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError, type Segment } from 'jsonc-parser';
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

/** Parses JSONC text (comments and trailing commas allowed) and validates it against the shipped schema. */
export function parseProfilesText(text: string, opts: LayerOptions): ParsedLayer {
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
  for (const e of errors) {
    const pos = lines.position(e.offset);
    const code = printParseErrorCode(e.error);
    layer.diagnostics.push({ severity: 'error', message: PARSE_MESSAGES[code] ?? code, file: opts.file, line: pos.line, column: pos.column, offset: e.offset, length: e.length, source: opts.source });
  }
  if (errors.length) return layer;
  // An empty file, or a settings file without profiles, is an empty layer: valid, nothing defined.
  if (!node) {
    layer.doc = {};
    return layer;
  }
  for (const d of duplicateKeys(node)) {
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
  return validateInto(layer, value);
}

function validateInto(layer: ParsedLayer, value: unknown): ParsedLayer {
  const problems = validateProfilesDocument(value);
  for (const p of problems) layer.diagnostics.push(layer.diagnosticAt(p.path, 'error', p.message, p.target));
  layer.diagnostics.sort((a, b) => a.offset - b.offset);
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
