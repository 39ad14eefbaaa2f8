/**
 * Questions on the terminal: the prompt goes to stderr (stdout may be piped), the answer is one line from stdin.
 * Only when both are a TTY; otherwise there is nobody to ask and callers must refuse instead.
 */
import * as readline from 'node:readline';

/** A yes/no prompt on this terminal, or undefined when stdin or stderr is not a TTY. Questions are asked one at a time. */
export function terminalYesNo(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): ((question: string) => Promise<boolean>) | undefined {
  if (!input.isTTY || !output.isTTY) return undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const asked = new Map<string, boolean>();
  return question => {
    const next = queue.then(async () => {
      const seen = asked.get(question);
      if (seen !== undefined) return seen;
      const rl = readline.createInterface({ input, output, terminal: true });
      const answer = await new Promise<string>(resolve => {
        rl.question(question, resolve);
        rl.once('close', () => resolve(''));
      });
      rl.close();
      const yes = /^\s*y(es)?\s*$/i.test(answer);
      asked.set(question, yes);
      return yes;
    });
    queue = next.catch(() => undefined);
    return next;
  };
}
