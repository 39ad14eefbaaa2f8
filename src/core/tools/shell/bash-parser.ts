/**
 * Bash grammar for the command rules: tree-sitter's bash grammar, compiled to WebAssembly (the build that VS Code
 * itself ships in `@vscode/tree-sitter-wasm`). It runs offline, needs no native module, and the two `.wasm` files are
 * copied next to the bundles by the build (`dist/tree-sitter.wasm`, `dist/tree-sitter-bash.wasm`); from sources (unit
 * tests) they are read from the package.
 *
 * The grammar is error-tolerant: a tree with an ERROR or MISSING node is still returned, and the caller must treat
 * it as unparseable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from '@vscode/tree-sitter-wasm';
import type { Node } from '@vscode/tree-sitter-wasm';

const RUNTIME_WASM = 'tree-sitter.wasm';
const BASH_WASM = 'tree-sitter-bash.wasm';

let loading: Promise<Parser> | undefined;

/** Folders searched for the wasm files, in order: next to this code (the bundle's dist/), then the npm package. */
function wasmFolders(): string[] {
  const folders = [__dirname];
  try {
    folders.push(path.dirname(require.resolve(`@vscode/tree-sitter-wasm/wasm/${RUNTIME_WASM}`)));
  } catch (err) {
    // Expected inside the packaged extension, which ships dist/ without node_modules: __dirname is the answer there.
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  }
  return folders;
}

async function load(): Promise<Parser> {
  const folders = wasmFolders();
  const folder = folders.find(f => fs.existsSync(path.join(f, RUNTIME_WASM)) && fs.existsSync(path.join(f, BASH_WASM)));
  if (!folder) throw new Error(`the bash grammar (${RUNTIME_WASM}, ${BASH_WASM}) was not found in ${folders.join(', ')}`);
  await Parser.init({ locateFile: (file: string) => path.join(folder, file) });
  const bash = await Language.load(path.join(folder, BASH_WASM));
  const parser = new Parser();
  parser.setLanguage(bash);
  return parser;
}

function parser(): Promise<Parser> {
  loading ??= load().catch(err => {
    loading = undefined; // a later call may try again; this one reports the failure
    throw err;
  });
  return loading;
}

/**
 * Parses `source` as bash and hands the root node to `use`; the tree lives in WebAssembly memory and is freed
 * afterwards, so `use` must not keep nodes. Throws when the grammar cannot be loaded.
 */
export async function withBashTree<T>(source: string, use: (root: Node) => T): Promise<T> {
  const p = await parser();
  const tree = p.parse(source);
  if (!tree) throw new Error('the bash parser returned no tree');
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}
