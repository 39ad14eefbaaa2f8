// Layer rule: core and shared code never import VS Code or the adapter, so they run in the CLI and in tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](vscode|[./]+(?:\.\.\/)*vscode(?:\/[^'"]*)?)['"]/;

test('src/core and src/shared never import vscode or src/vscode', () => {
  const offenders: string[] = [];
  for (const layer of ['src/core', 'src/shared']) {
    for (const f of files(path.join(root, layer))) {
      const text = fs.readFileSync(f, 'utf8');
      for (const line of text.split('\n')) {
        if (forbidden.test(line)) offenders.push(`${path.relative(root, f)}: ${line.trim()}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('the boundary check recognises the import forms it must catch', () => {
  for (const line of [
    "import * as vscode from 'vscode';",
    'import type { Uri } from "vscode";',
    "const v = require('vscode');",
    "import { x } from '../vscode/settings';",
    "import { x } from '../../vscode';",
    "const m = await import('vscode');",
  ]) assert.ok(forbidden.test(line), line);
  assert.ok(!forbidden.test("import { z } from 'zod';"));
});

test('the webview bundle source does not import vscode either', () => {
  for (const f of files(path.join(root, 'src/webview'))) {
    assert.ok(!/from\s+['"]vscode['"]/.test(fs.readFileSync(f, 'utf8')), f);
  }
});
