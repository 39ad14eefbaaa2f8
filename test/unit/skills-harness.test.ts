// Skills (discovery, selection, invalid front matter, untrusted folders), tool_search activation, nested AGENTS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverSkills, searchTools, selectSkills, skillsPromptSection, skillTool } from '../../src/core/index';
import { withNestedInstructions } from '../../src/core/agent/nested-instructions';
import { composeSystemPrompt } from '../../src/core/profiles/prompt';
import { readTool } from '../../src/core/tools/builtin/read';
import { nodeFileOps } from '../../src/core/tools/node-files';
import { FileSnapshots } from '../../src/core/edits/snapshots';
import { silentLogger } from '../../src/core/ports';
import { runMcpBench } from '../bench/mcp';

function tree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tack-skills-')));
  for (const [f, t] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true }); fs.writeFileSync(path.join(root, f), t); }
  return root;
}
const skill = (name: string, desc: string, body = 'Body.') => `---\nname: ${name}\ndescription: ${desc}\n---\n${body}\n`;

test('skills: discovered in workspace and home folders, selected by globs, invalid front matter → diagnostic, untrusted → not loaded', async () => {
  const root = tree({
    '.tack/skills/release/SKILL.md': skill('release', 'Cut a release.', 'Run scripts/release.sh.'),
    '.tack/skills/release/scripts/release.sh': 'echo',
    '.github/skills/review-pr/SKILL.md': skill('review-pr', 'Review a pull request.'),
    '.claude/skills/bad/SKILL.md': '---\nname: Bad Name\ndescription: x\n---\n',
    '.agents/skills/nofm/SKILL.md': 'no front matter',
  });
  const home = tree({ '.claude/skills/pdf/SKILL.md': skill('pdf', 'Work with PDFs.') });
  const scan = await discoverSkills({ root, home, trusted: true });
  assert.deepEqual(scan.skills.map(s => [s.name, s.source]), [['release', 'workspace'], ['review-pr', 'workspace'], ['pdf', 'user']]);
  assert.equal(scan.diagnostics.length, 2);
  assert.match(scan.diagnostics.map(d => `${d.file}: ${d.message}`).join('\n'), /\.claude\/skills\/bad\/SKILL\.md: "name" must be/);
  assert.deepEqual(selectSkills(scan.skills, ['review-*', 'pdf']).map(s => s.name), ['review-pr', 'pdf']);
  assert.equal(skillsPromptSection(scan.skills).split('\n').filter(l => l.startsWith('- ')).length, 3, 'one line per skill');
  const tool = skillTool(scan.skills, root);
  const p = await tool.prepare({ name: 'release' }, {} as never);
  const r = await (p as any).run();
  assert.match(r.text, /Run scripts\/release\.sh\./);
  assert.match(r.text, /- \.tack\/skills\/release\/scripts\/release\.sh/);
  const untrusted = await discoverSkills({ root, trusted: false });
  assert.equal(untrusted.skills.every(s => !s.loadable), true);
  assert.equal(skillsPromptSection(untrusted.skills), '');
  assert.match((await skillTool(untrusted.skills, root).prepare({ name: 'release' }, {} as never) as any).error, /not trusted/);
});

test('tool_search: an exact name always hits; words rank over names, descriptions and parameters; bench numbers hold', () => {
  const entries = [
    { name: 'db__query', remoteName: 'query', description: 'Run SQL.', paramNames: ['sql'] },
    { name: 'gh__create_issue', remoteName: 'create_issue', description: 'Create an issue.', paramNames: ['title'] },
    { name: 'gh__list_issues', remoteName: 'list_issues', description: 'List issues.', paramNames: ['state'] },
  ];
  assert.equal(searchTools('query', entries)[0], 'db__query');
  assert.equal(searchTools('gh__list_issues', entries)[0], 'gh__list_issues');
  assert.equal(searchTools('create a new issue with a title', entries)[0], 'gh__create_issue');
  const b = runMcpBench();
  assert.equal(b.tools, 50);
  assert.ok(b.addedTokens <= 300, `50 deferred tools add ${b.addedTokens} tokens`);
  assert.ok(b.recallAt5 >= 0.9, `recall@5 ${b.recallAt5}`);
});

test('instructions: a file over the cap is cut with a note; a nested AGENTS.md joins the first read under its folder, once', async () => {
  const big = 'x\n'.repeat(20_000);
  const sys = composeSystemPrompt('base', [{ path: 'AGENTS.md', text: big }]);
  assert.match(sys, /\[AGENTS\.md was cut here: it has \d+ characters/);
  const root = tree({ 'pkg/AGENTS.md': 'Use tabs in pkg.', 'pkg/a.ts': 'a', 'pkg/b.ts': 'b', 'top.ts': 't' });
  const joined = new Set<string>();
  const read = withNestedInstructions(readTool, joined);
  const ctx = { root, files: nodeFileOps(root), snapshots: new FileSnapshots(), editFormat: 'hashline', trusted: true, log: silentLogger, allowOutside: () => false } as any;
  const run = async (p: string) => (await (await read.prepare({ path: p }, ctx) as any).run(new AbortController().signal, () => {})).text as string;
  assert.doesNotMatch(await run('top.ts'), /Instructions from/);
  assert.match(await run('pkg/a.ts'), /\[Instructions from pkg\/AGENTS\.md now apply[^\n]*\]\nUse tabs in pkg\./);
  assert.doesNotMatch(await run('pkg/b.ts'), /Instructions from/, 'joined once per session');
});
