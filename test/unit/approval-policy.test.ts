// The approval decision: strictest wins; protected paths need a person whatever --approve says; an untrusted
// folder's profiles cannot make changing tools run unasked; session grants never cover a person-only gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, policyFor, type PolicyInput } from '../../src/core/agent/approval-policy';

const base: PolicyInput = { tool: 'edit', readOnly: false, policy: 'ask', mode: 'ask', canAsk: true, trusted: true, sessionGrant: false };
const d = (over: Partial<PolicyInput>) => decide({ ...base, ...over });

test('profile policies: auto runs, ask asks, deny refuses whatever else says yes', () => {
  assert.equal(d({ policy: 'auto' }).action, 'run');
  assert.equal(d({}).action, 'ask');
  assert.equal(d({ policy: 'deny', mode: 'auto', sessionGrant: true }).action, 'refuse');
  assert.equal(d({ policy: 'auto', gate: { decision: 'deny', reason: 'commands.deny' } }).action, 'refuse');
});

test('--approve: auto runs ask tools, deny and no TTY refuse them; nobody-to-ask refusals say what to do', () => {
  assert.deepEqual(d({ mode: 'auto', canAsk: false }).action, 'run');
  const refused = d({ mode: 'deny', canAsk: false });
  assert.equal(refused.action, 'refuse');
  assert.match(refused.action === 'refuse' ? refused.reason : '', /--approve ask on a terminal, or --approve auto/);
  assert.equal(d({ canAsk: false }).action, 'refuse');
});

test('a person-only gate (protected or outside path) is asked even with auto policies, and never waived by --approve auto or a session grant', () => {
  const gate = { decision: 'ask' as const, reason: 'package.json is a protected path', human: true };
  assert.equal(d({ policy: 'auto', gate }).action, 'ask');
  assert.equal(d({ policy: 'auto', gate, mode: 'auto', canAsk: false }).action, 'refuse');
  assert.equal(d({ gate, sessionGrant: true }).action, 'ask');
  const noGate = d({ sessionGrant: true });
  assert.equal(noGate.action === 'run' && noGate.decision, 'approved');
});

test('an untrusted folder: auto for changing tools becomes ask, commands.auto does not count; read-only tools stay auto', () => {
  assert.equal(d({ policy: 'auto', trusted: false }).action, 'ask');
  assert.equal(d({ tool: 'read', readOnly: true, policy: 'auto', trusted: false }).action, 'run');
  // A construct that always asks (gate) beats a command's auto reason.
  assert.equal(d({ tool: 'bash', autoReason: 'git status is allowed', gate: { decision: 'ask', reason: 'command substitution' } }).action, 'ask');
  assert.equal(d({ tool: 'bash', autoReason: 'git status is allowed' }).action, 'run');
});

test('defaults: read, glob, grep auto; edit, write, bash ask; an unknown tool asks; own-property lookups only', () => {
  assert.equal(policyFor({}, 'read'), 'auto');
  assert.equal(policyFor({}, 'bash'), 'ask');
  assert.equal(policyFor({}, 'constructor'), 'ask');
  assert.equal(policyFor({ bash: 'deny' }, 'bash'), 'deny');
});
