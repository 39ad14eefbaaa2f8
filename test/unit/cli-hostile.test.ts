// What the CLI prints and what it sends from an untrusted folder: terminal escapes from model text, server errors and
// a repository's profile file never reach the terminal raw; without --trust no folder file goes to the model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sendJson } from '../fixtures/scenarios';
import { sse, startRawServer, type RawServer } from '../fixtures/raw-server';
import { jsonLine, terminalSafe } from '../../src/cli/output';
import { jsonLines, runCli } from './cli-support';

const EVIL = 'A\u001b]52;c;cm0gLXJmIH4=\u0007B\u001b[2J\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\C\u009b31mD\u0085E\rF\u007fG';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let server: RawServer;
let dir: string;
before(async () => {
  server = await startRawServer((req, res) => {
    const body = JSON.parse(req.body || '{}') as { model?: string };
    if (body.model === 'evil-error') return sendJson(res, 400, { error: { message: `bad request ${EVIL}`, type: 'invalid_request_error' } });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sse({ choices: [{ index: 0, delta: { reasoning_content: `think ${EVIL}` } }] }) + sse({ choices: [{ index: 0, delta: { content: `say ${EVIL}\n` }, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n');
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-cli-hostile-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ 'tack.providers': { lab: { type: 'openai-compatible', baseUrl: `${server.baseUrl}/v1` } }, 'tack.model': 'lab/echo', 'tack.network.maxRetries': 0 }));
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const cli = (args: string[], env: Record<string, string> = {}) => runCli(dir, path.join(dir, 'settings.json'), args, env);

test('terminalSafe keeps text, newlines and tabs and drops C0/C1 controls; jsonLine escapes C1 and DEL', () => {
  assert.equal(terminalSafe(`a\tb\nc${EVIL}`), 'a\tb\nc' + 'A]52;c;cm0gLXJmIH4=B[2J]8;;https://evil.example\\link]8;;\\C31mDEFG');
  assert.equal(terminalSafe('é 😀 ü'), 'é 😀 ü');
  const line = jsonLine({ delta: EVIL });
  assert.ok(!RAW.test(line.slice(0, -1)), line);
  assert.equal(JSON.parse(line).delta, EVIL, 'the exact text survives in JSON');
});

test('text mode prints model text, reasoning and server errors without control characters', async () => {
  const r = await cli(['run', 'hi']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /say A\]52;c;cm0gLXJmIH4=B\[2J/);
  assert.ok(!RAW.test(r.stdout.replace(/\n/g, '')), JSON.stringify(r.stdout));
  assert.ok(!RAW.test(r.stderr.replace(/\n/g, '')), JSON.stringify(r.stderr));
  const e = await cli(['run', '--model', 'lab/evil-error', 'hi']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /bad request A/);
  assert.ok(!RAW.test(e.stderr.replace(/\n/g, '')), JSON.stringify(e.stderr));
});

test('--json keeps the exact text, with C1 and DEL escaped', async () => {
  const r = await cli(['run', '--json', 'hi']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!RAW.test(r.stdout.replace(/\n/g, '')), JSON.stringify(r.stdout));
  const text = jsonLines(r.stdout).filter(ev => ev.type === 'text').map(ev => ev.delta).join('');
  assert.equal(text, `say ${EVIL}\n`);
});

test('a repository profile file cannot print escapes through diagnostics (no trust needed)', async () => {
  const ws = path.join(dir, 'evil-ws');
  fs.mkdirSync(path.join(ws, '.tack'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.tack', 'profiles.jsonc'), JSON.stringify({ profiles: { a: { [`x${EVIL}`]: 1, model: `lab${EVIL}` } }, default: EVIL }));
  const r = await cli(['profiles', '--cwd', ws]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unknown property "xA\]52/);
  assert.ok(!RAW.test(r.stderr.replace(/\n/g, '')), JSON.stringify(r.stderr));
});

test('without --trust the folder\'s AGENTS.md, CLAUDE.md and prompt file are not sent, and stderr says so', async () => {
  const ws = path.join(dir, 'instr-ws');
  fs.mkdirSync(path.join(ws, '.tack'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'AGENTS.md'), 'MARKER-AGENTS');
  fs.writeFileSync(path.join(ws, 'CLAUDE.md'), 'MARKER-CLAUDE');
  fs.writeFileSync(path.join(ws, '.tack', 'prompt.md'), 'MARKER-PROMPT');
  fs.writeFileSync(path.join(ws, '.tack', 'profiles.jsonc'), '{ "default": "p", "profiles": { "p": { "systemPrompt": ".tack/prompt.md" } } }');
  const systemOf = () => JSON.stringify((JSON.parse(server.requests.at(-1)!.body) as { messages: unknown[] }).messages[0]);
  const untrusted = await cli(['run', '--cwd', ws, 'hi']);
  assert.equal(untrusted.code, 0, untrusted.stderr);
  assert.ok(!/MARKER/.test(systemOf()), systemOf());
  assert.match(untrusted.stderr, /untrusted folder: \.tack\/prompt\.md, AGENTS\.md, CLAUDE\.md were not sent to the model \(.*--trust or TACK_TRUST=1\)/);
  const trusted = await cli(['run', '--trust', '--cwd', ws, 'hi']);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.match(systemOf(), /MARKER-PROMPT[\s\S]*MARKER-AGENTS[\s\S]*MARKER-CLAUDE/);
  assert.ok(!/were not sent/.test(trusted.stderr));
});
