// Runs an extension test module (mocha in the extension host) in an already started code-server
// and returns the extension host's exit code. Called by code-shim.sh; not meant to be run by hand.
//
// How it works: code-server must run with `--vscode-option enable-smoke-test-driver`; only then does
// its built workbench honour the development arguments in the URL's `payload` parameter
// (extensionDevelopmentPath / extensionTestsPath, as vscode-remote:// URIs). When the test module's
// run() settles, the remote extension host exits and the workbench calls
// window.codeAutomationExit(code); its log output (including the extension host's console, where
// mocha reports) arrives through window.codeAutomationLog.
//
// usage: node integration.mjs --port P --dev DIR [--dev DIR] --tests MODULE [--folder DIR]
//                             [--timeout SECONDS] [--shot FILE.png] [--verbose]
// exit: 0 tests passed, 1 tests failed, 2 harness error, 3 timeout
import { createRequire } from 'node:module';
import { parseArgs, format } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tools = process.env.TOOLS || path.join(root, '.cache/tools');
const { chromium } = createRequire(path.join(tools, 'package.json'))('playwright-core');

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string' },
    dev: { type: 'string', multiple: true, default: [] },
    tests: { type: 'string' },
    folder: { type: 'string' },
    timeout: { type: 'string', default: '240' },
    shot: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (!opt.port || !opt.tests) {
  console.error('integration.mjs: --port and --tests are required');
  process.exit(2);
}

const authority = `127.0.0.1:${opt.port}`;
const remoteUri = p => `vscode-remote://${authority}${path.resolve(p)}`;
const payload = [
  ...opt.dev.map(d => ['extensionDevelopmentPath', remoteUri(d)]),
  ['extensionTestsPath', remoteUri(opt.tests)],
  ['skipWelcome', 'true'],
];
const where = opt.folder ? `folder=${encodeURIComponent(path.resolve(opt.folder))}` : 'ew=true';
const url = `http://${authority}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

// Offline noise from the workbench (gallery lookups, reconnect chatter, shutdown cancellation).
const noise = /^Canceled|open-vsx\.org|ENOTFOUND|getaddrinfo|Creating a socket|connection token|grace time|Service Worker|AgentHost|AccountPolicyGate|builtin extensions cache|marketplace|Extension gallery/i;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let code = 2;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let finished = false;
  const exited = new Promise(resolve => {
    page.exposeFunction('codeAutomationExit', c => { finished = true; resolve(Number(c)); });
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (finished && !opt.verbose) { return; }
    const line = format(...(Array.isArray(args) ? args : [args]));
    if (opt.verbose || !noise.test(line)) { (type === 'error' ? console.error : console.log)(line); }
  });
  page.on('pageerror', e => console.error('[workbench pageerror]', e.message.slice(0, 300)));
  if (opt.verbose) {
    console.error('[harness] url', url);
    page.on('console', m => { if (m.type() === 'error') { console.error('[workbench console]', m.text().slice(0, 300)); } });
  }
  await page.goto(url);
  let timer;
  const timedOut = new Promise(resolve => { timer = setTimeout(() => resolve('timeout'), Number(opt.timeout) * 1000); });
  const res = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (opt.shot) { await page.screenshot({ path: opt.shot }).catch(() => {}); }
  if (res === 'timeout') {
    console.error(`[harness] the extension tests did not finish within ${opt.timeout} s`);
    code = 3;
  } else {
    code = res;
    console.log(`[harness] extension host exited with code ${code}`);
  }
} catch (e) {
  console.error('[harness] error:', e);
  code = 2;
} finally {
  await browser.close().catch(() => {});
}
process.exit(code);
