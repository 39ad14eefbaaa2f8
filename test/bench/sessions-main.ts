/** Runs the sessions bench alone: `node out/test/bench/sessions-main.js`. */
import { benchSessions } from './sessions';

benchSessions(line => console.log(line)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
