/**
 * Sessions, for `npm run bench` (a report, not a timed test): reopening a session of 10,000 messages — the tail
 * read from the end of the file (what a panel shows first), the full load, the AgentSession restore, and listing
 * with a cold and a warm index — medians of a few runs; and the prompt tokens before/after compaction on a
 * scripted long session (reported by the sized scripted model, so the after figure is what the next request used).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionStore } from '../../src/core/sessions/store';
import { readTail } from '../../src/core/sessions/tail';
import { restoreSession } from '../../src/core/sessions/restore';
import { AgentSession, type RunPlan } from '../../src/core/agent/session';
import { settingsFromObject } from '../../src/core/config/settings';
import { refusingApprovals, silentLogger } from '../../src/core/ports';
import { compactionPromptFrom } from '../../src/core/compaction/prompt';
import { sizedModel, type SizedReply } from '../unit/compaction-support';

const PROMPTS = path.resolve(__dirname, '../../../prompts');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f: () => void, runs = 5) => median(Array.from({ length: runs }, () => { const t = performance.now(); f(); return performance.now() - t; }));

export async function benchSessions(log: (line: string) => void, count = 10_000): Promise<{ tailMs: number; loadMs: number; restoreMs: number; compaction: { before: number; after: number } }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tack-bench-sessions-'));
  try {
    const store = new SessionStore({ dataDir: dir, workspace: dir, log: silentLogger });
    const h = store.create({ model: 'box/m' });
    for (let i = 0; i < count; i++) {
      const k = i % 3;
      const message = k === 0 ? { id: `m${i}`, role: 'user' as const, text: `question ${i} ${'about the code '.repeat(20)}` }
        : k === 1 ? { id: `m${i}`, role: 'assistant' as const, model: 'box/m', text: `answer ${i} ${'explaining '.repeat(40)}`, toolCalls: [{ id: `c${i}`, name: 'read', args: `{"path":"src/f${i}.ts"}` }] }
        : { id: `m${i}`, role: 'tool' as const, toolCallId: `c${i - 1}`, name: 'read', text: `[src/f${i}.ts#abcd]\n${'1:const x = 1;\n'.repeat(60)}` };
      h.append({ type: 'message', at: i, message });
      if (k === 1) h.append({ type: 'usage', at: i, messageId: `m${i}`, modelRef: 'box/m', usage: { input: 1000, output: 100, cacheRead: 0, cacheWrite: 0, reasoning: 0, costUsd: 0.001 }, costSource: 'provider' });
    }
    h.close();
    const size = fs.statSync(store.fileOf(h.id)).size;
    const tailMs = time(() => readTail(store.fileOf(h.id), 200));
    const loadMs = time(() => store.load(h.id));
    const data = store.load(h.id);
    if ('error' in data) throw new Error(data.error);
    const deps = { log: silentLogger, approvals: refusingApprovals('bench'), mode: 'deny' as const };
    const restoreMs = time(() => restoreSession(data, deps));
    fs.rmSync(path.join(store.dir, 'index.json'), { force: true });
    const coldListMs = time(() => store.list(), 1);
    const warmListMs = time(() => store.list());
    log(`session reopen, ${count} messages (${(size / 1e6).toFixed(1)} MB JSON Lines; medians)`);
    log(`  tail (newest 200 messages, read from the end)  ${tailMs.toFixed(1)} ms   target ≤ 300 ms → ${tailMs <= 300 ? 'met' : 'MISSED'}`);
    log(`  full load (parse + replay)                     ${loadMs.toFixed(1)} ms`);
    log(`  restore as AgentSession (ledger replay)         ${restoreMs.toFixed(1)} ms`);
    log(`  list: cold index ${coldListMs.toFixed(1)} ms, warm ${warmListMs.toFixed(1)} ms`);

    // Compaction on a scripted long session: a 6,000-token window, threshold 80 %.
    const turns: SizedReply[] = [];
    for (let k = 0; k < 12; k++) turns.push({ text: `answer ${k} ${'lorem ipsum dolor sit amet '.repeat(90)}` });
    const model = sizedModel(turns, () => ({ text: '## Goal and constraints\n> keep the API\n## Files\n- Modified: src/b.ts' }));
    const session = new AgentSession({ ...deps, stream: model.stream });
    const plan: RunPlan = {
      setup: { profile: { name: 'bench', source: 'builtin', chain: ['bench'], fallbackModels: [], systemPrompt: 'system', tools: {}, expectQuantization: [] }, settings: settingsFromObject({ 'tack.providers': { box: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } } }), modelRef: 'box/m', keys: { getKey: async () => undefined }, turn: {}, contextWindow: 6000 },
      system: async () => 'sys', compactionPrompt: compactionPromptFrom(PROMPTS),
    };
    let compaction = { before: 0, after: 0 };
    for (let k = 0; k < 12 && !compaction.before; k++) {
      for await (const ev of session.send(`question ${k} ${'please look at this '.repeat(80)}`, plan, new AbortController().signal)) if (ev.type === 'compaction') compaction = { before: ev.before, after: ev.after };
    }
    log(`compaction on a scripted long session (window 6000, threshold 4800): ${compaction.before} → ${compaction.after} tokens (estimated); next request reported ${model.inputs.at(-1)}`);
    return { tailMs, loadMs, restoreMs, compaction };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
