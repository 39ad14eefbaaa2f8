// The webview is untrusted input: the guards must reject anything that is not a well-formed message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol';

test('valid webview messages pass', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi' });
  assert.deepEqual(parseWebviewMessage({ type: 'openLink', url: 'https://x' }), { type: 'openLink', url: 'https://x' });
});

test('malformed or unknown webview messages are rejected', () => {
  for (const bad of [null, 'ready', 42, {}, { type: 'send' }, { type: 'send', text: '' }, { type: 'send', text: 5 },
    { type: 'runTool', name: 'bash' }, { type: 'approve', id: 'x' }, { type: 'openLink' }, { type: 'send', text: 'x'.repeat(1_000_001) }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
  }
});

test('host messages are validated too', () => {
  assert.ok(parseHostMessage({ type: 'delta', index: 1, text: 'a' }));
  assert.ok(parseHostMessage({ type: 'state', messages: [{ role: 'user', text: 'x' }], busy: false, model: { label: 'm', ref: null } }));
  assert.equal(parseHostMessage({ type: 'delta', index: -1 }), undefined);
  assert.equal(parseHostMessage({ type: 'append', message: { role: 'system', text: 'x' } }), undefined);
  assert.equal(parseHostMessage({ type: 'replace', index: 0, message: { role: 'assistant', text: 'x', error: { kind: 'boom', message: '' } } }), undefined);
});
