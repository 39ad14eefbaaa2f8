// Node test runner reporter that emits one JSON line at the end: {"passed":N,"failed":N,"skipped":N,"todo":N}.
// Counts tests only (suites from describe()/suite() are reported as events too, with
// details.type === 'suite', and are left out). A skipped or todo test counts as neither passed
// nor failed. A test file that fails to load is reported as a failing test, so it counts as failed.
// Works with Node 20 and later:  node --test --test-reporter=./test/harness/count-reporter.mjs ...
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') { continue; }
    const data = event.data ?? {};
    if (data.details?.type === 'suite') { continue; }
    if (data.skip !== undefined && data.skip !== false) { counts.skipped++; continue; }
    if (data.todo !== undefined && data.todo !== false) { counts.todo++; continue; }
    if (event.type === 'test:pass') { counts.passed++; } else { counts.failed++; }
  }
  yield `${JSON.stringify(counts)}\n`;
}
