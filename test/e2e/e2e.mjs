// End-to-end test: the packaged Tack extension in a real VS Code (code-server), driven through
// Debian Chromium with playwright-core. Started by test/e2e/run.sh, which installs tack.vsix into a
// fresh profile, starts the fake OpenAI-compatible server and code-server, then runs:
//   node test/e2e/e2e.mjs --url WORKBENCH_URL --fake BASE_URL --out DIR
// Prints each step with its time and "N passed, N failed" last; writes {passed, failed, steps} to
// $TACK_TEST_RESULTS when set; screenshots DIR/e2e.png (after the first reply), DIR/e2e-switch.png (at the end) and DIR/e2e-error.png (after the
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
    fake: { type: 'string' },
    out: { type: 'string', default: path.join(root, '.cache/run/e2e') },
  },
});
for (const k of ['url', 'fake']) {
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
let echoUsage;
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

// Switches the model the way a user does: click the status bar entry, type into Tack: Switch Model, Enter.
async function switchModel(page, status, model) {
  await status.click();
  const quickInput = page.locator('.quick-input-widget input');
  await quickInput.waitFor({ timeout: 10_000 });
  // The list fills in once every endpoint answered /v1/models.
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${model}$`) }) });
  await quickInput.fill(model);
  await row.first().waitFor({ timeout: 20_000 }).catch(async () => {
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
    throw new StepError(`Switch Model does not list "${model}"; rows: ${JSON.stringify(rows).slice(0, 400)}`);
  });
  await row.first().click();
  let text = '';
  await until(async () => (text = await status.innerText()).includes(model), 10_000,
    () => `after choosing "${model}" the status bar still shows ${JSON.stringify(text)}`);
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
    // The fake server records the usage it sent with each request; the reply's .meta must show it.
    const hasNumber = (text, n) => new RegExp(`(^|\\D)${n}(\\D|$)`).test(text.replace(/[,\u202f\u00a0](?=\d{3})/g, ''));
    let meta = '';
    let entries = [];
    await until(async () => {
      entries = await fakeServerLog();
      echoUsage = entries.filter(e => e.model === 'echo' && e.usage).pop()?.usage;
      meta = (await assistant.locator('.meta').first().innerText()).trim();
      return echoUsage && hasNumber(meta, echoUsage.prompt_tokens) && hasNumber(meta, echoUsage.completion_tokens);
    }, 15_000, () => echoUsage
      ? `assistant .meta ${JSON.stringify(meta)} does not show the reported usage ` +
        `(prompt_tokens ${echoUsage.prompt_tokens}, completion_tokens ${echoUsage.completion_tokens})`
      : `the fake server logged no "echo" request with usage: ${JSON.stringify(entries).slice(0, 300)}`);
    log(`     reply meta: ${JSON.stringify(meta)}`);
  });

  await page.screenshot({ path: shot }).then(() => log(`     screenshot ${path.relative(root, shot)}`), () => {});

  await step('e. Switch Model from the status bar lists the server\'s models; a 401 shows an auth error and keeps the message', async () => {
    await switchModel(page, status, 'error-401');
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
  });
  await page.screenshot({ path: errorShot }).then(() => log(`     screenshot ${path.relative(root, errorShot)}`), () => {});

  await step('f. switching mid-conversation: Retry goes to the newly chosen model, with the history', async () => {
    await switchModel(page, status, 'reason');
    await webview.locator('#messages .msg.assistant button.retry').last().click();
    const reply = webview.locator('#messages .msg.assistant', { has: webview.locator('.body', { hasText: 'You said: keep me' }) });
    await reply.first().waitFor({ timeout: 30_000 });
    await reply.first().locator('.reasoning').waitFor({ state: 'attached', timeout: 10_000 }).catch(() => {
      throw new StepError('the reply from the "reason" model shows no .reasoning section');
    });
    await reply.first().locator('.meta', { hasText: ' out' }).waitFor({ timeout: 15_000 }).catch(() => {
      throw new StepError('the reply from the "reason" model never showed its token counts (turn did not finish)');
    });
    check(await webview.locator('#messages .error').count() === 0, 'the error is still shown after a successful retry');
    const last = (await fakeServerLog()).pop();
    check(last.model === 'reason', `the last request went to ${last.model}, expected reason`);
    const roles = last.messages.map(m => m.role).join(',');
    check(roles === 'system,user,assistant,user', `the retried request carried ${roles}, expected the earlier turn and the retried message`);
  });
  await page.screenshot({ path: path.join(opt.out, 'e2e-switch.png') }).catch(() => {});

  await step('g. hiding and showing the view keeps the conversation and the unsent draft', async () => {
    const before = await webview.locator('#messages .msg').count();
    await input.click();
    await input.fill('half-typed draft');
    await page.waitForTimeout(300);   // the draft is saved on input
    await page.locator('.activitybar a.action-label[aria-label^="Explorer"]').click();
    await page.locator('.sidebar .composite.title', { hasText: /Explorer/i }).waitFor({ timeout: 10_000 });
    await page.locator('.activitybar a.action-label[aria-label="Tack"]').click();
    await input.waitFor({ timeout: 30_000 });
    await until(async () => (await webview.locator('#messages .msg').count()) === before, 15_000,
      () => `after hide/show the panel does not show the ${before} messages it had`);
    check(await webview.locator('#messages .msg.assistant .body', { hasText: 'You said: keep me' }).count() === 1, 'the last reply is missing after hide/show');
    const draft = await input.inputValue();
    check(draft === 'half-typed draft', `the draft is ${JSON.stringify(draft)} after hide/show`);
  });

  await step('h. after a reload the workspace remembers the chosen model', async () => {
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (await page.locator(`iframe.webview[src*="extensionId=${EXT_ID}"]`).count() === 0) {
      await page.locator('.activitybar a.action-label[aria-label="Tack"]').click({ timeout: 30_000 });
    }
    let text = '';
    await until(async () => (text = (await status.innerText()).trim()).includes('reason'), 30_000,
      () => `after a reload the status bar shows ${JSON.stringify(text)}, expected the chosen model "reason"`);
  });
} catch (e) {
  log('harness error:', e?.stack ?? e);
  steps.push({ name: 'harness', ok: false, ms: 0, error: String(e) });
} finally {
  if (page && !fs.existsSync(shot)) {
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
