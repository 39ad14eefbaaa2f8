// Where the CLI books what it measured: the editor's own global storage folder (or $TACK_DATA_DIR), so Show Usage
// charts terminal and CI runs too, marked as CLI; the records stay readable by the editor's parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editorStorageCandidates, tackDataDir, cliUsageBooker, usageLogFile } from '../../src/cli/usage-store';
import { parseUsageLog } from '../../src/core/ledger/usage-log';
import { aggregateUsage } from '../../src/core/ledger/aggregate';
import { emptyUsage } from '../../src/core/events';

test('the editor storage folders looked at, per platform', () => {
  const linux = editorStorageCandidates({}, 'linux', '/home/u');
  assert.equal(linux[0], '/home/u/.config/Code/User/globalStorage/tack.tack');
  assert.ok(linux.includes('/home/u/.local/share/code-server/User/globalStorage/tack.tack'));
  assert.equal(editorStorageCandidates({}, 'darwin', '/Users/u')[0], '/Users/u/Library/Application Support/Code/User/globalStorage/tack.tack');
  assert.equal(editorStorageCandidates({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\u')[0], path.join('C:\\AppData', 'Code', 'User', 'globalStorage', 'tack.tack'));
});

test('TACK_DATA_DIR wins; else the editor that already has Tack data; else one that is installed', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-store-'));
  try {
    assert.equal(tackDataDir({ TACK_DATA_DIR: path.join(home, 'd') }, 'linux'), path.join(home, 'd'));
    assert.equal(tackDataDir({ HOME: home }, 'linux'), path.join(home, '.config/Code/User/globalStorage/tack.tack'), 'the default when nothing exists');
    fs.mkdirSync(path.join(home, '.local/share/code-server/User'), { recursive: true });
    assert.equal(tackDataDir({ HOME: home }, 'linux'), path.join(home, '.local/share/code-server/User/globalStorage/tack.tack'), 'an installed editor');
    fs.mkdirSync(path.join(home, '.config/VSCodium/User/globalStorage/tack.tack'), { recursive: true });
    assert.equal(tackDataDir({ HOME: home }, 'linux'), path.join(home, '.config/VSCodium/User/globalStorage/tack.tack'), 'the one with Tack data');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('CLI records are appended, marked host "cli", readable by the editor, and grouped apart by workspace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-store-'));
  try {
    const env = { TACK_DATA_DIR: dir };
    fs.writeFileSync(usageLogFile(env), JSON.stringify({ v: 1, ts: '2026-01-01T00:00:00.000Z', day: '2026-01-01', workspace: 'proj', provider: 'p', model: 'm', input: 1, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null, costSource: 'unknown' }) + '\n');
    const book = cliUsageBooker(env, 'proj');
    await book('vllm', 'qwen', { type: 'usage', usage: { ...emptyUsage(), input: 10, output: 5 } });
    await book('vllm', 'qwen', { type: 'usage', usage: { ...emptyUsage(), input: 3, output: 2, costUsd: 0.01 }, costSource: 'provider' });
    const { records, skippedLines } = parseUsageLog(fs.readFileSync(usageLogFile(env), 'utf8'));
    assert.deepEqual(skippedLines, []);
    assert.equal(records.length, 3, 'the editor\'s record is kept, the CLI\'s appended');
    assert.deepEqual(records.map(r => r.host), [undefined, 'cli', 'cli']);
    assert.deepEqual(aggregateUsage(records, 'workspace').map(g => [g.key, g.responses]), [['proj', 1], ['proj (CLI)', 2]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
