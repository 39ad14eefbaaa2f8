// The token ledger: cost from the provider or the price table, session totals, the JSON Lines usage log, CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costFromPrice, priceFromOpenRouter, priceLookupFrom, priceUsage } from '../../src/core/ledger/cost';
import { SessionLedger, totalTokens } from '../../src/core/ledger/session';
import { localDay, parseUsageLog, UsageLog, usageRecord, type UsageLogPort, type UsageRecord } from '../../src/core/ledger/usage-log';
import { aggregateUsage, csvCell, usageAggregatesCsv, usageRecordsCsv } from '../../src/core/ledger/aggregate';
import type { Usage } from '../../src/core/events';

const usage = (u: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: null, ...u });
const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} ≈ ${b}`);

test('cost from the price table: input, output, cache reads and writes each at their own price', () => {
  const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
  close(costFromPrice(usage({ input: 1000, output: 500, cacheRead: 10_000, cacheWrite: 2000, reasoning: 200 }), price),
    (1000 * 3 + 500 * 15 + 10_000 * 0.3 + 2000 * 3.75) / 1e6);
  assert.equal(costFromPrice(usage({}), price), 0);
});

test('an unknown price gives null, never an invented number', () => {
  assert.equal(costFromPrice(usage({ input: 10 }), undefined), null);
  assert.equal(costFromPrice(usage({ input: 10, cacheRead: 5 }), { input: 1, output: 2 }), null, 'cache read price unknown');
  assert.equal(costFromPrice(usage({ input: 10, cacheWrite: 5 }), { input: 1, output: 2, cacheRead: 0.1 }), null, 'cache writes are not silently billed at the input price');
  close(costFromPrice(usage({ input: 10, cacheWrite: 5 }), { input: 1, output: 2, cacheWrite: 1 }), 15 / 1e6);
  close(costFromPrice(usage({ input: 10 }), { input: 1, output: 2 }), 10 / 1e6);
});

test('the provider\'s reported cost wins over the table', () => {
  const reported = priceUsage(usage({ input: 1000, costUsd: 0.5 }), { input: 1, output: 1 });
  assert.equal(reported.usage.costUsd, 0.5);
  assert.equal(reported.costSource, 'provider');
  const table = priceUsage(usage({ input: 1_000_000 }), { input: 2, output: 1 });
  assert.deepEqual([table.usage.costUsd, table.costSource], [2, 'price-table']);
  const none = priceUsage(usage({ input: 1 }), undefined);
  assert.deepEqual([none.usage.costUsd, none.costSource], [null, 'unknown']);
});

test('OpenRouter pricing strings (USD per token) become a per-million price; lookups by provider/model', () => {
  assert.deepEqual(priceFromOpenRouter({ prompt: '0.0000003', completion: '0.0000012', input_cache_read: '0.00000003' }), { input: 0.3, output: 1.2, cacheRead: 0.03 });
  assert.equal(priceFromOpenRouter({ prompt: 'x', completion: '1' }), undefined);
  const lookup = priceLookupFrom([{ providerId: 'openai', id: 'gpt-5', price: { input: 1.25, output: 10 } }, { providerId: 'ollama', id: 'q' }]);
  assert.equal(lookup('openai', 'gpt-5')?.output, 10);
  assert.equal(lookup('ollama', 'q'), undefined);
});

test('session totals: cost null until something is priced, then marked partial when some responses were not', () => {
  const l = new SessionLedger();
  assert.equal(l.totals.costUsd, null);
  l.add('ollama', 'q', usage({ input: 100, output: 10 }));
  assert.deepEqual([l.totals.costUsd, l.totals.costPartial], [null, true]);
  l.add('openai', 'gpt-5', usage({ input: 1_000_000, output: 100_000, cacheRead: 500_000, reasoning: 50_000 }), { input: 1, output: 10, cacheRead: 0.1 });
  l.add('openrouter', 'x/y', usage({ input: 10, output: 10, cacheWrite: 7, costUsd: 0.25 }));
  const t = l.totals;
  close(t.costUsd, 1 + 1 + 0.05 + 0.25);
  assert.equal(t.costPartial, true);
  assert.deepEqual([t.input, t.output, t.cacheRead, t.cacheWrite, t.reasoning, t.responses, t.unpricedResponses], [1_000_110, 100_020, 500_000, 7, 50_000, 3, 1]);
  assert.equal(t.lastInputTokens, 17);
  assert.equal(totalTokens(t), 1_000_110 + 100_020 + 500_000 + 7);
  const priced = new SessionLedger();
  priced.add('a', 'b', usage({ input: 1, costUsd: 0 }));
  assert.deepEqual([priced.totals.costUsd, priced.totals.costPartial], [0, false]);
  l.reset();
  assert.equal(l.totals.responses, 0);
});

function memoryPort(initial?: string): UsageLogPort & { text: string | undefined } {
  const port = {
    text: initial,
    readText: async () => port.text,
    appendText: async (s: string) => { port.text = (port.text ?? '') + s; },
  };
  return port;
}

const rec = (over: Partial<UsageRecord> & { now?: Date } = {}): UsageRecord => usageRecord({
  now: over.now ?? new Date(2026, 10, 20, 14, 30), workspace: over.workspace ?? 'tack', provider: over.provider ?? 'openai', model: over.model ?? 'gpt-5',
  profile: 'lean', usage: usage({ input: over.input ?? 100, output: over.output ?? 10, costUsd: over.costUsd === undefined ? 0.01 : over.costUsd }), costSource: 'price-table',
});

test('usage log: JSON Lines appended; a torn last line is skipped and the next record starts on a fresh line', async () => {
  const good = JSON.stringify(rec()) + '\n';
  const port = memoryPort(good + good.slice(0, 40));
  const log = new UsageLog(port);
  let read = await log.read();
  assert.equal(read.records.length, 1);
  assert.deepEqual(read.skippedLines, [2]);
  await log.append(rec({ model: 'gpt-5-mini' }));
  await Promise.all([log.append(rec({ input: 1 })), log.append(rec({ input: 2 }))]);
  read = await log.read();
  assert.deepEqual(read.records.map(r => r.model), ['gpt-5', 'gpt-5-mini', 'gpt-5', 'gpt-5']);
  assert.deepEqual(read.records.slice(2).map(r => r.input), [1, 2], 'appends keep their order');
  assert.deepEqual(read.skippedLines, [2]);
  assert.ok(port.text!.endsWith('\n'));
  assert.deepEqual(parseUsageLog('{"v":1}\n\nnot json\n').skippedLines, [1, 3], 'damaged lines are skipped one by one');
  assert.deepEqual((await new UsageLog(memoryPort()).read()).records, []);
});

test('records hold names and numbers, the local day, never message text', () => {
  const r = rec({ now: new Date(2026, 0, 2, 23, 59) });
  assert.equal(r.day, '2026-01-02');
  assert.equal(localDay(new Date(2026, 11, 31, 0, 0)), '2026-12-31');
  assert.deepEqual(Object.keys(r).sort(), ['cacheRead', 'cacheWrite', 'costSource', 'costUsd', 'day', 'input', 'model', 'output', 'profile', 'provider', 'reasoning', 'ts', 'v', 'workspace']);
});

test('aggregation per workspace, per day and per model; unknown costs mark the group partial', () => {
  const records = [
    rec({ workspace: 'a', now: new Date(2026, 10, 1, 10), model: 'gpt-5', input: 100, costUsd: 0.5 }),
    rec({ workspace: 'a', now: new Date(2026, 10, 2, 10), model: 'gpt-5', input: 50, costUsd: 0.25 }),
    rec({ workspace: 'b', now: new Date(2026, 10, 2, 11), provider: 'ollama', model: 'qwen3:8b', input: 10, costUsd: null }),
  ];
  const byWs = aggregateUsage(records, 'workspace');
  assert.deepEqual(byWs.map(g => [g.key, g.responses, g.input, g.costUsd, g.costPartial]), [['a', 2, 150, 0.75, false], ['b', 1, 10, null, true]]);
  const byDay = aggregateUsage(records, 'day');
  assert.deepEqual(byDay.map(g => [g.key, g.responses, g.costUsd, g.costPartial]), [['2026-11-01', 1, 0.5, false], ['2026-11-02', 2, 0.25, true]]);
  const byModel = aggregateUsage(records, 'model');
  assert.deepEqual(byModel.map(g => g.key), ['ollama/qwen3:8b', 'openai/gpt-5']);
});

test('CSV export quotes commas, quotes and line breaks and defuses formulas', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('@cmd'), "'@cmd");
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(0.125), '0.125');
  const csv = usageRecordsCsv([rec({ workspace: 'my, "repo"', costUsd: null })]);
  const [header, row] = csv.split('\r\n');
  assert.equal(header, 'time,day,workspace,provider,model,profile,input,output,cacheRead,cacheWrite,reasoning,costUsd,costSource');
  assert.match(row, /^[^,]+,2026-11-20,"my, ""repo""",openai,gpt-5,lean,100,10,0,0,0,,price-table$/);
  assert.ok(csv.endsWith('\r\n'));
  const agg = usageAggregatesCsv(aggregateUsage([rec()], 'model'), 'model');
  assert.equal(agg, 'model,responses,input,output,cacheRead,cacheWrite,reasoning,costUsd,costPartial\r\nopenai/gpt-5,1,100,10,0,0,0,0.01,false\r\n');
});
