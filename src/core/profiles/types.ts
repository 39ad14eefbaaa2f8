/**
 * Profiles as data. `ProfileSpec` is what a file says (every field optional, validated against
 * media/profiles.schema.json); `ResolvedProfile` is what the rest of core reads, after `extends` and layer merging.
 */

export type ToolPolicy = 'auto' | 'ask' | 'deny';
export type ReasoningEffort = 'off' | 'low' | 'medium' | 'high';
export type EditFormat = 'hashline' | 'search-replace' | 'whole' | 'unified-diff';

export interface CompactionSpec {
  auto?: boolean;
  thresholdPercent?: number;
  keepRecentTokens?: number;
  model?: string;
}

export interface BudgetSpec {
  sessionUsd?: number;
  sessionTokens?: number;
}

export interface OpenRouterSpec {
  quantizations?: string[];
  order?: string[];
  only?: string[];
  ignore?: string[];
  allowFallbacks?: boolean;
  sort?: 'price' | 'throughput' | 'latency';
}

export interface McpSpec {
  deferAbove?: number;
}

/** Rules for the bash tool (see tools/command-rules.ts). */
export interface CommandRulesSpec {
  auto?: string[];
  deny?: string[];
}

export interface ProfileSpec {
  extends?: string;
  description?: string;
  model?: string;
  fallbackModels?: string[];
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  reasoning?: ReasoningEffort;
  systemPrompt?: string;
  instructions?: string[];
  tools?: Record<string, ToolPolicy>;
  editFormat?: EditFormat;
  commands?: CommandRulesSpec;
  skills?: string[];
  mcpServers?: string[];
  /** MCP tools: above `deferAbove` (default 10) they are found through `tool_search` instead of all being sent. Policies: `tools` entries `server__tool` / `server__*`. */
  mcp?: McpSpec;
  compaction?: CompactionSpec;
  maxSteps?: number;
  allowedProviders?: string[];
  budget?: BudgetSpec;
  expectQuantization?: string | string[];
  numCtx?: number;
  openrouter?: OpenRouterSpec;
}

/** A provider entry of a profiles file. */
export interface ProfileProviderSpec {
  type?: string;
  baseUrl: string;
  label?: string;
  /** What the user declares the server serves (shown as `declared`). */
  quantization?: string;
}

/** The shape of `.tack/profiles.jsonc` and of the `tack.profiles` setting. */
export interface ProfilesDocument {
  default?: string;
  profiles?: Record<string, ProfileSpec>;
  providers?: Record<string, ProfileProviderSpec>;
}

/** Where a layer comes from; later layers override earlier ones. */
export type LayerSource = 'builtin' | 'user' | 'workspace';

export interface ProfileDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  /** The file as the host named it (a path, or a label such as `settings.json (tack.profiles)`). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (what editors count). */
  column: number;
  /** 0-based offset and length of the offending text, for editors; 0/0 when the layer had no text. */
  offset: number;
  length: number;
  /** Which layer the problem is in. */
  source: LayerSource;
}

/** A profile as the rest of core reads it: every default applied, nothing left to resolve. */
export interface ResolvedProfile {
  name: string;
  /** The highest layer that defines this profile name. */
  source: LayerSource;
  /** `extends` chain, this profile first: `["strict", "reviewer", "lean"]`. */
  chain: string[];
  description?: string;
  model?: string;
  fallbackModels: string[];
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  reasoning?: ReasoningEffort;
  /** A built-in prompt name or a workspace-relative path (see `systemPromptSource`). */
  systemPrompt: string;
  /** Undefined means the default list (`DEFAULT_INSTRUCTION_FILES`, those present). */
  instructions?: string[];
  tools: Record<string, ToolPolicy>;
  editFormat?: EditFormat;
  commands?: CommandRulesSpec;
  skills?: string[];
  mcpServers?: string[];
  /** MCP tools: above `deferAbove` (default 10) they are found through `tool_search` instead of all being sent. Policies: `tools` entries `server__tool` / `server__*`. */
  mcp?: McpSpec;
  compaction?: CompactionSpec;
  maxSteps?: number;
  allowedProviders?: string[];
  budget?: BudgetSpec;
  /** Normalised to a list; empty when nothing is expected. */
  expectQuantization: string[];
  numCtx?: number;
  openrouter?: OpenRouterSpec;
  /** Set in an untrusted workspace: tools that change things are denied and no MCP server starts. */
  restricted?: boolean;
}

/** A provider defined in a profiles layer, ready to be merged into the endpoint settings. */
export interface ProfileProvider extends ProfileProviderSpec {
  id: string;
  /** True for workspace entries: they never receive a stored key (the key lookup is skipped). */
  fromWorkspace: boolean;
}

export const DEFAULT_INSTRUCTION_FILES: readonly string[] = ['AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md'];
export const DEFAULT_SYSTEM_PROMPT = 'system';
/** The profile used when no layer names a default. */
export const FALLBACK_DEFAULT_PROFILE = 'lean';
