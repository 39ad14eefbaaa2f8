import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

/**
 * Mocha bootstrap for the extension host (the module named by extensionTestsPath exports
 * `run(): Promise<void>` that calls this). Loads every `*.test.js` in `dir`, prints
 * "N passed, N failed", writes `{ passed, failed, results }` to $TACK_TEST_RESULTS when set,
 * and rejects when a test failed, so the extension host exits with code 1.
 */
export async function runMochaIn(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 30_000 });
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.test.js')).sort();
  for (const f of files) {
    mocha.addFile(path.join(dir, f));
  }
  const results: TestResult[] = [];
  const failures = await new Promise<number>((resolve, reject) => {
    mocha.loadFilesAsync().then(() => {
      const runner = mocha.run(resolve);
      runner.on('pass', t => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('fail', (t, err: unknown) => {
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error });
      });
      runner.on('pending', t => results.push({ title: t.fullTitle(), state: 'pending' }));
    }, reject);
  });
  const passed = results.filter(r => r.state === 'passed').length;
  // A failing hook is reported through 'fail' too, so `failed` can exceed the number of tests.
  const failed = Math.max(failures, results.filter(r => r.state === 'failed').length);
  console.log(`${passed} passed, ${failed} failed`);
  const out = process.env.TACK_TEST_RESULTS;
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ passed, failed, files, results }, null, 2));
  }
  if (failed > 0) {
    throw new Error(`${failed} integration test(s) failed`);
  }
}
