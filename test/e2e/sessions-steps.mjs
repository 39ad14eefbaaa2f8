// End-to-end steps for sessions and compaction, run by e2e.mjs in the main workspace window (after the serving steps):
//   x1. a conversation with a tool call survives a window reload: the session reopens with its tool cards
//       (screenshot e2e-session-reload.png);
//   x2. Tack: Compact Now (with instructions) on a long scripted session shows the compaction card with before/after
//       tokens, before > after; its link opens what was replaced (screenshot e2e-compaction.png).

import { paletteRunner } from './palette.mjs';

export async function runSessionsSteps({ page, step, check, until, log, opt, StepError, webview, input, status, ensureTackView, switchModel }) {
  const path = await import('node:path');
  const quickInput = page.locator('.quick-input-widget input');
  const runCommand = paletteRunner(page);
  const idle = () => webview.locator('#send:not([hidden])').waitFor({ timeout: 60_000 })
    .catch(() => { throw new StepError('the panel stayed busy'); });
  const cardTitles = () => webview.locator('.tool-card').evaluateAll(els => els.map(e => `${e.getAttribute('data-state')}: ${e.querySelector('.tool-title')?.textContent ?? ''}`));
  const newSession = async () => {
    await runCommand('Tack: New Chat');
    await until(async () => (await webview.locator('#messages .msg').count()) === 0, 15_000, () => 'New Chat left messages in the panel');
  };

  await step('x1. sessions: a conversation with a tool call survives a window reload, tool cards included', async () => {
    await page.goto(opt.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await ensureTackView();
    await idle();
    await newSession();
    await switchModel(page, status, 'agent-edit');
    await input.click();
    await input.fill('edit README.md');
    await input.press('Enter');
    const asking = webview.locator('.tool-card[data-state="awaiting_approval"]').last();
    await asking.waitFor({ timeout: 30_000 }).catch(async () => { throw new StepError(`no card waits for approval: ${JSON.stringify(await cardTitles())}`); });
    await asking.locator('button.reject').click();
    await idle();
    const before = await cardTitles();
    check(before.some(t => /^done: read README\.md/.test(t)) && before.some(t => /^error: edit README\.md/.test(t)), `cards before the reload: ${JSON.stringify(before)}`);
    const messages = await webview.locator('#messages .msg').count();
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await ensureTackView();
    let after = [];
    await until(async () => {
      after = await cardTitles();
      return after.some(t => /^done: read README\.md/.test(t)) && after.some(t => /^error: edit README\.md/.test(t));
    }, 30_000, () => `after the reload the panel shows the cards ${JSON.stringify(after)}, expected read (done) and edit (error)`);
    const count = await webview.locator('#messages .msg').count();
    check(count === messages, `after the reload the panel shows ${count} messages, expected ${messages}`);
    check((await webview.locator('#messages .msg.user .body').first().innerText()).trim() === 'edit README.md', 'the user message is not back');
    await page.screenshot({ path: path.join(opt.out, 'e2e-session-reload.png') }).catch(() => {});
  });

  await step('x2. compaction: Compact Now on a long scripted session shows the compaction card with before/after tokens', async () => {
    await newSession();
    await switchModel(page, status, 'echo', 'Local test server');
    // Four turns of about 3,000 tokens each (the echo model repeats them): well past the 8,000 kept verbatim.
    for (let turn = 1; turn <= 4; turn++) {
      await input.click();
      await input.fill(`Turn ${turn}: ${Array.from({ length: 1200 }, (_, i) => `w${turn}x${i}`).join(' ')}`);
      await input.press('Enter');
      await until(async () => (await webview.locator('#messages .msg.assistant .meta', { hasText: ' out' }).count()) === turn, 60_000, () => `turn ${turn} did not finish`);
    }
    await idle();
    await runCommand('Tack: Compact Now');
    await until(async () => (await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '')).includes('Compact Now'), 10_000, () => 'Compact Now did not ask for instructions');
    await quickInput.fill('keep the turn numbers');
    await page.waitForTimeout(200);
    await quickInput.press('Enter');
    const card = webview.locator('#messages .compaction-card');
    // The echo model streams the whole summary request back as the summary: that takes a while.
    await card.first().waitFor({ timeout: 180_000 }).catch(async () => {
      await page.screenshot({ path: path.join(opt.out, 'e2e-compaction.png') }).catch(() => {});
      const markers = await webview.locator('#messages .marker').allInnerTexts().catch(() => []);
      const toasts = await page.locator('.notifications-toasts').allInnerTexts().catch(() => []);
      const statusLine = await webview.locator('#status').innerText().catch(() => '');
      throw new StepError(`no compaction card appeared; markers: ${JSON.stringify(markers)}, notifications: ${JSON.stringify(toasts)}, status: ${JSON.stringify(statusLine)}`);
    });
    const tokens = (await card.first().locator('.compaction-tokens').innerText()).replace(/,/g, '');
    const m = /(\d+)\s*\u2192\s*(\d+)\s*tokens/.exec(tokens);
    check(m, `the card shows ${JSON.stringify(tokens)}`);
    check(Number(m[1]) > Number(m[2]), `before ${m[1]} is not above after ${m[2]}`);
    log(`     compaction card: ${JSON.stringify((await card.first().innerText()).replace(/\s+/g, ' '))}`);
    await card.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(opt.out, 'e2e-compaction.png') }).catch(() => {});
    await card.first().locator('button.open-replaced').click();
    const editor = page.locator('.editor-instance .view-lines').first();
    let text = '';
    await until(async () => (text = (await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ')).includes('# Compaction'), 15_000,
      () => `the replaced messages did not open; the editor shows ${JSON.stringify(text.slice(0, 200))}`);
    check(text.includes('The summary sent instead'), `the document does not show the summary: ${JSON.stringify(text.slice(0, 300))}`);
  });
}
