/**
 * Token estimates with the o200k_base encoding (gpt-tokenizer). They are estimates for any model that is not an
 * OpenAI o200k model, and callers label them so; usage a provider reported always wins over them.
 */
import { countTokens } from 'gpt-tokenizer'; // the package's default encoding is o200k_base

export function estimateTokens(text: string): number {
  return text ? countTokens(text) : 0;
}
