// Entry point named by extensionTestsPath (out/test/integration/index).
import { runMochaIn } from './runMocha';

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
