/**
 * Validation against media/profiles.schema.json — the same file VS Code uses for completion and hover
 * (`contributes.jsonValidation`), so the editor and Tack can never disagree about what is valid.
 * Ajv's errors are turned into messages a person can act on, each with the JSON path of what is wrong.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from '../../../media/profiles.schema.json';

export const PROFILES_SCHEMA: Readonly<Record<string, unknown>> = schemaJson as Record<string, unknown>;

/** Keywords VS Code understands that are not part of JSON Schema; Ajv must accept them, not reject the schema. */
const EDITOR_KEYWORDS = [
  'markdownDescription', 'allowComments', 'allowTrailingCommas', 'patternErrorMessage',
  'enumDescriptions', 'markdownEnumDescriptions', 'defaultSnippets', 'deprecationMessage',
];

export interface SchemaProblem {
  path: Array<string | number>;
  /** Point at the key (unknown or badly named properties, missing fields) rather than the value. */
  target: 'key' | 'value';
  message: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
    ajv.addVocabulary(EDITOR_KEYWORDS);
    compiled = ajv.compile(PROFILES_SCHEMA);
  }
  return compiled;
}

/** Validates a parsed profiles document. Never throws; an empty list means valid. */
export function validateProfilesDocument(value: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const p = toProblem(err);
    if (!p) continue;
    const key = `${p.path.join('\u0000')}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map(s => {
    const seg = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(seg) ? Number(seg) : seg;
  });
}

/** `"temperature" in profile "x"`: names the field and where it sits, in the words of the file's shape. */
export function describePath(path: ReadonlyArray<string | number>): string {
  const field = (rest: ReadonlyArray<string | number>) =>
    rest.length ? `"${rest.map(s => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[')}"` : '';
  if (path[0] === 'profiles' && path.length >= 2) {
    const f = field(path.slice(2));
    return f ? `${f} in profile "${path[1]}"` : `profile "${path[1]}"`;
  }
  if (path[0] === 'providers' && path.length >= 2) {
    const f = field(path.slice(2));
    return f ? `${f} in provider "${path[1]}"` : `provider "${path[1]}"`;
  }
  return path.length ? field(path) : 'the file';
}

function typeName(t: unknown): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'an object', array: 'a list', null: 'null' };
  const list = Array.isArray(t) ? t : [t];
  return list.map(x => names[String(x)] ?? String(x)).join(' or ');
}

function actualType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a number';
  return typeName(typeof v);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The closest known name, for "did you mean" hints on typos. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function toProblem(err: ErrorObject): SchemaProblem | undefined {
  const path = pointerToPath(err.instancePath);
  const where = describePath(path);
  const params = err.params as Record<string, any>;
  const parent = (err.parentSchema ?? {}) as Record<string, any>;
  // A bad property name: Ajv reports the name's own error (with `propertyName`) and a wrapper; keep the first.
  if (err.keyword === 'propertyNames') return undefined;
  if (err.propertyName !== undefined) {
    const msg = parent.patternErrorMessage ?? `The name "${err.propertyName}" is not allowed here.`;
    return { path: [...path, err.propertyName], target: 'key', message: `Invalid name "${err.propertyName}": ${msg}` };
  }
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(parent.properties ?? {}).filter(k => k !== '$schema');
      const hint = closest(name, known);
      const inWhere = path.length ? ` in ${where}` : '';
      const suffix = hint ? ` Did you mean "${hint}"?` : known.length ? ` Known properties: ${known.join(', ')}.` : '';
      return { path: [...path, name], target: 'key', message: `Unknown property "${name}"${inWhere}.${suffix}` };
    }
    case 'required':
      return { path, target: 'key', message: `${capitalize(where)} needs "${params.missingProperty}".` };
    case 'type':
      return { path, target: 'value', message: `${capitalize(where)} must be ${typeName(params.type)}, not ${actualType(err.data)}.` };
    case 'enum':
      return { path, target: 'value', message: `${capitalize(where)} must be one of: ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}.` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      return { path, target: 'value', message: `${capitalize(where)} must be ${words[err.keyword]} ${params.limit}.` };
    }
    case 'minLength':
      return { path, target: 'value', message: `${capitalize(where)} must not be empty.` };
    case 'pattern':
      return { path, target: 'value', message: `${capitalize(where)}: ${parent.patternErrorMessage ?? `must match ${params.pattern}`}` };
    case 'uniqueItems':
      return { path: [...path, params.i], target: 'value', message: `${capitalize(where)} lists the same entry twice (items ${params.j + 1} and ${params.i + 1}).` };
    default:
      return { path, target: 'value', message: `${capitalize(where)} ${err.message ?? 'is invalid'}.` };
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
