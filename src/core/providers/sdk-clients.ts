/**
 * Builds the official SDK clients the way Tack needs them, in one place:
 *  - explicit baseURL and credentials on every client: the SDKs otherwise read OPENAI_BASE_URL, ANTHROPIC_BASE_URL,
 *    ANTHROPIC_PROFILE, … from the environment, and nothing there may redirect a provider or add a credential;
 *  - no SDK retries (retry.ts does them, visibly) and no SDK timeout (the timed fetch's connect / idle timeouts apply);
 *  - SDK log lines go to Tack's Logger (a malformed chunk's raw text ends up in the output channel).
 * SDKs are loaded on first use, Bedrock's and Vertex's only when such a provider is used.
 */
import type { Logger } from '../ports';
import { createTimedFetch, type FetchFn, type TimedFetchState } from '../net/timed-fetch';
import type { NetworkSettings } from '../config/settings';
import type { Endpoint } from './registry';
import { ambientCredentialsAllowed } from './keys';
import { redactSecrets, requestSecrets } from './redact';
import { loadBedrock, loadVertex } from './cloud-sdks/load';

type OpenAIModule = typeof import('openai');
type AnthropicModule = typeof import('@anthropic-ai/sdk');
let openaiSdk: Promise<OpenAIModule> | undefined;
let anthropicSdk: Promise<AnthropicModule> | undefined;

export function loadOpenAI(): Promise<OpenAIModule> {
  openaiSdk ??= import('openai');
  return openaiSdk;
}
export function loadAnthropic(): Promise<AnthropicModule> {
  anthropicSdk ??= import('@anthropic-ai/sdk');
  return anthropicSdk;
}

export interface ClientInput {
  endpoint: Endpoint;
  apiKey?: string;
  network: NetworkSettings;
  log: Logger;
  fetch?: FetchFn;
  state: TimedFetchState;
  /** Bytes that mark a complete stream (Chat Completions' `data: [DONE]`), recorded in `state.sawDoneMarker`. */
  doneMarker?: string;
}

const NO_TIMEOUT = 24 * 3600_000;

/** SDK log lines carry server text (a malformed chunk, an error body): redacted like every other server text. */
function sdkLogger(log: Logger, id: string, secrets: readonly string[]) {
  const line = (a: unknown[]) => redactSecrets(`[${id}] ${a.map(x => (typeof x === 'string' ? x : JSON.stringify(x) ?? String(x))).join(' ').slice(0, 2000)}`, secrets);
  return { error: (...a: unknown[]) => log.error(line(a)), warn: (...a: unknown[]) => log.warn(line(a)), info: () => {}, debug: () => {} };
}

function common(c: ClientInput) {
  return {
    maxRetries: 0,
    timeout: NO_TIMEOUT,
    fetch: createTimedFetch({ ...c.network, fetch: c.fetch, ...(c.doneMarker ? { doneMarker: c.doneMarker } : {}) }, c.state),
    logLevel: 'warn' as const,
    logger: sdkLogger(c.log, c.endpoint.id, requestSecrets(c.apiKey, c.endpoint.type)),
  };
}

/** OpenAI or any OpenAI-compatible server; Azure OpenAI through the package's Azure client. */
export async function openaiClient(c: ClientInput) {
  const { default: OpenAI, AzureOpenAI } = await loadOpenAI();
  if (c.endpoint.type === 'azure-openai') {
    const root = c.endpoint.baseUrl.replace(/\/openai$/, '');
    return new AzureOpenAI({
      baseURL: `${root}/openai`,
      apiKey: c.apiKey ?? 'unused',
      apiVersion: c.endpoint.apiVersion,
      organization: null,
      project: null,
      webhookSecret: null,
      ...(c.apiKey ? {} : { defaultHeaders: { 'api-key': null } }),
      ...common(c),
    });
  }
  return new OpenAI({
    baseURL: c.endpoint.baseUrl,
    apiKey: c.apiKey ?? 'unused',
    organization: null,
    project: null,
    webhookSecret: null,
    // Keyless endpoints get no Authorization header at all.
    defaultHeaders: c.apiKey ? undefined : { Authorization: null },
    ...common(c),
  });
}

/** A Messages-API client: Anthropic itself, or Claude on Bedrock / Vertex (credentials from AWS / Google sources). */
export async function anthropicClient(c: ClientInput): Promise<InstanceType<AnthropicModule['BaseAnthropic']> & { messages: InstanceType<AnthropicModule['default']>['messages'] }> {
  const base = { baseURL: c.endpoint.baseUrl, openTelemetry: false as const, ...common(c) };
  if (c.endpoint.type === 'bedrock') {
    const { AnthropicBedrock } = await loadBedrock();
    // A stored Bedrock API key is used as a bearer token; otherwise the usual AWS sources apply (the
    // AWS_BEARER_TOKEN_BEDROCK variable, else the credential chain that signs requests) — but only towards AWS's own
    // hosts: an endpoint elsewhere (a local server, a gateway) gets no ambient credential, signed or bearer.
    const ambient = ambientCredentialsAllowed(c.endpoint);
    const auth = c.apiKey ? { apiKey: c.apiKey } : ambient ? {} : { apiKey: null, skipAuth: true };
    return withoutEnvHeaders(() => new AnthropicBedrock({ ...base, awsRegion: c.endpoint.region ?? 'us-east-1', ...auth })) as never;
  }
  if (c.endpoint.type === 'vertex') {
    const { AnthropicVertex } = await loadVertex();
    // A stored key is used as an OAuth access token, through an auth client of Tack's own: the SDK would otherwise
    // start Google's credential discovery (files, then the metadata server) even when given a token.
    // Without a key, Google's application-default credentials apply — only towards Google's own hosts; an endpoint
    // elsewhere gets requests without any credential.
    const token = c.apiKey;
    const authClient = token
      ? { projectId: c.endpoint.projectId ?? null, getRequestHeaders: async () => new Headers({ Authorization: `Bearer ${token}` }) }
      : ambientCredentialsAllowed(c.endpoint) ? undefined
      : { projectId: c.endpoint.projectId ?? null, getRequestHeaders: async () => new Headers() };
    return withoutEnvHeaders(() => new AnthropicVertex({
      ...base, region: c.endpoint.region ?? 'global', projectId: c.endpoint.projectId, ...(authClient ? { authClient: authClient as never } : {}),
    })) as never;
  }
  const { default: Anthropic } = await loadAnthropic();
  // The SDK sends the key as `Authorization: Bearer`; an entry with `auth: "x-api-key"` (proxies and gateways that only
  // read Anthropic's own header) gets it as `X-Api-Key` and no Authorization header instead.
  const xApiKey = c.endpoint.anthropicAuth === 'x-api-key' && !!c.apiKey;
  return withoutEnvHeaders(() => new Anthropic({
    ...base,
    // Always a string: without one the SDK would look for credentials in the environment and profile files.
    apiKey: c.apiKey ?? 'unused',
    defaultHeaders: !c.apiKey ? { Authorization: null, 'X-Api-Key': null } : xApiKey ? { Authorization: null, 'X-Api-Key': c.apiKey } : undefined,
  }));
}

/**
 * The Anthropic SDKs add every header listed in ANTHROPIC_CUSTOM_HEADERS when a client is built; nothing from the
 * environment may add headers (or override the key) on Tack's requests, so the variable is hidden for that moment.
 * The constructor is synchronous, so no other code can observe the change.
 */
function withoutEnvHeaders<T>(build: () => T): T {
  const saved = process.env.ANTHROPIC_CUSTOM_HEADERS;
  if (saved === undefined) return build();
  delete process.env.ANTHROPIC_CUSTOM_HEADERS;
  try {
    return build();
  } finally {
    process.env.ANTHROPIC_CUSTOM_HEADERS = saved;
  }
}
