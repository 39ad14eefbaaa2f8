/** Prompts live as markdown files in `prompts/`, shipped with the extension and read at run time. */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Reads `prompts/<name>.md` from `dir`. Throws when the file is missing: a broken install must be loud. */
export async function loadPrompt(dir: string, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`Invalid prompt name "${name}"`);
  return (await readFile(path.join(dir, `${name}.md`), 'utf8')).trim();
}
