// The clients that need a vendor's own SDK wiring: Azure OpenAI (deployments, api-version, api-key header) and
// Bedrock (loaded on use, explicit base URL, AWS credentials from the usual chain — here the environment), each
// against a local server. And the fixture CLI that the e2e run uses for other dialects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startAnthropicServer } from '../fixtures/anthropic-server';
import { startOpenAIServer, type FakeServer } from '../fixtures/openai-server';
import { streamResponse } from '../../src/core/providers/stream';
import { collect, endpointFor, errorOf, last, makeRequest, textOf } from './support';

let server: FakeServer;
before(async () => { server = await startOpenAIServer({ chunkDelayMs: 0 }); });
after(() => server.close());

test('azure-openai: the deployment is the model, api-version from settings, the key in the api-key header', async () => {
  const root = server.baseUrl.replace(/\/v1$/, '');
  const endpoint = endpointFor('azure-openai', { baseUrl: root, apiVersion: '2025-01-01-preview' });
  const evs = await collect(streamResponse(makeRequest(endpoint, 'echo', { apiKey: 'az-key', options: { maxOutputTokens: 99 } })));
  assert.match(textOf(evs), /^You said: Hello there/);
  assert.equal(last(evs).type, 'done');
  const r = server.requests.at(-1)!;
  assert.equal(r.path, '/openai/deployments/echo/chat/completions?api-version=2025-01-01-preview');
  assert.equal(r.headers['api-key'], 'az-key');
  assert.equal(r.headers.authorization, undefined);
  assert.equal(r.body.max_completion_tokens, 99);
});

test('bedrock: the SDK is loaded on use, requests to AWS\'s host are signed with AWS credentials; a 403 is an auth error', async () => {
  const seen: Array<{ url: string; auth: string | undefined }> = [];
  const aws = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    req.resume();
    res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnrecognizedClientException' });
    res.end(JSON.stringify({ message: 'The security token included in the request is invalid.' }));
  });
  await new Promise<void>(r => aws.listen(0, '127.0.0.1', r));
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', ANTHROPIC_BEDROCK_BASE_URL: 'http://127.0.0.1:9' });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  try {
    // The endpoint is AWS's own host (ambient credentials go nowhere else); the test's fetch delivers to the local
    // server what the client sent to that host.
    const endpoint = endpointFor('bedrock', { region: 'eu-west-1' });
    const local = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
    const toLocal = ((input: string | URL | Request, init?: RequestInit) => fetch(String(input).replace('https://bedrock-runtime.eu-west-1.amazonaws.com', local), init)) as typeof fetch;
    const evs = await collect(streamResponse(makeRequest(endpoint, 'anthropic.claude-sonnet-4-5-20250929-v1:0', { fetch: toLocal })));
    const err = errorOf(evs)!;
    assert.equal(err.kind, 'auth', JSON.stringify(evs));
    assert.match(err.message, /Amazon Bedrock refused the request \(403\)/);
    assert.equal(seen.length, 1, 'the environment\'s base URL did not redirect the request');
    assert.match(seen[0].url, /^\/model\/anthropic\.claude-sonnet-4-5-20250929-v1(:|%3A)0\/invoke-with-response-stream/);
    assert.match(seen[0].auth ?? '', /^AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST\/\d+\/eu-west-1\/bedrock\//);
  } finally {
    process.env = saved;
    aws.close();
  }
});

test('the fixture CLI serves each dialect and prints one {"baseUrl","port"} line', async () => {
  const serve = path.resolve(__dirname, '../fixtures/serve.js');
  for (const [dialect, probe] of [['anthropic', '/v1/models'], ['ollama', '/api/tags'], ['openai', '/models']] as const) {
    const p = spawn(process.execPath, [serve, '--dialect', dialect]);
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        p.stdout.on('data', d => { out += d; if (out.includes('\n')) resolve(out.split('\n')[0]); });
        p.on('exit', code => reject(new Error(`serve exited ${code}`)));
      });
      const info = JSON.parse(line) as { baseUrl: string; port: number };
      assert.deepEqual(Object.keys(info).sort(), ['baseUrl', 'port']);
      const res = await fetch(`${info.baseUrl}${probe}`);
      assert.equal(res.status, 200, dialect);
    } finally {
      p.kill('SIGTERM');
    }
  }
});

test('vertex: the SDK is loaded on use; streamRawPredict on the configured host with the project, region and model in the path', async () => {
  const claude = await startAnthropicServer({ chunkDelayMs: 0 });
  try {
    const endpoint = endpointFor('vertex', { baseUrl: `${claude.baseUrl}/v1`, region: 'europe-west1', projectId: 'my-project' });
    const evs = await collect(streamResponse(makeRequest(endpoint, 'echo', { apiKey: 'ya29.test-token' })));
    assert.match(textOf(evs), /^You said: Hello there/);
    assert.equal(last(evs).type, 'done');
    const r = claude.requests.at(-1)!;
    assert.equal(r.path, '/v1/projects/my-project/locations/europe-west1/publishers/anthropic/models/echo:streamRawPredict');
    assert.equal(r.headers.authorization, 'Bearer ya29.test-token');
    assert.equal(typeof r.body.anthropic_version, 'string', 'Vertex takes the API version in the body');
    assert.equal(r.body.model, 'echo', 'the fixture puts the path model in the log; the SDK leaves it out of the body');
  } finally {
    await claude.close();
  }
});
