// Profiles files: JSONC parsing, validation against the shipped schema, and diagnostics at exact positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProfilesText, parseProfilesValue } from '../../src/core/profiles/parse';
import { PROFILES_SCHEMA, validateProfilesDocument } from '../../src/core/profiles/schema';
import { LineIndex } from '../../src/core/profiles/positions';

const FILE = '.tack/profiles.jsonc';
const parse = (text: string) => parseProfilesText(text, { source: 'workspace', file: FILE });
/** Line/column (1-based) of the first occurrence of `needle` in `text`. */
function pos(text: string, needle: string, nth = 0): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} not in text`);
  return new LineIndex(text).position(i);
}

test('JSONC with comments and trailing commas is accepted', () => {
  const text = `// Team profiles
{
  /* the default */
  "default": "fast",
  "profiles": {
    "fast": { "model": "ollama/qwen3:8b", "temperature": 0.3, }, // trailing comma
  },
}`;
  const layer = parse(text);
  assert.deepEqual(layer.diagnostics, []);
  assert.equal(layer.doc?.default, 'fast');
  assert.equal(layer.doc?.profiles?.fast.temperature, 0.3);
});

test('every field the issue names is accepted', () => {
  const doc = {
    default: 'all',
    profiles: {
      all: {
        extends: 'lean', description: 'd', model: 'vllm/Qwen/Qwen3-8B', fallbackModels: ['ollama/qwen3:8b'],
        temperature: 0.7, topP: 0.9, maxOutputTokens: 4096, reasoning: 'high', systemPrompt: '.tack/prompt.md',
        instructions: ['AGENTS.md'], tools: { bash: 'deny', read: 'auto', 'mcp__git__log': 'ask' }, editFormat: 'search-replace',
        skills: ['release-notes'], mcpServers: ['git'], compaction: { auto: true, thresholdPercent: 75, keepRecentTokens: 4000, model: 'ollama/qwen3:1.7b' },
        maxSteps: 20, allowedProviders: ['ollama', 'vllm'], budget: { sessionUsd: 2, sessionTokens: 500000 },
        expectQuantization: ['Q4_K_M', 'q8_0'], numCtx: 16384,
        openrouter: { quantizations: ['fp8', 'bf16'], order: ['DeepInfra'], only: ['DeepInfra'], ignore: ['X'], allowFallbacks: false, sort: 'throughput' },
      },
    },
    providers: { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9000/v1', label: 'Box', quantization: 'FP8' } },
  };
  assert.deepEqual(validateProfilesDocument(doc), []);
});

test('a schema error points at the offending value, line and column exact', () => {
  const text = `{
  "profiles": {
    "fast": {
      "temperature": 3,
      "reasoning": "extreme"
    }
  }
}`;
  const layer = parse(text);
  assert.equal(layer.doc, undefined, 'an invalid layer has no document');
  const [t, r] = layer.diagnostics;
  assert.deepEqual({ line: t.line, column: t.column }, pos(text, '3'));
  assert.deepEqual({ line: t.line, column: t.column }, { line: 4, column: 22 });
  assert.equal(t.severity, 'error');
  assert.equal(t.file, FILE);
  assert.match(t.message, /"temperature" in profile "fast" must be at most 2/);
  assert.deepEqual({ line: r.line, column: r.column }, { line: 5, column: 20 });
  assert.match(r.message, /must be one of: "off", "low", "medium", "high"/);
  assert.equal(t.length, 1);
});

test('an unknown property points at its key and suggests the near miss', () => {
  const text = `{
  "profiles": {
    "a": { "temprature": 0.2 }
  }
}`;
  const [d] = parse(text).diagnostics;
  assert.deepEqual({ line: d.line, column: d.column }, { line: 3, column: 12 });
  assert.match(d.message, /Unknown property "temprature" in profile "a"\. Did you mean "temperature"\?/);
});

test('wrong types, bad model refs, bad names and missing fields each get their own message', () => {
  const text = `{
  "default": 5,
  "profiles": {
    "ok": { "model": "qwen3", "tools": { "bash": "sometimes" }, "fallbackModels": ["a/b", "a/b"] },
    "bad name!": {}
  },
  "providers": { "box": { "label": "no url" } }
}`;
  const ds = parse(text).diagnostics;
  const find = (re: RegExp) => { const d = ds.find(x => re.test(x.message)); assert.ok(d, `${re} in ${ds.map(x => x.message).join(' | ')}`); return d!; };
  const def = find(/"default" must be a string, not a whole number/);
  assert.deepEqual({ line: def.line, column: def.column }, pos(text, '5'));
  const model = find(/"model" in profile "ok": Write a model as "<provider>\/<model>"/);
  assert.deepEqual({ line: model.line, column: model.column }, pos(text, '"qwen3"'));
  const tool = find(/"tools.bash" in profile "ok" must be one of: "auto", "ask", "deny"/);
  assert.deepEqual({ line: tool.line, column: tool.column }, pos(text, '"sometimes"'));
  const dup = find(/lists the same entry twice/);
  assert.deepEqual({ line: dup.line, column: dup.column }, pos(text, '"a/b"', 1));
  const name = find(/Invalid name "bad name!"/);
  assert.deepEqual({ line: name.line, column: name.column }, pos(text, '"bad name!"'));
  const missing = find(/Provider "box" needs "baseUrl"/);
  assert.deepEqual({ line: missing.line, column: missing.column }, pos(text, '"box"'));
});

test('syntax errors are reported with their position; CRLF line ends count as one', () => {
  const text = '{\r\n  "profiles": {\r\n    "a": { "model": "x/y" \r\n    "b": {}\r\n  }\r\n}';
  const layer = parse(text);
  assert.equal(layer.doc, undefined);
  const [d] = layer.diagnostics;
  assert.equal(d.message, 'Expected a comma.');
  assert.deepEqual({ line: d.line, column: d.column }, { line: 4, column: 5 });
});

test('an empty file is an empty valid layer; a duplicate key is a warning', () => {
  const empty = parse('  // nothing yet\n');
  assert.deepEqual(empty.diagnostics, []);
  assert.deepEqual(empty.doc, {});
  const text = '{ "default": "a", "default": "b" }';
  const dup = parse(text);
  assert.equal(dup.diagnostics.length, 1);
  assert.equal(dup.diagnostics[0].severity, 'warning');
  assert.equal(dup.diagnostics[0].column, pos(text, '"default"', 1).column);
  assert.equal(dup.doc?.default, 'b');
});

test('profiles inside a settings file are located under "tack.profiles"', () => {
  const text = `{
  "tack.model": "vllm/x",
  "tack.profiles": {
    "profiles": { "mine": { "maxSteps": 0 } }
  }
}`;
  const layer = parseProfilesText(text, { source: 'user', file: 'settings.json', within: [['tack.profiles'], ['tack', 'profiles']] });
  const [d] = layer.diagnostics;
  assert.match(d.message, /"maxSteps" in profile "mine" must be at least 1/);
  assert.deepEqual({ line: d.line, column: d.column }, pos(text, '0 }'));
  assert.equal(d.source, 'user');
  const none = parseProfilesText('{ "tack.model": "a/b" }', { source: 'user', file: 'settings.json', within: [['tack.profiles']] });
  assert.deepEqual(none.doc, {});
});

test('a value without text (VS Code hands settings over parsed) is validated, at line 1', () => {
  const layer = parseProfilesValue({ profiles: { a: { topP: 0 } } }, { source: 'user', file: 'settings (tack.profiles)' });
  assert.equal(layer.doc, undefined);
  assert.match(layer.diagnostics[0].message, /"topP" in profile "a" must be more than 0/);
  assert.equal(layer.diagnostics[0].line, 1);
});

test('the shipped schema is the file in media/, editor-friendly, with a description on every field', () => {
  const file = path.resolve(__dirname, '../../../media/profiles.schema.json');
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), PROFILES_SCHEMA);
  assert.equal(PROFILES_SCHEMA.allowComments, true);
  assert.equal(PROFILES_SCHEMA.allowTrailingCommas, true);
  const missing: string[] = [];
  const walk = (node: any, where: string) => {
    for (const [k, v] of Object.entries<any>(node.properties ?? {})) {
      if (!v.description && !v.$ref) missing.push(`${where}.${k}`);
      walk(v, `${where}.${k}`);
    }
  };
  walk(PROFILES_SCHEMA, '');
  for (const [k, v] of Object.entries<any>((PROFILES_SCHEMA as any).definitions)) walk(v, `#${k}`);
  assert.deepEqual(missing, []);
});
