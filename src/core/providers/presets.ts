/**
 * Built-in provider presets. Data only: adding a host means adding an entry here. Preset ids are part of Tack's
 * public interface (settings, `<provider>/<model>` refs, `<ID>_API_KEY` in the CLI): never rename one.
 */

/** The wire protocol a provider speaks; one file per dialect under providers/. */
export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic' | 'ollama';

/**
 * How an endpoint is reached. A custom entry in `tack.providers` may use the CUSTOM_TYPES; the others belong to
 * presets because they need a particular client (Azure's deployments, AWS / Google credentials).
 */
export type ProviderType = 'openai-compatible' | 'openai' | 'anthropic' | 'ollama' | 'azure-openai' | 'bedrock' | 'vertex';

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai-compatible', 'openai', 'anthropic', 'ollama', 'azure-openai', 'bedrock', 'vertex'];
/** Types a custom `tack.providers` entry may name. */
export const CUSTOM_TYPES: readonly ProviderType[] = ['openai-compatible', 'anthropic', 'ollama'];

export const DIALECT_OF: Readonly<Record<ProviderType, Dialect>> = {
  'openai-compatible': 'openai-chat',
  openai: 'openai-responses',
  anthropic: 'anthropic',
  ollama: 'ollama',
  'azure-openai': 'openai-chat',
  bedrock: 'anthropic',
  vertex: 'anthropic',
};

/** How an Anthropic-dialect endpoint takes its key: `Authorization: Bearer` (the default, as the SDK sends it) or Anthropic's `x-api-key` header. */
export type AnthropicAuth = 'x-api-key' | 'bearer';
export const ANTHROPIC_AUTH: readonly AnthropicAuth[] = ['x-api-key', 'bearer'];

/** Tool-call id rules some hosts add on top of their dialect's. */
export type ToolIdStyle = 'mistral';

export interface ProviderPreset {
  id: string;
  label: string;
  type: ProviderType;
  /** Default base URL; `{region}` is replaced by the entry's region. Empty: the user must set one (Azure). */
  baseUrl: string;
  /** Local servers need no key and never receive a cloud key. */
  local: boolean;
  /** Whether requests need an API key (false for local servers and for AWS / Google credential chains). */
  needsKey: boolean;
  /** The environment variable the CLI reads the key from (`<ID>_API_KEY`). */
  keyEnv?: string;
  /** The vendor's own variable name, read by the CLI when `keyEnv` is not set. */
  altKeyEnv?: string;
  /** Default region for `{region}` in baseUrl. */
  region?: string;
  toolIdStyle?: ToolIdStyle;
  /** Where to get a key, shown when one is missing. */
  keyUrl?: string;
}

function cloud(id: string, label: string, type: ProviderType, baseUrl: string, extra: Partial<ProviderPreset> = {}): ProviderPreset {
  return { id, label, type, baseUrl, local: false, needsKey: true, keyEnv: `${id.toUpperCase().replace(/-/g, '_')}_API_KEY`, ...extra };
}
function local(id: string, label: string, type: ProviderType, baseUrl: string): ProviderPreset {
  return { id, label, type, baseUrl, local: true, needsKey: false };
}

const LIST: ProviderPreset[] = [
  cloud('openai', 'OpenAI', 'openai', 'https://api.openai.com/v1', { keyUrl: 'https://platform.openai.com/api-keys' }),
  cloud('anthropic', 'Anthropic', 'anthropic', 'https://api.anthropic.com', { keyUrl: 'https://console.anthropic.com/settings/keys' }),
  // AWS / Google credential chains, no Tack key (a Bedrock API key, if stored, is used as a bearer token).
  { ...cloud('bedrock', 'Amazon Bedrock', 'bedrock', 'https://bedrock-runtime.{region}.amazonaws.com', { region: 'us-east-1' }), needsKey: false },
  { ...cloud('vertex', 'Google Vertex AI', 'vertex', 'https://aiplatform.googleapis.com/v1', { region: 'global' }), needsKey: false },
  cloud('azure-openai', 'Azure OpenAI', 'azure-openai', ''),
  cloud('openrouter', 'OpenRouter', 'openai-compatible', 'https://openrouter.ai/api/v1', { keyUrl: 'https://openrouter.ai/keys' }),
  cloud('together', 'Together AI', 'openai-compatible', 'https://api.together.xyz/v1'),
  cloud('fireworks', 'Fireworks AI', 'openai-compatible', 'https://api.fireworks.ai/inference/v1'),
  cloud('deepseek', 'DeepSeek', 'openai-compatible', 'https://api.deepseek.com/v1'),
  cloud('moonshot', 'Moonshot AI', 'openai-compatible', 'https://api.moonshot.ai/v1'),
  cloud('qwen', 'Qwen (DashScope)', 'openai-compatible', 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', { altKeyEnv: 'DASHSCOPE_API_KEY' }),
  cloud('zhipu', 'Zhipu AI (Z.ai)', 'openai-compatible', 'https://api.z.ai/api/paas/v4', { altKeyEnv: 'ZAI_API_KEY' }),
  cloud('xai', 'xAI', 'openai-compatible', 'https://api.x.ai/v1'),
  cloud('groq', 'Groq', 'openai-compatible', 'https://api.groq.com/openai/v1'),
  cloud('cerebras', 'Cerebras', 'openai-compatible', 'https://api.cerebras.ai/v1'),
  cloud('mistral', 'Mistral AI', 'openai-compatible', 'https://api.mistral.ai/v1', { toolIdStyle: 'mistral' }),
  cloud('gemini', 'Google Gemini', 'openai-compatible', 'https://generativelanguage.googleapis.com/v1beta/openai'),
  cloud('gmi', 'GMI Cloud', 'openai-compatible', 'https://api.gmi-serving.com/v1'),
  local('ollama', 'Ollama', 'ollama', 'http://127.0.0.1:11434'),
  local('vllm', 'vLLM', 'openai-compatible', 'http://127.0.0.1:8000/v1'),
  local('lmstudio', 'LM Studio', 'openai-compatible', 'http://127.0.0.1:1234/v1'),
  local('llamacpp', 'llama.cpp', 'openai-compatible', 'http://127.0.0.1:8080/v1'),
];

export const PRESETS: Readonly<Record<string, ProviderPreset>> = Object.fromEntries(LIST.map(p => [p.id, p]));

/** Azure OpenAI's default `api-version` (the GA version the Chat Completions dialect was written against). */
export const AZURE_API_VERSION = '2024-10-21';
