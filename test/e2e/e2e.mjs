// End-to-end test: the packaged Tack extension in a real VS Code (code-server), driven through
// Debian Chromium with playwright-core. Started by test/e2e/run.sh, which installs tack.vsix into a
// fresh profile, starts the fake OpenAI-compatible server and code-server, then runs:
//   node test/e2e/e2e.mjs --url WORKBENCH_URL --settings USER_SETTINGS_JSON --fake BASE_URL --out DIR
// Prints each step with its time and "N passed, N failed" last; writes {passed, failed, steps} to
// $TACK_TEST_RESULTS when set; screenshots DIR/e2e.png (always) and DIR/e2e-error.png (after the
// error case). Exit code 1 when any step failed.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tools = process.env.TOOLS || path.join(root, '.cache/tools');
const { chromium } = createRequire(path.join(tools, 'package.json'))('playwright-core');

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    settings: { type: 'string' },
    fake: { type: 'string' },
    out: { type: 'string', default: path.join(root, '.cache/run/e2e') },
  },
});
for (const k of ['url', 'settings', 'fake']) {
  if (!opt[k]) { console.error(`e2e.mjs: --${k} is required`); process.exit(2); }
}

const EXT_ID = 'tack.tack';
const t0 = Date.now();
const log = (...a) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = ms => new Promise(r => setTimeout(r, ms));

class StepError extends Error {}
function check(cond, message) { if (!cond) { throw new StepError(message); } }

// Poll fn() until it returns a truthy value; on timeout throw with describe(lastValue).
async function until(fn, timeoutMs, describe) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) { return last; }
    if (Date.now() > end) { throw new StepError(describe(last instanceof Error ? `(${last.message.split('\n')[0]})` : last)); }
    await sleep(250);
  }
}

const steps = [];
let blockedBy;
async function step(name, fn, { required = false } = {}) {
  if (blockedBy) {
    steps.push({ name, ok: false, ms: 0, error: `not run: "${blockedBy}" failed` });
    log(`FAIL ${name}: not run, "${blockedBy}" failed`);
    return;
  }
  const s = Date.now();
  try {
    await fn();
    steps.push({ name, ok: true, ms: Date.now() - s });
    log(`ok   ${name} (${Date.now() - s} ms)`);
  } catch (e) {
    const error = e instanceof StepError ? e.message : (e?.stack ?? String(e)).split('\n').slice(0, 4).join('\n');
    steps.push({ name, ok: false, ms: Date.now() - s, error });
    log(`FAIL ${name} (${Date.now() - s} ms): ${error}`);
    if (required) { blockedBy = name; }
  }
}

function setUserSetting(key, value) {
  const settings = JSON.parse(fs.readFileSync(opt.settings, 'utf8'));
  settings[key] = value;
  fs.writeFileSync(opt.settings, JSON.stringify(settings, null, 2) + '\n');
}

async function fakeServerLog() {
  const res = await fetch(new URL('/_log', opt.fake));
  check(res.ok, `GET /_log answered ${res.status}`);
  return res.json();
}

fs.mkdirSync(opt.out, { recursive: true });
const shot = path.join(opt.out, 'e2e.png');
const errorShot = path.join(opt.out, 'e2e-error.png');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let page;
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', e => log('[pageerror]', e.message.slice(0, 300)));
  page.on('console', m => {
    // Errors from the webview (our code) help when a step fails; the workbench's offline noise does not.
    if (m.type() === 'error' && /webview|fake\.html/.test(m.location()?.url ?? '')) {
      log('[webview console.error]', m.text().slice(0, 300));
    }
  });

  const status = page.locator(`[id="${EXT_ID}.tack.model"]`);
  const webview = page
    .frameLocator(`iframe.webview[src*="extensionId=${EXT_ID}"]`)
    .frameLocator('iframe#active-frame');
  const input = webview.locator('#input');

  await step('a. workbench loads', async () => {
    await page.goto(opt.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
  }, { required: true });

  await step('b. the Tack view opens from the activity bar and shows its webview', async () => {
    const outer = page.locator(`iframe.webview[src*="extensionId=${EXT_ID}"]`);
    if (await outer.count() === 0) {   // a click on an already open container would close it
      await page.locator('.activitybar a.action-label[aria-label="Tack"]').click({ timeout: 30_000 });
    }
    await outer.waitFor({ state: 'attached', timeout: 30_000 });
    await input.waitFor({ timeout: 30_000 });
  }, { required: true });

  await step('c. status bar shows the model from user settings', async () => {
    await status.waitFor({ timeout: 30_000 }).catch(() => {
      throw new StepError(`no status bar item with id "${EXT_ID}.tack.model" within 30 s`);
    });
    let text = '';
    await until(async () => {
      text = (await status.innerText()).trim();
      return text.includes('echo') && text.includes('Local test server');
    }, 30_000, () => `status bar item shows ${JSON.stringify(text)}, expected "echo" and "Local test server"`);
    log(`     status bar: ${JSON.stringify(text)}`);
  });

  let echoUsage;
  await step('d. chat round trip: markdown reply and token counts', async () => {
    await input.click();
    await input.pressSequentially('Hello **Tack**');
    await input.press('Enter');
    const assistant = webview.locator('#messages .msg.assistant')
      .filter({ has: webview.locator('.body', { hasText: 'You said: Hello Tack' }) }).first();
    await assistant.waitFor({ timeout: 30_000 }).catch(async () => {
      const bodies = await webview.locator('#messages .msg').allInnerTexts().catch(() => []);
      throw new StepError(`no assistant reply containing "You said: Hello Tack" within 30 s; messages: ${JSON.stringify(bodies)}`);
    });
    const userText = (await webview.locator('#messages .msg.user .body').first().innerText()).trim();
    check(userText === 'Hello **Tack**', `user message body is ${JSON.stringify(userText)}, expected "Hello **Tack**"`);
    await assistant.locator('.code-block button.copy').first().waitFor({ timeout: 10_000 }).catch(() => {
      throw new StepError('the assistant reply has no .code-block with a button.copy');
    });
    const entries = await fakeServerLog();
    const echo = entries.filter(e => e.model === 'echo').pop();
    check(echo?.usage, `the fake server logged no request for model "echo" with usage: ${JSON.stringify(entries).slice(0, 300)}`);
    echoUsage = echo.usage;
    const { prompt_tokens: inTok, completion_tokens: outTok } = echo.usage;
    const hasNumber = (text, n) => new RegExp(`(^|\\D)${n}(\\D|$)`).test(text.replace(/[,\u202f\u00a0](?=\d{3})/g, ''));
    let meta = '';
    await until(async () => {
      meta = (await assistant.locator('.meta').first().innerText()).trim();
      return hasNumber(meta, inTok) && hasNumber(meta, outTok);
    }, 15_000, () => `assistant .meta ${JSON.stringify(meta)} does not show the reported usage ` +
      `(prompt_tokens ${inTok}, completion_tokens ${outTok})`);
    log(`     reply meta: ${JSON.stringify(meta)}`);
  });

  await step('e. error case: a 401 shows an auth error with retry and keeps the user message', async () => {
    setUserSetting('tack.model', 'local/error-401');
    // The extension reads the configuration on each send; waiting for the status bar to follow
    // the change makes sure the workbench has picked up the edited settings file.
    const followed = await until(async () => (await status.innerText()).includes('error-401'), 15_000, () => '')
      .then(() => true, () => false);
    if (!followed) { log('     (status bar did not show "error-401" within 15 s; sending anyway)'); }
    await input.click();
    await input.fill('');
    await input.pressSequentially('keep me');
    await input.press('Enter');
    const failedMsg = webview.locator('#messages .msg.assistant:has(.error.error-auth)');
    await failedMsg.first().waitFor({ timeout: 30_000 }).catch(async () => {
      const msgs = await webview.locator('#messages .msg').evaluateAll(els => els.map(e => `${e.className}: ${e.innerText}`)).catch(() => []);
      throw new StepError(`no .msg.assistant with .error.error-auth within 30 s; messages: ${JSON.stringify(msgs).slice(0, 600)}`);
    });
    await failedMsg.first().locator('button.retry').waitFor({ timeout: 10_000 }).catch(() => {
      throw new StepError('the auth error has no button.retry');
    });
    const userBodies = (await webview.locator('#messages .msg.user .body').allInnerTexts()).map(s => s.trim());
    check(userBodies.includes('keep me'), `user message "keep me" is not in the list: ${JSON.stringify(userBodies)}`);
    await page.screenshot({ path: errorShot });
    log(`     screenshot ${path.relative(root, errorShot)}`);
  });

  await step('f. screenshot', async () => {
    await page.screenshot({ path: shot });
    log(`     screenshot ${path.relative(root, shot)}`);
  });
} catch (e) {
  log('harness error:', e?.stack ?? e);
  steps.push({ name: 'harness', ok: false, ms: 0, error: String(e) });
} finally {
  if (page && !steps.some(s => s.name === 'f. screenshot' && s.ok)) {
    await page.screenshot({ path: shot }).then(() => log(`screenshot ${path.relative(root, shot)}`), () => {});
  }
  await Promise.race([browser.close(), sleep(10_000)]).catch(() => {});
}

const passed = steps.filter(s => s.ok).length;
const failed = steps.length - passed;
if (process.env.TACK_TEST_RESULTS) {
  fs.writeFileSync(process.env.TACK_TEST_RESULTS, JSON.stringify({ passed, failed, usage: echoUsage, steps }, null, 2));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
