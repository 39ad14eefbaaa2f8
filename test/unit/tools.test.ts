// The built-in tools on a real temp workspace: what each prepares (gates, previews) and what running it does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { FileSnapshots } from '../../src/core/edits/snapshots';
import { silentLogger } from '../../src/core/ports';
import { nodeExec } from '../../src/core/tools/node-exec';
import { nodeFileOps } from '../../src/core/tools/node-files';
import { enabledTools, toolSet } from '../../src/core/tools/registry';
import type { PreparedCall, Tool, ToolContext } from '../../src/core/tools/types';
import { runTools } from '../../src/core/agent/run-tools';
import { cliRgPath } from '../../src/cli/run';
import { testProfile } from './agent-support';

let root: string;
let data: string;
before(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tack-tools-')));
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-tools-data-'));
  fs.writeFileSync(path.join(root, 'a.txt'), 'alpha\nbeta\n');
  fs.writeFileSync(path.join(root, '.gitignore'), 'ignored/\n');
  fs.mkdirSync(path.join(root, 'ignored'));
  fs.writeFileSync(path.join(root, 'ignored', 'x.txt'), 'beta hidden\n');
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'b.ts'), 'export const beta = 2;\n');
  fs.writeFileSync(path.join(root, 'bin.dat'), Buffer.from([0, 1, 2, 3]));
  fs.writeFileSync(path.join(root, 'pic.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
  execFileSync('git', ['init', '-q'], { cwd: root });
});
after(() => { fs.rmSync(root, { recursive: true, force: true }); fs.rmSync(data, { recursive: true, force: true }); });

function ctx(over: Partial<ToolContext> = {}): ToolContext {
  return {
    root, files: nodeFileOps(root), exec: nodeExec(cliRgPath()), snapshots: new FileSnapshots(), editFormat: 'hashline',
    dataDir: data, allowOutside: abs => abs.startsWith(data + path.sep), commands: {}, trusted: true, log: silentLogger, ...over,
  };
}

async function prepared(tool: Tool, args: Record<string, unknown>, c = ctx()): Promise<PreparedCall> {
  const p = await tool.prepare(args, c);
  if ('error' in p) throw new Error(p.error);
  return p;
}
const tools = new Map(enabledTools({ tools: { read: 'auto', edit: 'ask', write: 'ask', glob: 'auto', grep: 'auto', bash: 'ask', todo: 'auto' }, editFormat: 'hashline' }).map(t => [t.name, t]));
const t = (name: string) => tools.get(name)!;
const noop = () => {};
const sig = () => new AbortController().signal;

test('the registry offers the tools a profile names (deny: not offered), read-only ones only in Restricted Mode, with descriptions from prompts/tools', async () => {
  assert.deepEqual(enabledTools({ tools: { read: 'auto', bash: 'deny', edit: 'ask' } }).map(x => x.name), ['read', 'edit']);
  assert.deepEqual(enabledTools({ tools: { read: 'auto', bash: 'ask', grep: 'auto' }, restricted: true }).map(x => x.name), ['read', 'grep']);
  assert.deepEqual(enabledTools({ tools: {} }), []);
  const set = await toolSet({ tools: { read: 'auto', edit: 'ask' }, editFormat: 'search-replace' }, path.resolve(__dirname, '../../../prompts'));
  assert.ok(set.definitions.every(d => d.description.length > 20));
  assert.deepEqual((set.definitions[1].parameters as { required: string[] }).required.sort(), ['new', 'old', 'path']);
  assert.equal(await runTools({ profile: testProfile({ tools: {} }), promptsDir: 'x', root, files: nodeFileOps(root), exec: nodeExec('rg'), snapshots: new FileSnapshots(), dataDir: data, trusted: true, log: silentLogger }), undefined, 'no tools: chat only');
});

test('read: hashline rows with a tag; ranges; images become image parts; binary files, folders and missing files are refused', async () => {
  const r = await (await prepared(t('read'), { path: 'a.txt' })).run(sig(), noop);
  assert.match(r.text, /^\[a\.txt#[0-9a-f]{4,}\]\n1:alpha\n2:beta$/);
  const part = await (await prepared(t('read'), { path: 'a.txt', offset: 2, limit: 1 })).run(sig(), noop);
  assert.match(part.text, /2:beta/);
  assert.doesNotMatch(part.text, /1:alpha/);
  const plain = await (await prepared(t('read'), { path: 'a.txt' }, ctx({ editFormat: 'search-replace' }))).run(sig(), noop);
  assert.equal(plain.text.startsWith('1:alpha'), true, 'other formats: rows without the header');
  const img = await (await prepared(t('read'), { path: 'pic.png' })).run(sig(), noop);
  assert.equal(img.images?.[0].mediaType, 'image/png');
  assert.match((await (await prepared(t('read'), { path: 'bin.dat' })).run(sig(), noop)).text, /binary file/);
  assert.match((await (await prepared(t('read'), { path: 'nope.txt' })).run(sig(), noop)).text, /does not exist/);
  await assert.rejects((await prepared(t('read'), { path: 'src' })).run(sig(), noop), /directory|not a regular file/);
});

test('write: creates files and previews the change; protected paths need a person; outside paths are refused at prepare', async () => {
  const p = await prepared(t('write'), { path: 'new/dir/c.txt', content: 'x\r\ny' });
  assert.equal(p.gate, undefined);
  assert.deepEqual(p.preview, { path: 'new/dir/c.txt', after: 'x\r\ny' });
  const r = await p.run(sig(), noop);
  assert.equal(r.changedPath, 'new/dir/c.txt');
  assert.equal(fs.readFileSync(path.join(root, 'new/dir/c.txt'), 'utf8'), 'x\r\ny');
  for (const prot of ['package.json', '.git/config', '.VSCode/settings.json', 'sub/.env.local', 'AGENTS.md', 'src/../.tack/profiles.jsonc']) {
    const g = await prepared(t('write'), { path: prot, content: '{}' });
    assert.equal(g.gate?.human, true, prot);
    assert.equal(g.gate?.decision, 'ask', prot);
  }
  const out = await t('write').prepare({ path: '../escape.txt', content: 'x' }, ctx());
  assert.ok('error' in out && /outside the workspace/.test(out.error));
});

test('edit: a file changed while the call waited for approval is not written', async () => {
  const c = ctx();
  const read = await (await prepared(t('read'), { path: 'a.txt' }, c)).run(sig(), noop);
  const tag = /#([0-9a-f]+)\]/.exec(read.text)![1];
  const p = await prepared(t('edit'), { path: 'a.txt', tag, edits: [{ start: 1, end: 1, lines: ['ALPHA'] }] }, c);
  assert.equal(p.preview?.after, 'ALPHA\nbeta\n');
  fs.writeFileSync(path.join(root, 'a.txt'), 'alpha\nbeta\ngamma\n');
  const r = await p.run(sig(), noop);
  assert.equal(r.isError, true);
  assert.match(r.text, /changed while the call waited/);
  assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'alpha\nbeta\ngamma\n');
  fs.writeFileSync(path.join(root, 'a.txt'), 'alpha\nbeta\n');
});

test('glob and grep: ripgrep respects .gitignore, results relative to the root; grep stays in the workspace', async () => {
  const g = await (await prepared(t('glob'), { pattern: '**/*.txt' })).run(sig(), noop);
  assert.ok(g.text.split('\n').includes('a.txt'), g.text);
  assert.ok(!g.text.includes('ignored/x.txt'), 'ignored by .gitignore');
  const hits = await (await prepared(t('grep'), { pattern: 'beta' })).run(sig(), noop);
  assert.match(hits.text, /^a\.txt:2:beta$/m);
  assert.match(hits.text, /^src\/b\.ts:1:export const beta = 2;$/m);
  assert.ok(!hits.text.includes('hidden'));
  assert.equal((await (await prepared(t('grep'), { pattern: 'zzz-none' })).run(sig(), noop)).text, 'No matches.');
  const bad = await (await prepared(t('grep'), { pattern: '(' })).run(sig(), noop);
  assert.equal(bad.isError, true);
  const outside = await t('grep').prepare({ pattern: 'x', path: '/etc' }, ctx());
  assert.ok('error' in outside);
  const globUp = await t('glob').prepare({ pattern: '../**' }, ctx());
  assert.ok('error' in globUp);
});

test('bash: output streams, exit codes and timeouts are reported; deny rules refuse; constructs ask; writes to protected paths need a person', async () => {
  const chunks: string[] = [];
  const r = await (await prepared(t('bash'), { command: 'echo one; echo two >&2; exit 3' })).run(sig(), c => chunks.push(c));
  assert.match(r.text, /one\ntwo\n\[exit code 3\]/);
  assert.equal(r.isError, true);
  assert.ok(chunks.join('').includes('one'));
  const slow = await (await prepared(t('bash'), { command: 'sleep 5', timeout: 0.3 })).run(sig(), noop);
  assert.match(slow.text, /timed out after 0.3 s; the process group was killed/);
  const denied = await prepared(t('bash'), { command: 'ls && git push' }, ctx({ commands: { deny: ['git push'] } }));
  assert.equal(denied.gate?.decision, 'deny');
  const auto = await prepared(t('bash'), { command: 'git status' }, ctx({ commands: { auto: ['git status'] } }));
  assert.equal(auto.gate, undefined);
  assert.ok(auto.autoReason);
  const untrusted = await prepared(t('bash'), { command: 'git status' }, ctx({ commands: { auto: ['git status'] }, trusted: false }));
  assert.equal(untrusted.autoReason, undefined, "an untrusted folder's commands.auto does not count");
  const subst = await prepared(t('bash'), { command: 'git status $(rm -rf ~)' }, ctx({ commands: { auto: ['git status'] } }));
  assert.equal(subst.gate?.decision, 'ask');
  const redirect = await prepared(t('bash'), { command: 'echo x > package.json' });
  assert.equal(redirect.gate?.human, true);
  const outside = await prepared(t('bash'), { command: 'echo x > ../../tmp/out.txt' });
  assert.equal(outside.gate?.human, true);
});

test('output truncation keeps head and tail and saves the whole output where read can open it', async () => {
  const { truncateForModel } = await import('../../src/core/tools/truncate');
  const long = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n');
  const saved = path.join(data, 'whole.txt');
  const cut = await truncateForModel(long, { maxChars: 2000, maxLines: 100 }, async whole => { fs.writeFileSync(saved, whole); return saved; });
  assert.equal(cut.truncated, true);
  assert.match(cut.text, /^line 0\n/);
  assert.match(cut.text, /line 4999$/);
  assert.ok(cut.text.includes(saved));
  const back = await (await prepared(t('read'), { path: saved, offset: 4990, limit: 20 })).run(sig(), noop);
  assert.match(back.text, /line 4999/);
});
