/**
 * Runs a command from the Command Palette the way a person does (F1, type, pick), and optionally picks `pick` in the
 * quick pick the command opens.
 */
export function paletteRunner(page) {
  const quickInput = page.locator('.quick-input-widget input');
  return async (title, pick) => {
    await page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('F1');
    await quickInput.waitFor({ timeout: 10_000 });
    await quickInput.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^Tack: /, '') }).first().click({ timeout: 10_000 });
    if (pick) {
      await quickInput.fill(pick);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first().click({ timeout: 10_000 });
    }
  };
}
