// Workspace path guards (SECURITY.md 6, 16–18) on real folders, files and symbolic links in a temp directory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPath, protectedReason } from '../../src/core/tools/paths';
import type { PathResult } from '../../src/core/tools/paths';

let tmp: string;
let ws: string;
let outside: string;

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tack-paths-')));
  ws = path.join(tmp, 'proj');
  outside = path.join(tmp, 'outside');
  for (const d of [ws, outside, path.join(tmp, 'proj-evil'), path.join(ws, 'src'), path.join(ws, '.git')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(tmp, 'proj-evil', 'x'), 'evil');
  fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'a');
  fs.writeFileSync(path.join(ws, '.git', 'config'), '[core]');
  fs.writeFileSync(path.join(ws, 'package.json'), '{}');
  fs.writeFileSync(path.join(ws, '..notes.md'), 'notes');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'link-out'));
  fs.symlinkSync('/etc', path.join(ws, 'dir-etc'));
  fs.symlinkSync(path.join('src', 'a.ts'), path.join(ws, 'link-in'));
  fs.symlinkSync(path.join(outside, 'missing.txt'), path.join(ws, 'dangling-out'));
  fs.symlinkSync(path.join('src', 'new.ts'), path.join(ws, 'dangling-in'));
  fs.symlinkSync('loop2', path.join(ws, 'loop1'));
  fs.symlinkSync('loop1', path.join(ws, 'loop2'));
  fs.symlinkSync('.git', path.join(ws, 'cfg'));
  fs.symlinkSync('package.json', path.join(ws, 'pj'));
  fs.symlinkSync(outside, path.join(ws, 'out-dir'));
  fs.symlinkSync(ws, path.join(tmp, 'ws-link'));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function inside(r: PathResult, rel: string, abs = path.join(ws, ...rel.split('/'))): void {
  assert.ok(r.ok, `expected ${rel} inside, got ${JSON.stringify(r)}`);
  assert.equal(r.rel, rel);
  assert.equal(r.abs, abs);
}

function refused(r: PathResult, rule: RegExp): void {
  assert.ok(!r.ok, `expected a refusal, got ${JSON.stringify(r)}`);
  assert.match(r.message, rule);
}

const OUTSIDE = /outside the workspace/;

test('relative paths resolve from the root; `..` that leaves it is refused with the rule named', async () => {
  inside(await checkPath(ws, 'src/a.ts'), 'src/a.ts');
  inside(await checkPath(ws, './src/../src/a.ts'), 'src/a.ts');
  inside(await checkPath(ws, 'src/new/deep/file.ts'), 'src/new/deep/file.ts');
  inside(await checkPath(ws, 'src/new/../b.ts'), 'src/b.ts');
  inside(await checkPath(ws, '.'), '.', ws);
  refused(await checkPath(ws, '../x'), OUTSIDE);
  refused(await checkPath(ws, 'a/../../x'), OUTSIDE);
  refused(await checkPath(ws, '../../.ssh/id_rsa'), /"\.\.\/\.\.\/\.ssh\/id_rsa" is outside the workspace .*file tools only reach files inside the workspace/);
  refused(await checkPath(ws, 'src/../../proj-evil/x'), OUTSIDE);
});

test('absolute paths only inside the root, compared on segment boundaries', async () => {
  inside(await checkPath(ws, path.join(ws, 'src', 'a.ts')), 'src/a.ts');
  refused(await checkPath(ws, '/etc/passwd'), OUTSIDE);
  refused(await checkPath(ws, path.join(tmp, 'proj-evil', 'x')), OUTSIDE);
  refused(await checkPath(ws, `${ws}-evil/x`), OUTSIDE);
  refused(await checkPath(ws, tmp), OUTSIDE);
  inside(await checkPath(ws, '..notes.md'), '..notes.md');
  inside(await checkPath(ws, path.join(ws, '..notes.md')), '..notes.md');
  inside(await checkPath(ws, '...'), '...');
});

test('symbolic links are followed: out of the root refused, inside allowed, dangling judged by their target', async () => {
  refused(await checkPath(ws, 'link-out'), /outside the workspace .*resolves to .*outside\/secret\.txt/);
  refused(await checkPath(ws, 'dir-etc/passwd'), OUTSIDE);
  refused(await checkPath(ws, 'dir-etc'), OUTSIDE);
  refused(await checkPath(ws, 'dir-etc/../x'), OUTSIDE); // the OS applies `..` to /etc, not to dir-etc's folder
  refused(await checkPath(ws, 'out-dir/new-file.txt'), OUTSIDE);
  refused(await checkPath(ws, 'dangling-out'), /outside the workspace .*missing\.txt/);
  inside(await checkPath(ws, 'link-in'), 'src/a.ts');
  inside(await checkPath(ws, 'dangling-in'), 'src/new.ts');
  refused(await checkPath(ws, 'loop1'), /symbolic link loop/);
  inside(await checkPath(path.join(tmp, 'ws-link'), 'src/a.ts'), 'src/a.ts'); // a root reached through a link
});

test('~, file: URLs, UNC paths, NUL bytes and empty paths', async () => {
  refused(await checkPath(ws, '~/.aws/credentials'), OUTSIDE);
  refused(await checkPath(ws, '~'), OUTSIDE);
  refused(await checkPath(ws, '~root/.ssh/id_rsa'), /another user's home/);
  inside(await checkPath(ws, pathToFileURL(path.join(ws, 'src', 'a.ts')).href), 'src/a.ts');
  inside(await checkPath(ws, `file://localhost${path.join(ws, 'src', 'a.ts')}`), 'src/a.ts');
  refused(await checkPath(ws, 'file:///etc/passwd'), OUTSIDE);
  refused(await checkPath(ws, 'file://server/share/x'), /another machine/);
  refused(await checkPath(ws, 'https://example.com/x'), /is a URL, not a file path/);
  refused(await checkPath(ws, '\\\\server\\share\\x'), /network \(UNC\) or device path/);
  refused(await checkPath(ws, '//server/share/x'), /network \(UNC\) or device path/);
  refused(await checkPath(ws, ''), /empty/);
  refused(await checkPath(ws, '   '), /empty/);
  refused(await checkPath(ws, 'src/a.ts\0.png'), /NUL/);
  refused(await checkPath(ws, 'file:///x%00y'), /NUL/);
  refused(await checkPath(ws, 'file:///a%2Fb'), /not a valid file URL/);
});

test('case variants: inside on a case-insensitive file system, and protected either way', async () => {
  const upper = path.join(ws.toUpperCase(), 'SRC', 'A.TS');
  const r = await checkPath(ws, upper, { caseInsensitive: true });
  assert.ok(r.ok && r.rel === 'SRC/A.TS', JSON.stringify(r));
  refused(await checkPath(ws, upper, { caseInsensitive: false }), OUTSIDE);
  for (const p of ['.GIT/config', '.Git/HOOKS/pre-commit', 'Package.JSON', '.VSCode/settings.json']) {
    const c = await checkPath(ws, p, { caseInsensitive: true });
    assert.ok(c.ok && c.protectedReason, `${p}: ${JSON.stringify(c)}`);
  }
});

test('allowOutside admits a folder the person allowed, and only that', async () => {
  const allow = (abs: string) => abs === outside || abs.startsWith(outside + path.sep);
  const r = await checkPath(ws, '../outside/secret.txt', { allowOutside: allow });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.abs, path.join(outside, 'secret.txt'));
  assert.equal(r.rel, '../outside/secret.txt');
  inside(await checkPath(ws, 'link-out', { allowOutside: allow }), '../outside/secret.txt', path.join(outside, 'secret.txt'));
  refused(await checkPath(ws, '/etc/passwd', { allowOutside: allow }), OUTSIDE);
  refused(await checkPath(ws, '//server/share', { allowOutside: () => true }), /UNC/);
});

test('protected paths: config, hooks, instructions, env files and package.json at any depth, also through aliases', async () => {
  const cases: Record<string, boolean> = {
    '.git/config': true, '.git': true, 'sub/.git/hooks/pre-commit': true, '.vscode/settings.json': true,
    '.vscode/tasks.json': true, '.tack/profiles.jsonc': true, '.mcp.json': true, 'tools/.mcp.json': true,
    '.cursor/rules/x.mdc': true, '.claude/settings.json': true, '.github/workflows/ci.yml': true, 'AGENTS.md': true,
    'docs/agents.md': true, 'CLAUDE.md': true, '.husky/pre-commit': true, '.env': true, '.env.local': true,
    '.envrc': true, 'package.json': true, 'packages/app/package.json': true, 'PACKAGE.JSON': true, '.npmrc': true,
    '.git./config': true, '.git::$INDEX_ALLOCATION/config': true, 'GIT~1/config': true, '.gitmodules': true,
    'src/a.ts': false, '.gitignore': false, 'packages.json': false, 'environment.ts': false, 'src/env.ts': false,
    'README.md': false, 'agents.md.bak': false, '.': false, 'github/x': false,
  };
  const wrong = Object.entries(cases).filter(([rel, expected]) => (protectedReason(rel) !== undefined) !== expected);
  assert.deepEqual(wrong, []);
  assert.equal(protectedReason('.git/config'), '.git is protected: it holds Git\'s own files (hooks and config can run code)');
  assert.equal(protectedReason('a/Package.json'), 'Package.json is protected: its scripts run on npm commands');

  for (const [input, rel] of [['src/../.git/config', '.git/config'], ['cfg/config', '.git/config'], ['pj', 'package.json'], ['.git/../package.json', 'package.json']]) {
    const r = await checkPath(ws, input);
    assert.ok(r.ok && r.rel === rel && r.protectedReason, `${input}: ${JSON.stringify(r)}`);
  }
  const plain = await checkPath(ws, 'src/a.ts');
  assert.ok(plain.ok && plain.protectedReason === undefined);
});
