/** Built-in provider presets. Data only: adding a host means adding an entry here. */

export type ProviderType = 'openai-compatible';

export interface ProviderPreset {
  id: string;
  label: string;
  type: ProviderType;
  baseUrl: string;
  /** Local servers need no key and never receive a cloud key. */
  local: boolean;
}

export const PRESETS: Readonly<Record<string, ProviderPreset>> = {
  ollama: { id: 'ollama', label: 'Ollama', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', local: true },
  vllm: { id: 'vllm', label: 'vLLM', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', local: true },
};

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai-compatible'];
