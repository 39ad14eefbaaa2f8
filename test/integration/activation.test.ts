import * as assert from 'assert';
import * as vscode from 'vscode';

suite('Activation', () => {
  test('the extension is installed as tack.tack', () => {
    assert.ok(vscode.extensions.getExtension('tack.tack'), 'extension tack.tack not found');
  });

  test('it activates', async () => {
    const ext = vscode.extensions.getExtension('tack.tack');
    assert.ok(ext);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  test('its commands are registered', async () => {
    await vscode.extensions.getExtension('tack.tack')?.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['tack.switchModel', 'tack.newChat', 'tack.openChat', 'tack.setApiKey', 'tack.removeApiKey']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });
});
