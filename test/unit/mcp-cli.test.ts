// `tack run` with MCP servers end to end: the built CLI, a scripted model, the real server-everything over stdio.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolResultsOf, type ScriptReply } from '../fixtures/scripted-server';
import { jsonLines, runCli, scriptedWorkspace } from './cli-support';

const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

let home: string;
before(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-mcp-home-')); });
after(() => fs.rmSync(home, { recursive: true, force: true }));

const setup = (script: ScriptReply[], files: Record<string, string>) => scriptedWorkspace(home, script, files, { prefix: 'tack-mcp-ws-' });

const profile = JSON.stringify({ default: 'mcp', profiles: { mcp: { extends: 'lean', mcpServers: ['everything'] } } });
const mcpJson = (extra: string[] = []) => JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [...extra, EVERYTHING, 'stdio'] } } });

test('--trust-mcp --approve auto: the model calls server-everything\'s echo end to end; mcp state lines are printed', async () => {
  const s = await setup([
    { calls: [{ name: 'everything__echo', args: { message: 'hello from tack' } }] },
    { text: 'done' },
  ], { '.mcp.json': mcpJson(), '.tack/profiles.jsonc': profile });
  const r = await runCli(home, s.config, ['run', '--json', '--cwd', s.ws, '--trust-mcp', '--approve', 'auto', 'echo it'], { TACK_DATA_DIR: path.join(home, 'data') });
  assert.equal(r.code, 0, r.stderr);
  const evs = jsonLines(r.stdout);
  const mcp = evs.filter(e => e.type === 'mcp');
  assert.deepEqual(mcp.map(e => e.state).slice(0, 2), ['starting', 'ready'], JSON.stringify(mcp));
  assert.ok(mcp[1].tools > 5, 'ready with its tool count');
  const sent = s.server.bodies[0].tools.map((t: any) => t.function.name);
  assert.ok(sent.includes('tool_search'), `above deferAbove the model gets tool_search: ${sent}`);
  const result = evs.find(e => e.type === 'tool_result');
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.match(toolResultsOf(s.server.bodies[1])[0], /Echo: hello from tack/);
  await s.server.close();
});

test('without --trust-mcp the workspace server is never started (its command would create a marker file)', async () => {
  const marker = path.join(home, `marker-${process.pid}`);
  const s = await setup([{ calls: [{ name: 'everything__echo', args: { message: 'x' } }] }, { text: 'ok' }], {
    '.mcp.json': JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`] } } }),
    '.tack/profiles.jsonc': profile,
  });
  const r = await runCli(home, s.config, ['run', '--json', '--cwd', s.ws, '--approve', 'auto', 'go'], { TACK_DATA_DIR: path.join(home, 'data') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.existsSync(marker), false, 'no process was spawned');
  assert.match(r.stderr, /--trust-mcp/);
  const declined = jsonLines(r.stdout).find(e => e.type === 'mcp');
  assert.equal(declined.state, 'declined');
  assert.match(toolResultsOf(s.server.bodies[1])[0], /Unknown tool "everything__echo"/);
  await s.server.close();
});

test('tack profiles --json lists the resolved MCP servers with trust state, and skills with diagnostics', async () => {
  const s = await setup([], {
    '.mcp.json': mcpJson(),
    '.tack/profiles.jsonc': profile,
    '.tack/skills/release/SKILL.md': '---\nname: release\ndescription: Cut a release.\n---\nSteps.\n',
    '.claude/skills/broken/SKILL.md': '---\nname: [oops\n---\n',
  });
  const r = await runCli(home, s.config, ['profiles', '--json', '--cwd', s.ws], { TACK_DATA_DIR: path.join(home, 'data') });
  assert.equal(r.code, 0, r.stderr);
  const mcp = jsonLines(r.stdout).find(p => p.name === 'mcp');
  assert.deepEqual(mcp.resolvedMcpServers.map((m: any) => [m.name, m.source, m.selected, m.trust]), [['everything', 'workspace', true, 'unapproved']]);
  assert.deepEqual(mcp.resolvedSkills.map((k: any) => [k.name, k.loaded]), [['release', false]], 'untrusted folder: listed, not loaded');
  assert.match(r.stderr, /broken\/SKILL\.md:\d+:\d+: error: Invalid YAML/);
  await s.server.close();
});
