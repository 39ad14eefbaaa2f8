// End-to-end steps for truth in serving, run by e2e.mjs in the main workspace window (after the API-key step):
//   s1. Tack: Verify Providers… over two local servers that serve the "same model" (one faithful, one with broken tool
//       calls and slower) shows the report with its bar charts and a sentence per host (screenshot e2e-verify.png);
//   s2. Tack: Inspect Last Request shows the last request of that run: the JSON body with the token breakdown, and the
//       key planted for both hosts nowhere (screenshot e2e-inspect.png).
// The servers run in this process (out/test/fixtures/verify-server.js); their providers are added to the user
// settings file, then the window is reloaded so VS Code reads it.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

import { paletteRunner } from './palette.mjs';

export async function runServingSteps({ page, step, check, until, log, opt, root, StepError }) {
  const require = createRequire(import.meta.url);
  const { startVerifyServer } = require(path.join(root, 'out/test/fixtures/verify-server.js'));
  const servers = [];
  const planted = `sk-planted-verify-${Date.now().toString(36)}`;
  const quickInput = page.locator('.quick-input-widget input');
  const runCommand = paletteRunner(page);
  const setKey = async label => {
    // The provider shows up once VS Code has read the changed settings file: reopen the picker until it does.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await until(async () => {
      await runCommand('Tack: Set API Key');
      await quickInput.fill(label);
      if (await row.waitFor({ timeout: 2000 }).then(() => true, () => false)) return true;
      await page.keyboard.press('Escape');
      return false;
    }, 30_000, () => `Set API Key does not list "${label}" after the settings file changed`);
    await row.click({ timeout: 10_000 });
    await quickInput.fill(planted);
    await quickInput.press('Enter');
  };
  let verifyFrame;
  try {
    await step('s1. Verify Providers over two local servers shows the report with a bar chart per measure', async () => {
      const [good, bad] = await Promise.all([startVerifyServer({ mode: 'faithful' }), startVerifyServer({ mode: 'broken' })]);
      servers.push(good, bad);
      const file = path.join(opt.data, 'User', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
      settings['tack.providers'] = {
        ...settings['tack.providers'],
        vfaithful: { type: 'openai-compatible', baseUrl: good.baseUrl, label: 'Faithful host' },
        vbroken: { type: 'openai-compatible', baseUrl: bad.baseUrl, label: 'Broken host' },
      };
      fs.writeFileSync(file, JSON.stringify(settings, null, 2));
      // code-server does not notice an outside change of the user settings file; a reload reads it afresh.
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar').waitFor({ timeout: 60_000 });
      await setKey('Faithful host');
      await setKey('Broken host');
      await runCommand('Tack: Verify Providers…');
      await quickInput.fill('kimi-k2');
      const modelRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'kimi-k2' }).first();
      await modelRow.waitFor({ timeout: 20_000 }).catch(() => { throw new StepError('Verify Providers does not offer the model kimi-k2'); });
      await modelRow.click();
      await until(async () => (await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '')).includes('2/3'), 10_000, () => 'the host picker did not open');
      const hosts = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      check(hosts.some(h => h.includes('vfaithful/kimi-k2')) && hosts.some(h => h.includes('vbroken/kimi-k2')), `the host picker lists ${JSON.stringify(hosts)}`);
      await quickInput.press('Enter');
      await until(async () => (await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '')).includes('3/3'), 10_000, () => 'the reference picker did not open');
      await quickInput.fill('vfaithful');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'vfaithful/kimi-k2' }).first().click({ timeout: 10_000 });
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10_000 }).catch(() => { throw new StepError('no confirmation with the request count before the run'); });
      const detail = await dialog.innerText();
      check(/66 requests \(33 per target\)/.test(detail), `the confirmation says ${JSON.stringify(detail)}`);
      await dialog.locator('a.monaco-button, button', { hasText: 'Run' }).first().click();
      await until(async () => {
        for (const f of page.frames()) {
          if (await f.locator('#verify-charts').count().catch(() => 0)) { verifyFrame = f; return true; }
        }
        return false;
      }, 90_000, () => 'no verify report with #verify-charts appeared');
      const charts = verifyFrame.locator('#verify-charts canvas.verify-chart');
      check(await charts.count() === 7, `the report has ${await charts.count()} charts, expected 7`);
      const drawn = await charts.evaluateAll(cs => cs.filter(c => c.width > 0 && c.height > 0).length);
      check(drawn === 7, `${drawn} of 7 charts have a size`);
      const notes = await verifyFrame.locator('#verify-notes').innerText();
      check(/vbroken\/kimi-k2: .*tool calls/.test(notes), `the sentence for the broken host does not name its tool calls: ${JSON.stringify(notes)}`);
      check(/vfaithful\/kimi-k2: The reference/.test(notes), `the reference's sentence: ${JSON.stringify(notes)}`);
      const rows = await verifyFrame.locator('#verify-table tbody tr').allInnerTexts();
      log(`     verify rows: ${JSON.stringify(rows)}`);
      check(rows.length === 2, `the table has ${rows.length} rows`);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(opt.out, 'e2e-verify.png') }).catch(() => {});
    });

    await step('s2. Inspect Last Request shows the body and the token breakdown, and not the planted key', async () => {
      await runCommand('Tack: Inspect Last Request');
      const editor = page.locator('.editor-instance .view-lines').first();
      let text = '';
      await until(async () => (text = (await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ')).includes('Token breakdown'), 15_000,
        () => `the inspector document shows ${JSON.stringify(text.slice(0, 300))}`);
      await page.screenshot({ path: path.join(opt.out, 'e2e-inspect.png') }).catch(() => {});
      // The editor renders only the lines in view: page through the document and collect what it shows.
      await editor.click();
      await page.keyboard.press('Control+Home');
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('PageDown');
        await page.waitForTimeout(150);
        text += '\n' + (await editor.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      }
      for (const part of ['o200k estimate', 'system prompt', 'tool definitions', 'latest message', 'provider-reported input', '"authorization": "[redacted]"', '"body"', '"model": "kimi-k2"', '"messages"']) {
        check(text.includes(part), `the inspector does not show ${part}: ${JSON.stringify(text.slice(0, 600))}`);
      }
      const all = await page.evaluate(() => document.body.innerText);
      check(!all.includes(planted), 'the planted key appears in the workbench');
      for (const f of page.frames()) {
        const html = await f.content().catch(() => '');
        check(!html.includes(planted), `the planted key appears in a frame (${f.url().slice(0, 80)})`);
      }
      check(servers.every(s => s.requests.some(r => r.headers.authorization === `Bearer ${planted}`)), 'the hosts did not get the key (nothing to redact)');
    });
  } finally {
    await Promise.all(servers.map(s => s.close())).catch(e => log(`closing the verify servers: ${e.message}`));
  }
}
