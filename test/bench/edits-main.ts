/** Runs the edit-format bench alone: `node out/test/bench/edits-main.js [--refresh]` (rebuilds the corpus cache). */
import { benchEdits } from './edits';

benchEdits(line => console.log(line)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
