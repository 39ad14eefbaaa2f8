/**
 * Loads a cloud SDK that is too large for the main bundle (the AWS SDK, google-auth-library): from its own bundle
 * next to the running one (`dist/bedrock.js`, `dist/vertex.js` in the extension and the CLI), else from the npm
 * package (tests run from sources). The main bundles mark the packages external, so they hold neither.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type BedrockModule = typeof import('./bedrock');
type VertexModule = typeof import('./vertex');

function fromBundle<T>(name: string): T | undefined {
  const file = path.join(__dirname, `${name}.js`);
  // A computed path: bundlers leave this require alone, so the SDK stays out of the main bundle.
  return fs.existsSync(file) ? (require(file) as T) : undefined;
}

export async function loadBedrock(): Promise<BedrockModule> {
  return fromBundle<BedrockModule>('bedrock') ?? import('./bedrock');
}

export async function loadVertex(): Promise<VertexModule> {
  return fromBundle<VertexModule>('vertex') ?? import('./vertex');
}
