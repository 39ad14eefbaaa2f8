// Integration tests: the usual @vscode/test-electron runTests() call, pointed at
// test/harness/code-shim.sh instead of a downloaded VS Code (the shim runs the extension host in
// code-server and the workbench in Chromium). Run with Node 24 first on PATH, after
// `npm run build`, `npm run build:tests` and `bash test/harness/tools.sh`:
//   node test/integration/runTest.cjs
// State goes to .cache/run/integration/ (profile, workspace copy, server.log, results.json).
// When the fake provider server is built (out/test/fixtures/serve.js) it is started first and the
// profile gets  tack.providers.local -> it  and  tack.model = "local/echo";  the extension host
// sees its URL as process.env.TACK_FAKE_BASE_URL (".../v1").
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '../..');
const runDir = path.join(process.env.TACK_RUN_DIR || path.join(root, '.cache/run'), 'integration');
const results = path.join(runDir, 'results.json');

function startFakeServer() {
  const serve = process.env.TACK_FAKE_SERVER || path.join(root, 'out/test/fixtures/serve.js');
  if (!fs.existsSync(serve)) {
    console.log(`[integration] ${path.relative(root, serve)} not found: running without the fake provider server`);
    return Promise.resolve(undefined);
  }
  const child = spawn(process.execPath, [serve], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(child); reject(new Error('fake server printed nothing within 10 s')); }, 10_000);
    child.once('exit', c => { clearTimeout(timer); reject(new Error(`fake server exited with ${c}`)); });
    readline.createInterface({ input: child.stdout }).once('line', line => {
      clearTimeout(timer);
      try {
        const { baseUrl } = JSON.parse(line);
        child.stdout.resume();   // keep draining; the server may log more
        resolve({ child, baseUrl });
      } catch (e) {
        stop(child);
        reject(new Error(`fake server printed ${JSON.stringify(line)}, not its JSON address line`));
      }
    });
  });
}

function stop(child) {
  if (child && child.exitCode === null) {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
}

async function main() {
  fs.rmSync(runDir, { recursive: true, force: true });
  const ws = path.join(runDir, 'workspace');
  fs.cpSync(path.join(root, 'test/sample-workspace'), ws, { recursive: true });

  let fake;
  try {
    fake = await startFakeServer();
  } catch (e) {
    console.error('[integration]', e.message);
    return 2;
  }
  const settings = {};
  const env = { TACK_TEST_RESULTS: results };
  if (fake) {
    console.log(`[integration] fake provider server at ${fake.baseUrl}`);
    settings['tack.providers'] = { local: { type: 'openai-compatible', baseUrl: fake.baseUrl, label: 'Local test server' } };
    settings['tack.model'] = 'local/echo';
    env.TACK_FAKE_BASE_URL = fake.baseUrl;
  }
  const extra = process.env.TACK_USER_SETTINGS ? JSON.parse(process.env.TACK_USER_SETTINGS) : {};
  env.TACK_USER_SETTINGS = JSON.stringify({ ...settings, ...extra });

  try {
    await runTests({
      vscodeExecutablePath: path.join(root, 'test/harness/code-shim.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out/test/integration/index'),
      launchArgs: [
        ws,
        `--user-data-dir=${path.join(runDir, 'user-data')}`,
        `--extensions-dir=${path.join(runDir, 'extensions')}`,
      ],
      extensionTestsEnv: env,
    });
    return 0;
  } catch (e) {
    console.error(`[integration] test run failed: ${e.message || e}`);
    return typeof e.code === 'number' && e.code > 0 ? e.code : 1;
  } finally {
    stop(fake && fake.child);
  }
}

main().then(code => process.exit(code), e => { console.error(e); process.exit(2); });
