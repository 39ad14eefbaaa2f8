/**
 * Provider-layer overhead benchmark (`npm run bench`). A local server (on its own worker thread, so it does not
 * compete with the client for the event loop) streams one 20,000-chunk Chat Completions answer. Measured side by
 * side in one run, in interleaved repetitions (the order flips every round); times are medians, ratios the median of
 * each round's paired ratio (robust when the machine gets busier or quieter during the run):
 *   raw   — iterating the official `openai` SDK stream and reading each chunk's delta;
 *   tack  — Tack's dialect over the same stream (streamOpenAIChat: timed fetch, normalizer, StreamEvents);
 *   full  — streamResponse (the dialect under the retry layer), what ChatSession uses.
 * Prints absolute times and the ratios (target tack/raw ≤ 1.05; reported, not asserted). The bench passes when
 * every run completed with the full text. Writes {passed, failed, ratio} to $TACK_TEST_RESULTS when set.
 * Then the harness, loop and edit-format reports (harness.ts, edits.ts).
 */
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import OpenAI from 'openai';
import { streamOpenAIChat } from '../../src/core/providers/openai-chat';
import { streamResponse } from '../../src/core/providers/stream';
import { settingsFromObject } from '../../src/core/config/settings';
import { resolveEndpoint } from '../../src/core/providers/registry';
import type { ProviderRequest } from '../../src/core/providers/request';
import { benchHarness, benchLoop } from './harness';
import { benchEdits } from './edits';
import { runMcpBench } from './mcp';
import { benchSessions } from './sessions';

const CHUNKS = 20_000;
const ROUNDS = Number(process.env.TACK_BENCH_ROUNDS ?? 21);
const WARMUP = 3;

const serverCode = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench' };
const events = [];
events.push('data: ' + JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }) + '\\n\\n');
for (let i = 0; i < workerData.chunks; i++) {
  events.push('data: ' + JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'tok' + i + ' ' }, finish_reason: null }] }) + '\\n\\n');
}
events.push('data: ' + JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) + '\\n\\n');
events.push('data: ' + JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: workerData.chunks, total_tokens: workerData.chunks + 10 } }) + '\\n\\n');
events.push('data: [DONE]\\n\\n');
// About 4 KB per write, as a busy server flushes a fast token stream.
const slices = [];
for (let i = 0, buf = ''; i < events.length; i++) {
  buf += events[i];
  if (buf.length >= 4096 || i === events.length - 1) { slices.push(Buffer.from(buf)); buf = ''; }
}
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const s of slices) { if (!res.write(s)) await new Promise(r => res.once('drain', r)); }
    res.end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<number> {
  const worker = new Worker(serverCode, { eval: true, workerData: { chunks: CHUNKS } });
  const port = await new Promise<number>(r => worker.once('message', r));
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const expected = Array.from({ length: CHUNKS }, (_, i) => `tok${i} `).join('').length;

  const raw = new OpenAI({ baseURL: baseUrl, apiKey: 'bench', maxRetries: 0, organization: null, project: null, webhookSecret: null });
  const ep = resolveEndpoint(settingsFromObject({ 'tack.providers': { bench: { type: 'openai-compatible', baseUrl } } }), 'bench');
  if ('error' in ep) throw new Error(ep.error);
  const request = (): ProviderRequest => ({
    endpoint: ep.endpoint, modelId: 'bench', messages: [{ role: 'user', text: 'go' }], signal: new AbortController().signal,
    network: { connectTimeoutMs: 10_000, idleTimeoutMs: 10_000 }, log: { info() {}, warn() {}, error() {} },
  });

  const runs: Record<string, () => Promise<number>> = {
    raw: async () => {
      const stream = await raw.chat.completions.create({ model: 'bench', messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } });
      let n = 0;
      for await (const chunk of stream) { const c = chunk.choices[0]?.delta?.content; if (c) n += c.length; }
      return n;
    },
    tack: async () => {
      let n = 0;
      for await (const ev of streamOpenAIChat(request())) { if (ev.type === 'text') n += ev.delta.length; else if (ev.type === 'error') throw new Error(ev.message); }
      return n;
    },
    full: async () => {
      let n = 0;
      for await (const ev of streamResponse(request())) { if (ev.type === 'text') n += ev.delta.length; else if (ev.type === 'error') throw new Error(ev.message); }
      return n;
    },
  };
  const names = Object.keys(runs);
  const times: Record<string, number[]> = Object.fromEntries(names.map(n => [n, []]));
  let failed = 0;
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Alternate the order every round so neither side always runs first (or right after a GC-heavy run).
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const t0 = process.hrtime.bigint();
      let got = -1;
      try { got = await runs[name](); } catch (err) { console.log(`bench: ${name} failed: ${(err as Error).message}`); }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (got !== expected) { failed++; console.log(`bench: ${name} read ${got} characters, expected ${expected}`); }
      if (round >= WARMUP) times[name].push(ms);
    }
  }
  await worker.terminate();

  const med = Object.fromEntries(names.map(n => [n, median(times[n])]));
  // Each round's runs ran back to back, so their ratio is paired; the median of the paired ratios is robust
  // against the machine getting busier or quieter during the run.
  const ratio = median(times.tack.map((t, i) => t / times.raw[i]));
  const fullRatio = median(times.full.map((t, i) => t / times.raw[i]));
  console.log(`provider-layer overhead, ${CHUNKS} chunks, ${ROUNDS} interleaved rounds, medians (node ${process.version})`);
  console.log(`  raw openai SDK stream     ${med.raw.toFixed(1)} ms`);
  console.log(`  Tack streamOpenAIChat     ${med.tack.toFixed(1)} ms   ratio ${ratio.toFixed(3)} (target ≤ 1.05)`);
  console.log(`  Tack streamResponse       ${med.full.toFixed(1)} ms   ratio ${fullRatio.toFixed(3)} (with the retry layer)`);
  const passed = failed === 0 ? 1 : 0;
  const fail = failed === 0 ? 0 : 1;
  if (process.env.TACK_TEST_RESULTS) fs.writeFileSync(process.env.TACK_TEST_RESULTS, JSON.stringify({ passed, failed: fail, ratio: Number(ratio.toFixed(4)), fullRatio: Number(fullRatio.toFixed(4)), ms: med }));
  return fail;
}

async function all(): Promise<number> {
  const failed = await main();
  console.log('');
  await benchHarness(l => console.log(l));
  console.log('');
  await benchLoop(l => console.log(l));
  console.log('');
  await benchEdits(l => console.log(l)).catch(err => console.log(`edit bench skipped: ${(err as Error).message}`));
  console.log('');
  const mcp = runMcpBench();
  console.log(`MCP tools (${mcp.tools} tools over five servers, o200k tokens per request)`);
  console.log(`  every schema sent (what most agents do)   ${mcp.allSchemasTokens}`);
  console.log(`  Tack: tool_search + server names          ${mcp.deferredTokens}   (target ≤ 300)`);
  console.log(`  recall@5 over ${mcp.queries} queries               ${(mcp.recallAt5 * 100).toFixed(0)} %`);
  console.log('  anchors: five typical real servers ≈ 55k tokens sent every request; Anthropic reports tool search cutting > 85 %');
  console.log('');
  await benchSessions(l => console.log(l));
  console.log(`${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
  return failed;
}

all().then(code => { process.exitCode = code; }, err => { console.log(`bench crashed: ${(err as Error).stack}`); console.log('0 passed, 1 failed'); process.exitCode = 1; });
