// MCP configuration import, server selection and the trust pin (hash of the definition, stored in user storage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { definitionHash, diffViews, ensureTrusted, fileTrustStore, loadMcpConfig, selectServers, serverView, trustStateOf } from '../../src/core/index';
import type { McpServerView } from '../../src/core/index';

function ws(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-mcpcfg-'));
  for (const [f, t] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true }); fs.writeFileSync(path.join(root, f), t); }
  return root;
}

test('each format is imported; placeholders expand; inputs are reported unresolved; a name defined twice is reported', async () => {
  const root = ws({
    '.vscode/mcp.json': `{ // comments allowed
      "inputs": [{ "id": "tok", "type": "promptString" }],
      "servers": {
        "gh": { "type": "http", "url": "https://api.example/mcp", "headers": { "Authorization": "Bearer \${input:tok}" } },
        "fs": { "command": "node", "args": ["\${workspaceFolder}/srv.js"], "env": { "KEY": "\${env:MY_KEY}" } },
      } }`,
    '.mcp.json': JSON.stringify({ mcpServers: { fs: { command: 'other' }, db: { command: 'db-mcp', args: ['--url', '${DB_URL:-sqlite://x}'] } } }),
    '.cursor/mcp.json': JSON.stringify({ mcpServers: { web: { url: 'http://localhost:9/sse', type: 'sse' }, bad: { nothing: true } } }),
  });
  const c = await loadMcpConfig({ root, env: { MY_KEY: 'secret' }, userServers: { mine: { command: 'u' } } });
  assert.deepEqual(Object.keys(c.servers).sort(), ['db', 'fs', 'gh', 'mine', 'web']);
  assert.deepEqual(c.servers.fs.args, [`${root}/srv.js`]);
  assert.equal(c.servers.fs.env!.KEY, 'secret');
  assert.equal(c.servers.fs.file, '.vscode/mcp.json', 'the first definition wins');
  assert.deepEqual(c.servers.db.args, ['--url', 'sqlite://x']);
  assert.equal(c.servers.web.transport, 'sse');
  assert.deepEqual(c.servers.gh.unresolved, ['${input:tok}']);
  assert.equal(c.servers.mine.source, 'user');
  const msgs = c.problems.map(p => p.message).join('\n');
  assert.match(msgs, /"fs" is defined twice/);
  assert.match(msgs, /needs \$\{input:tok\}/);
  assert.match(msgs, /"bad": it needs a "command"/);
});

test('selection: no list → user servers run, workspace offered; a list names them; restricted runs none', async () => {
  const root = ws({ '.mcp.json': JSON.stringify({ mcpServers: { w: { command: 'w' } } }) });
  const c = await loadMcpConfig({ root, env: {}, userServers: { u: { command: 'u' } } });
  const names = (l: Array<{ name: string }>) => l.map(s => s.name);
  assert.deepEqual(names(selectServers(c, {}).run), ['u']);
  assert.deepEqual(names(selectServers(c, {}).offered), ['w']);
  assert.deepEqual(names(selectServers(c, { mcpServers: ['w', 'gone'] }).run), ['w']);
  assert.deepEqual(selectServers(c, { mcpServers: ['w', 'gone'] }).missing, ['gone']);
  assert.deepEqual(selectServers(c, { mcpServers: ['w'], restricted: true }).run, []);
});

test('trust pin: approval stored in user storage; changing one arg asks again with a diff; env values hidden; restricted never asks', async () => {
  const root = ws({ '.mcp.json': JSON.stringify({ mcpServers: { s: { command: 'node', args: ['a.js'], env: { TOKEN: 'hunter2' } } } }) });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-trust-'));
  const store = fileTrustStore(path.join(dataDir, 'mcp-trust.json'));
  const asked: Array<[McpServerView, McpServerView | undefined]> = [];
  const port = { approveServer: async (d: McpServerView, p?: McpServerView) => { asked.push([d, p]); return true; } };
  const def = (await loadMcpConfig({ root, env: {} })).servers.s;
  assert.equal(await trustStateOf(def, { root, store, workspaceTrusted: true }), 'unapproved');
  assert.deepEqual(await ensureTrusted(def, { root, store, port, workspaceTrusted: true }), { ok: true, how: 'approved' });
  assert.deepEqual(asked[0][0].envKeys, ['TOKEN']);
  assert.ok(!JSON.stringify(asked[0][0]).includes('hunter2'), 'env values never shown');
  assert.ok(!fs.readFileSync(path.join(dataDir, 'mcp-trust.json'), 'utf8').includes('hunter2'), 'nor stored');
  assert.equal((await ensureTrusted(def, { root, store, port, workspaceTrusted: true })).ok, true);
  assert.equal(asked.length, 1, 'unchanged: not asked again');
  const changed = { ...def, args: ['evil.js'] };
  assert.notEqual(definitionHash(changed), definitionHash(def));
  assert.equal(await trustStateOf(changed, { root, store, workspaceTrusted: true }), 'changed');
  await ensureTrusted(changed, { root, store, port, workspaceTrusted: true });
  assert.equal(asked.length, 2);
  assert.deepEqual(diffViews(asked[1][1]!, asked[1][0]), ['args: ["a.js"] → ["evil.js"]']);
  const declined = await ensureTrusted({ ...def, command: 'curl' }, { root, store, port: { approveServer: async () => false }, workspaceTrusted: true });
  assert.deepEqual(declined, { ok: false, reason: 'you declined it' });
  const restricted = await ensureTrusted({ ...def, command: 'x' }, { root, store, port, workspaceTrusted: false, approveAll: true });
  assert.equal(restricted.ok, false);
  assert.equal(asked.length, 2, 'restricted mode never asks');
  assert.equal(serverView({ ...def, env: { A: '1' }, headers: { H: 'v' } }).headerNames![0], 'H');
});
