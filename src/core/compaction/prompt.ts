/** The summary stage's system prompt, `prompts/compaction.md`, read when a compaction needs it. */
import { loadPrompt } from '../prompts';

export function compactionPromptFrom(promptsDir: string): () => Promise<string> {
  return () => loadPrompt(promptsDir, 'compaction');
}
