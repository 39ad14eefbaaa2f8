// MCP servers and skills in the real extension host: server-everything as a user-level server in `tack.mcpServers`
// (no approval needed), a scripted model that loads a workspace skill and calls `everything__echo` (which asks, as
// every MCP tool does by default); the result lands in the tool card. An invalid SKILL.md becomes a diagnostic in
// Problems. When the setting no longer names the server, the next run stops its process (none is left behind).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { startScriptedServer, toolResultsOf, type ScriptedServer } from '../fixtures/scripted-server';
import type { TackApi } from '../../src/vscode/api';
import { waitFor } from './support';

const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

/** Pids of processes whose environment carries `marker` (Linux /proc; the server's own process). */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`TACK_MCP_TEST=${marker}`)) out.push(Number(d));
    } catch {
      // a process that ended meanwhile or is not ours: not the server
    }
  }
  return out;
}

suite('MCP servers and skills', () => {
  let server: ScriptedServer;
  let api: TackApi;
  const marker = randomUUID();
  const config = () => vscode.workspace.getConfiguration('tack');
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const skillsDir = () => path.join(root(), '.tack', 'skills');

  suiteSetup(async () => {
    fs.mkdirSync(path.join(skillsDir(), 'release-notes'), { recursive: true });
    fs.writeFileSync(path.join(skillsDir(), 'release-notes', 'SKILL.md'), '---\nname: release-notes\ndescription: Write release notes from the changelog.\n---\nRead CHANGELOG.md first, then group by area.\n');
    fs.mkdirSync(path.join(skillsDir(), 'broken'), { recursive: true });
    fs.writeFileSync(path.join(skillsDir(), 'broken', 'SKILL.md'), '---\nname: [not, a, name\ndescription: x\n---\nbody\n');
    server = await startScriptedServer([
      { calls: [{ name: 'skill', args: { name: 'release-notes' } }] },
      { calls: [{ name: 'everything__echo', args: { message: 'hello from the editor' } }] },
      { text: 'done' },
      { text: 'second run' },
    ]);
    await config().update('providers', { local: { type: 'openai-compatible', baseUrl: server.baseUrl, label: 'Scripted' } }, vscode.ConfigurationTarget.Global);
    await config().update('model', 'local/scripted', vscode.ConfigurationTarget.Global);
    await config().update('mcpServers', {
      everything: { command: process.execPath, args: [EVERYTHING, 'stdio'], env: { ELECTRON_RUN_AS_NODE: '1', TACK_MCP_TEST: marker } },
    }, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<TackApi>('tack.tack')!.activate();
    await api.ready();
    await vscode.commands.executeCommand('tack.newChat');
    await waitFor('the scripted model', () => api.modelRef() === 'local/scripted');
  });

  suiteTeardown(async () => {
    await config().update('mcpServers', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    await config().update('providers', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(path.join(root(), '.tack', 'skills'), { recursive: true, force: true });
    await server.close();
  });

  test('nothing starts before a run; a run loads a skill and calls server-everything\'s echo, shown in its card', async () => {
    assert.deepStrictEqual(pidsWith(marker), [], 'no server process at activation');
    const done = api.send('write the release notes, then echo');
    const pending = await waitFor('an approval for the MCP tool', () => api.pendingApprovals().find(p => p.tool === 'everything__echo'), 60_000);
    assert.strictEqual(pidsWith(marker).length, 1, 'the user-level server runs (no approval needed for it)');
    assert.strictEqual(api.answerApproval(pending.id, pending.nonce, 'approve'), true);
    await done;

    const first = server.bodies[0];
    const system = JSON.stringify(first.messages[0]);
    assert.match(system, /release-notes: Write release notes from the changelog\./, 'the skills section joins the system prompt');
    assert.doesNotMatch(system, /broken/, 'an invalid skill is skipped');
    const names: string[] = first.tools.map((t: any) => t.function.name);
    assert.ok(names.includes('skill'), `the skill tool is offered: ${names}`);
    assert.ok(names.includes('tool_search') || names.includes('everything__echo'), `server-everything's tools are offered: ${names}`);
    assert.match(toolResultsOf(server.bodies[1])[0], /Read CHANGELOG\.md first/, 'the skill tool loads the body');
    assert.match(toolResultsOf(server.bodies[2])[0], /Echo: hello from the editor/);
    const cards = api.messages().flatMap(m => m.tools ?? []);
    const echo = cards.find(c => c.name === 'everything__echo');
    assert.ok(echo && echo.state === 'done' && /Echo: hello from the editor/.test(echo.output ?? ''), JSON.stringify(cards));
  });

  test('an invalid SKILL.md is a diagnostic in Problems', async () => {
    const file = vscode.Uri.file(path.join(skillsDir(), 'broken', 'SKILL.md'));
    const diags = await waitFor('a diagnostic for the broken skill', () => { const d = vscode.languages.getDiagnostics(file); return d.length ? d : undefined; });
    assert.strictEqual(diags[0].source, 'Tack skills');
    assert.match(diags[0].message, /skill skipped/);
  });

  test('when the setting no longer names the server, the next run stops its process', async () => {
    assert.strictEqual(pidsWith(marker).length, 1);
    await config().update('mcpServers', undefined, vscode.ConfigurationTarget.Global);
    await api.send('again');
    await waitFor('the server process to end', () => pidsWith(marker).length === 0, 15_000);
  });
});
