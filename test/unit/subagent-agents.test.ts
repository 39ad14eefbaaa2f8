// Agent files on disk: the three workspace folders and the home's, front matter checks (errors skip the file, with
// a diagnostic; warnings keep it), other tools' names mapped to Tack's, untrusted folders listed but not usable,
// and the task tool's definition naming only the agents the model may use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encode } from 'gpt-tokenizer';
import { discoverAgents, parseAgentText } from '../../src/core/subagents/agents';
import { taskDefinition } from '../../src/core/subagents/task-tool';

const PROMPTS = path.resolve(__dirname, '../../../prompts');

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-agents-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  return root;
}

test('agents are found in .tack/agents, .claude/agents and .github/agents/*.agent.md, explore first; bad files are diagnostics and skipped', async () => {
  const root = tree({
    '.tack/agents/reviewer.md': '---\nname: reviewer\ndescription: Reviews a diff\ntools: [read, grep]\nmodel: ollama/qwen3:8b\nprofile: strict\n---\nReview carefully.\n',
    '.claude/agents/finder.md': '---\nname: Finder\ndescription: Finds things\ntools: Read, Grep, Glob, mcp__gh__search, MultiEdit, WebFetch, Task\nmodel: sonnet\n---\nFind.\n',
    '.github/agents/planner.agent.md': '---\ndescription: Plans work\n---\nPlan.\n',
    '.github/agents/notes.md': '---\nname: notes\ndescription: not an agent file here\n---\n',
    '.tack/agents/broken.md': '---\nname: broken\ndescription: [unclosed\n---\n',
    '.tack/agents/bare.md': 'No front matter at all.\n',
    '.tack/agents/loose.md': '---\nname: loose\ndescription: tools of the wrong type\ntools: 5\n---\n',
    '.tack/agents/nodesc.md': '---\nname: nodesc\n---\n',
    '.claude/agents/reviewer.md': '---\nname: reviewer\ndescription: a second reviewer\n---\n',
    '.claude/agents/explore.md': '---\nname: explore\ndescription: shadowing the built-in\n---\n',
  });
  execFileSync('mkfifo', [path.join(root, '.tack/agents/pipe.md')]);
  const scan = await discoverAgents({ root, trusted: true });
  assert.deepEqual(scan.agents.map(a => [a.name, a.source, a.file ?? '', a.usable]), [
    ['explore', 'builtin', '', true],
    ['reviewer', 'workspace', '.tack/agents/reviewer.md', true],
    ['finder', 'workspace', '.claude/agents/finder.md', true],
    ['planner', 'workspace', '.github/agents/planner.agent.md', true],
  ]);
  const [explore, reviewer, finder, planner] = scan.agents;
  assert.deepEqual(explore.tools, ['read', 'glob', 'grep']);
  assert.deepEqual([reviewer.tools, reviewer.model, reviewer.profile, reviewer.body], [['read', 'grep'], 'ollama/qwen3:8b', 'strict', 'Review carefully.']);
  assert.deepEqual(finder.tools, ['read', 'grep', 'glob', 'gh__search', 'edit', 'webfetch', 'task'], 'other tools\' names mapped; unknown ones kept (they match nothing)');
  assert.equal(finder.model, undefined, '"sonnet" is not a model reference: the parent\'s model');
  assert.equal(planner.tools, undefined, 'no tools field: the parent\'s tools');
  const byFile = (f: string) => scan.diagnostics.filter(d => d.file === f).map(d => `${d.severity}: ${d.message}`);
  assert.match(byFile('.tack/agents/broken.md')[0], /^error: Invalid YAML front matter/);
  assert.match(byFile('.tack/agents/bare.md')[0], /^error: An agent file must start with YAML front matter/);
  assert.match(byFile('.tack/agents/loose.md')[0], /^error: "tools" must be a list .*agent skipped \(it would otherwise get every tool\)/);
  assert.match(byFile('.tack/agents/nodesc.md')[0], /^error: "description" is required/);
  assert.match(byFile('.tack/agents/pipe.md')[0], /^error: Not read: it is a named pipe/);
  assert.match(byFile('.claude/agents/reviewer.md')[0], /^warning: an agent named "reviewer" was found earlier; this one is skipped/);
  assert.match(byFile('.claude/agents/explore.md')[0], /^warning: the built-in explore agent keeps its name/);
  const finderWarnings = byFile('.claude/agents/finder.md');
  assert.ok(finderWarnings.some(w => /"webfetch" is not one of Tack's/.test(w)));
  assert.ok(finderWarnings.some(w => /"task" in tools is ignored: a subagent cannot start subagents/.test(w)));
  assert.ok(finderWarnings.some(w => /"model: sonnet" is not a Tack model reference/.test(w)));
  assert.deepEqual(byFile('.github/agents/notes.md'), [], 'only *.agent.md in .github/agents');
  fs.rmSync(root, { recursive: true, force: true });
});

test('an untrusted folder\'s agents are listed, not usable; the home\'s are; the model is offered only usable ones', async () => {
  const root = tree({ '.tack/agents/writer.md': '---\nname: writer\ndescription: Writes files\n---\nWrite.\n' });
  const home = tree({ '.claude/agents/scout.md': '---\nname: scout\ndescription: Scouts cheaply\nmodel: ollama/qwen3:8b\n---\nScout.\n' });
  const scan = await discoverAgents({ root, home, trusted: false });
  assert.deepEqual(scan.agents.map(a => [a.name, a.source, a.usable]), [['explore', 'builtin', true], ['writer', 'workspace', false], ['scout', 'user', true]]);
  const def = await taskDefinition(scan.agents, PROMPTS);
  assert.match(def.description, /Agents \(default explore\) — explore: read-only search \(read, glob, grep\); scout: Scouts cheaply\.$/);
  assert.ok(!def.description.includes('writer'));
  // Every token of the definition is paid on every request: keep it small (with the built-in agent alone).
  const only = await taskDefinition([scan.agents[0]], PROMPTS);
  const tokens = encode(JSON.stringify({ name: only.name, description: only.description, parameters: only.parameters })).length;
  assert.ok(tokens <= 110, `task definition: ${tokens} tokens`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

test('parseAgentText: the name defaults to the file name; "inherit" is the parent\'s model; a non-string model skips the file', () => {
  const ok = parseAgentText('---\ndescription: d\nmodel: inherit\ntools: ""\n---\nBody', 'x.md', 'My-Agent');
  assert.deepEqual([ok.agent?.name, ok.agent?.model, ok.agent?.tools, ok.diagnostics], ['my-agent', undefined, [], []]);
  const bad = parseAgentText('---\ndescription: d\nmodel: 3\n---\n', 'y.md', 'y');
  assert.equal(bad.agent, undefined);
  assert.match(bad.diagnostics[0].message, /"model" must be a string/);
});
