// The built `tack` CLI against local servers of every dialect: run with any provider type, retry lines in --json,
// and `tack models` with context window, price, capabilities and "needs key".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startAnthropicServer, type AnthropicServer } from '../fixtures/anthropic-server';
import { startOllamaServer, type OllamaServer } from '../fixtures/ollama-server';
import { jsonLines, runCli } from './cli-support';

let chat: FakeServer;
let claude: AnthropicServer;
let ollama: OllamaServer;
let dir: string;
before(async () => {
  [chat, claude, ollama] = await Promise.all([startOpenAIServer({ chunkDelayMs: 0 }), startAnthropicServer({ chunkDelayMs: 0 }), startOllamaServer({ chunkDelayMs: 0 })]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-cli-providers-'));
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'tack.providers': {
      local: { type: 'openai-compatible', baseUrl: chat.baseUrl },
      openai: { baseUrl: chat.baseUrl },
      claude: { type: 'anthropic', baseUrl: claude.baseUrl, label: 'Claude proxy' },
      ollama: { baseUrl: `${ollama.baseUrl}/v1` },
    },
  }));
});
after(async () => { await Promise.all([chat.close(), claude.close(), ollama.close()]); fs.rmSync(dir, { recursive: true, force: true }); });

const cli = (args: string[], env: Record<string, string> = {}) => runCli(dir, path.join(dir, 'settings.json'), args, env);
const lines = jsonLines;

test('run works for Responses, Anthropic and native Ollama providers', async () => {
  for (const [ref, server, wirePath] of [['openai/echo', () => chat, '/v1/responses'], ['claude/echo', () => claude, '/v1/messages'], ['ollama/echo', () => ollama, '/api/chat']] as const) {
    const before = server().requests.length;
    const r = await cli(['run', '--json', '--model', ref, 'hello']);
    assert.equal(r.code, 0, `${ref}: ${r.stdout}${r.stderr}`);
    const evs = lines(r.stdout);
    assert.match(evs.filter(e => e.type === 'text').map(e => e.delta).join(''), /^You said: hello/, ref);
    assert.equal(evs.at(-1).type, 'done');
    assert.ok(server().requests.length > before, ref); // Ollama may also be asked /api/show for its context length
    assert.equal(server().requests.at(-1)!.path, wirePath, ref);
  }
});

test('--json prints a retry line before the wait, then the answer', async () => {
  const r = await cli(['run', '--json', '--model', 'local/ratelimit-ms50-1', 'cli retry']);
  assert.equal(r.code, 0, r.stderr);
  const evs = lines(r.stdout);
  const retry = evs.find(e => e.type === 'retry');
  assert.deepEqual(Object.keys(retry).sort(), ['attempt', 'kind', 'maxAttempts', 'message', 'type', 'waitMs']);
  assert.deepEqual([retry.attempt, retry.maxAttempts, retry.waitMs, retry.kind], [2, 3, 50, 'rate_limit']);
  assert.ok(evs.indexOf(retry) < evs.findIndex(e => e.type === 'text'));
  const plain = await cli(['run', '--model', 'local/ratelimit-ms50-1', 'cli retry plain']);
  assert.match(plain.stderr, /Retrying in 1 s \(attempt 2 of 3\)/);
});

test('models --json: context window, price and capabilities where known (null otherwise); needsKey for keyless cloud', async () => {
  const local = lines((await cli(['models', '--provider', 'claude', '--json'])).stdout);
  const echo = local.find(e => e.model === 'echo');
  assert.deepEqual({ ...echo }, { provider: 'claude', model: 'echo', ref: 'claude/echo', contextWindow: null, maxOutput: null, price: null, capabilities: {}, quantization: null, source: 'unknown' });
  const groq = lines((await cli(['models', '--provider', 'groq', '--json'])).stdout);
  assert.deepEqual(groq, [{ provider: 'groq', error: groq[0].error, needsKey: true }]);
  assert.match(groq[0].error, /GROQ_API_KEY/);
  const text = await cli(['models', '--provider', 'anthropic']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /needs key: ANTHROPIC_API_KEY; known models: .*claude-sonnet-4-5/);
  const withKey = await cli(['models', '--provider', 'ollama']);
  assert.match(withKey.stdout, /ollama\/echo {2}ctx 41k · price unknown · Q4_K_M/, 'the context window from /api/show');
});
