#!/usr/bin/env node
// Merge JSON objects into a VS Code settings.json (used by lib.sh, start.sh and e2e).
//   node settings.cjs [--defaults JSON] FILE JSON...
// Result = defaults (only where FILE lacks the key) <- FILE's current content <- each JSON in order.
// Plain objects merge key by key (so "tack.providers" keeps other providers); anything else replaces.
// FILE may contain comments and trailing commas (VS Code writes JSONC); they are not preserved.
'use strict';
const fs = require('fs');
const path = require('path');

function stripJsonc(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') { j += text[j] === '\\' ? 2 : 1; }
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') { i++; }
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(base, extra) {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  }
  return out;
}

function parseObject(text, what) {
  const v = JSON.parse(stripJsonc(text));
  if (!isObject(v)) { throw new Error(`${what} is not a JSON object`); }
  return v;
}

const args = process.argv.slice(2);
let defaults = {};
if (args[0] === '--defaults') { defaults = parseObject(args[1], '--defaults'); args.splice(0, 2); }
const [file, ...extras] = args;
if (!file) { console.error('usage: settings.cjs [--defaults JSON] FILE JSON...'); process.exit(2); }

let current = {};
if (fs.existsSync(file)) {
  const text = fs.readFileSync(file, 'utf8');
  if (text.trim()) { current = parseObject(text, file); }
}
let result = merge(defaults, current);
for (const [i, e] of extras.entries()) { result = merge(result, parseObject(e, `argument ${i + 1}`)); }
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
