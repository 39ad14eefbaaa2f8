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
  assert.ok(parseHostMessage({ type: 'delta', id: 'm1', text: 'a' }));
  assert.ok(parseHostMessage({ type: 'state', messages: [{ id: 'u1', role: 'user', text: 'x' }], busy: false, model: { label: 'm', ref: null } }));
  assert.equal(parseHostMessage({ type: 'delta', index: 1, text: 'a' }), undefined, 'messages are addressed by id, not index');
  assert.equal(parseHostMessage({ type: 'delta', id: '' }), undefined);
  assert.equal(parseHostMessage({ type: 'append', message: { id: 'x', role: 'system', text: 'x' } }), undefined);
  assert.equal(parseHostMessage({ type: 'replace', message: { id: 'a', role: 'assistant', text: 'x', error: { kind: 'boom', message: '' } } }), undefined);
  const card = { id: 'call_1', name: 'edit', title: 'edit a.ts', state: 'awaiting_approval', args: '{}', approval: { nonce: 'a'.repeat(32), summary: 's', diff: true } };
  assert.ok(parseHostMessage({ type: 'tool', messageId: 'm1', card }));
  assert.equal(parseHostMessage({ type: 'tool', messageId: 'm1', card: { ...card, state: 'exploded' } }), undefined);
});

test('approval answers from the webview must name a decision and carry a nonce field', () => {
  assert.ok(parseWebviewMessage({ type: 'approve', id: 'call_1', nonce: 'n', decision: 'approve' }));
  assert.equal(parseWebviewMessage({ type: 'approve', id: 'call_1', decision: 'approve' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'approve', id: 'call_1', nonce: 'n', decision: 'always' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'openFile', path: '' }), undefined);
});

test('a long conversation opens at its tail: state says how many earlier messages were not sent; showEarlier asks for them', () => {
  assert.ok(parseHostMessage({ type: 'state', messages: [], busy: false, model: { label: 'm', ref: null }, earlier: 9800 }));
  assert.equal(parseHostMessage({ type: 'state', messages: [], busy: false, model: { label: 'm', ref: null }, earlier: -1 }), undefined);
  assert.ok(parseWebviewMessage({ type: 'showEarlier' }));
});
