// End-to-end steps for MCP servers and skills, run by e2e.mjs in the main workspace window (after the serving steps):
//   m1. a workspace `.vscode/mcp.json` naming server-everything, a workspace profile naming it and a workspace skill:
//       the panel's harness line lists the profile, the server and the skill (screenshot e2e-mcp-harness.png);
//   m2. a run asks for the server in a modal showing its definition (e2e-mcp-approval.png); after Approve a scripted
//       model calls its `echo` tool and the result shows in the tool card (e2e-mcp-echo.png);
//   m3. editing the server's args in the file asks again, the modal saying what changed (e2e-mcp-changed.png);
//   m4. a scripted `skill` call loads the workspace skill (e2e-mcp-skill.png).
// The scripted model runs in this process (out/test/fixtures/scripted-server.js) as a provider of the workspace's
// profiles file. Afterwards the files are removed and the profile set back to lean.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

import { paletteRunner } from './palette.mjs';

export async function runMcpSteps({ page, step, check, until, log, opt, root, StepError }) {
  const require = createRequire(import.meta.url);
  const { startScriptedServer } = require(path.join(root, 'out/test/fixtures/scripted-server.js'));
  const everything = require.resolve('@modelcontextprotocol/server-everything/dist/index.js', { paths: [root] });
  const ws = new URL(opt.url).searchParams.get('folder');
  const webview = page.frameLocator('iframe.webview[src*="extensionId=tack.tack"]').frameLocator('iframe#active-frame');
  const input = webview.locator('#input');
  const harness = webview.locator('#harness');
  const dialog = page.locator('.monaco-dialog-box');
  const shot = name => page.screenshot({ path: path.join(opt.out, name) }).catch(() => {});
  const created = [];
  const write = (rel, text) => {
    const file = path.join(ws, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    created.push(file);
  };
  const mcpJson = extra => JSON.stringify({ servers: { everything: { type: 'stdio', command: process.execPath, args: [...extra, everything, 'stdio'] } } }, null, 2);
  // The model: a user message naming "echo" calls everything__echo, one naming "skill" loads the skill; after a tool
  // result it answers with the start of that result.
  const lastUser = body => [...body.messages].reverse().find(m => m.role === 'user')?.content;
  const model = await startScriptedServer([body => {
    const last = body.messages.at(-1);
    if (last.role === 'tool') return { text: `Tool said: ${String(last.content).slice(0, 120)}` };
    const text = JSON.stringify(lastUser(body) ?? '');
    if (/skill/.test(text)) return { calls: [{ name: 'skill', args: { name: 'e2e-notes' } }] };
    return { calls: [{ name: 'everything__echo', args: { message: `hi from e2e ${text.length}` } }] };
  }], { repeatLast: true });
  const runCommand = paletteRunner(page);
  const idle = () => webview.locator('#send:not([hidden])').waitFor({ timeout: 60_000 }).catch(() => { throw new StepError('the panel stayed busy'); });
  const send = async text => {
    await idle();
    await input.click();
    await input.pressSequentially(text);
    await input.press('Enter');
  };
  const approveServer = async (screenshot, expect) => {
    await dialog.waitFor({ timeout: 60_000 }).catch(() => { throw new StepError('no approval dialog for the workspace MCP server'); });
    const text = await dialog.innerText();
    for (const re of expect) check(re.test(text), `the approval dialog does not show ${re}: ${JSON.stringify(text.slice(0, 600))}`);
    await shot(screenshot);
    await dialog.locator('a.monaco-button, button', { hasText: 'Approve' }).first().click();
  };
  const approveCardAndWait = async message => {
    const card = webview.locator('.tool-card[data-state="awaiting_approval"]').last();
    await card.waitFor({ timeout: 60_000 }).catch(async () => {
      const cards = await webview.locator('.tool-card').evaluateAll(els => els.map(e => `${e.getAttribute('data-state')}: ${e.textContent?.slice(0, 120)}`)).catch(() => []);
      throw new StepError(`the echo call does not wait on its card; cards: ${JSON.stringify(cards)}`);
    });
    check(/everything__echo/.test(await card.locator('.tool-title').innerText()), 'the waiting card is not the echo call');
    await card.locator('button.approve').click();
    const done = webview.locator('.tool-card[data-state="done"]', { has: webview.locator('.tool-title', { hasText: 'everything__echo' }) }).last();
    await done.waitFor({ timeout: 30_000 }).catch(() => { throw new StepError('the echo card did not end as done'); });
    let out = '';
    await until(async () => (out = await done.locator('.tool-output').evaluate(e => e.textContent ?? '')).includes(message), 10_000,
      () => `the echo card shows ${JSON.stringify(out.slice(0, 200))}`);
    return done;
  };

  try {
    await step('m1. a workspace MCP server, a profile naming it and a skill: the harness line lists them', async () => {
      write('.vscode/mcp.json', mcpJson([]));
      write('.tack/skills/e2e-notes/SKILL.md', '---\nname: e2e-notes\ndescription: Notes for the end-to-end test.\n---\nThe secret word is PAPAYA.\n');
      write('.tack/profiles.jsonc', JSON.stringify({
        default: 'mcp',
        providers: { e2escript: { type: 'openai-compatible', baseUrl: model.baseUrl, label: 'Scripted e2e' } },
        profiles: { mcp: { extends: 'lean', model: 'e2escript/scripted', mcpServers: ['everything'] } },
      }, null, 2));
      await runCommand('Tack: Open Chat');
      await input.waitFor({ timeout: 30_000 }).catch(() => { throw new StepError('Tack: Open Chat did not show the chat input'); });
      let text = '';
      await until(async () => {
        await runCommand('Tack: Switch Profile', 'mcp').catch(async e => { log(`     switch profile: ${e.message.split('\n')[0]}`); await page.keyboard.press('Escape'); });
        text = await harness.innerText({ timeout: 3000 }).catch(e => `(${e.message.split('\n')[0]})`);
        return text.includes('mcp') && text.includes('everything') && text.includes('skills 1');
      }, 60_000, () => `the harness line does not list the profile mcp, the server everything and one skill: ${JSON.stringify(text)}`)
        .catch(async e => { await shot('e2e-mcp-fail.png'); throw e; });
      log(`     harness: ${JSON.stringify(await harness.innerText())}`);
      await shot('e2e-mcp-harness.png');
    }, { required: false });

    await step('m2. Approve in the modal starts server-everything; its echo result shows in the tool card', async () => {
      await send('please echo');
      await approveServer('e2e-mcp-approval.png', [/everything/, /Args:/, /server-everything/]);
      await approveCardAndWait('Echo: hi from e2e');
      await until(async () => /everything ready \(\d+\)/.test(await harness.innerText()), 15_000, () => 'the harness line does not show the server ready with its tools');
      await shot('e2e-mcp-echo.png');
    });

    await step('m3. editing the server\'s args in the file asks again and shows what changed', async () => {
      await idle();
      write('.vscode/mcp.json', mcpJson(['--no-warnings']));
      await send('echo once more');
      await approveServer('e2e-mcp-changed.png', [/changed/, /args:/, /--no-warnings/]);
      await approveCardAndWait('Echo: hi from e2e');
    });

    await step('m4. a scripted skill call loads the workspace skill', async () => {
      await send('use the skill');
      const card = webview.locator('.tool-card[data-state="done"]', { has: webview.locator('.tool-title', { hasText: 'skill e2e-notes' }) }).last();
      await card.waitFor({ timeout: 30_000 }).catch(() => { throw new StepError('no done card for the skill call'); });
      await webview.locator('#messages .msg.assistant .body', { hasText: 'PAPAYA' }).first().waitFor({ timeout: 30_000 })
        .catch(() => { throw new StepError('the skill\'s body did not reach the model'); });
      await shot('e2e-mcp-skill.png');
    });
  } finally {
    for (const f of created) fs.rmSync(f, { force: true });
    await idle().catch(() => {});
    await runCommand('Tack: Switch Profile', 'lean').catch(() => page.keyboard.press('Escape').catch(() => {}));
    await model.close();
  }
}
