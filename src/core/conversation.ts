/**
 * The transcript, in Tack's own provider-neutral shape. Each dialect converts it to its wire format
 * (providers/*-input.ts); nothing here is specific to one provider, except reasoning blocks, which remember the
 * dialect that produced them because only that dialect can take them back.
 */
import type { ErrorKind, Usage } from './events';
import type { Dialect } from './providers/presets';

/** An image attached to a message, inline as base64 (never a URL: Tack does not make the provider fetch things). */
export interface ImagePart {
  /** e.g. `image/png`. */
  mediaType: string;
  /** Base64 without the `data:` prefix. */
  data: string;
}

export interface UserMessage {
  role: 'user';
  text: string;
  images?: ImagePart[];
}

/** A tool call as the model made it. `args` is the raw argument text (JSON when the model behaved). */
export interface ToolCall {
  /** The id the producing provider gave it; converters map it to each target's id rules. */
  id: string;
  name: string;
  args: string;
}

/**
 * One block of model reasoning. `text` is what a person may read (a summary for OpenAI). The other fields are
 * opaque data that only the `origin` dialect accepts back: Anthropic's `signature` / `redacted` thinking,
 * OpenAI Responses' reasoning item `id` and `encrypted` content. Other targets get none of it.
 */
export interface ReasoningBlock {
  origin: Dialect;
  text: string;
  signature?: string;
  /** Anthropic `redacted_thinking` data: nothing readable, sent back verbatim. */
  redacted?: string;
  /** OpenAI Responses reasoning item id. */
  id?: string;
  /** OpenAI Responses `encrypted_content`. */
  encrypted?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  text: string;
  /** All reasoning text of the answer, for display. */
  reasoning?: string;
  /** The same reasoning as blocks with their origin, for sending back where the target accepts it. */
  reasoningBlocks?: ReasoningBlock[];
  /** Complete tool calls only: a call whose arguments never finished is not recorded. */
  toolCalls?: ToolCall[];
  /** Which model answered, as `<provider>/<model>`. */
  model: string;
  usage?: Usage;
  /** Set when the response did not complete; the partial text is kept and labelled. */
  interrupted?: { kind: ErrorKind; message: string };
}

/** The result of one tool call, answering the assistant's call with the same `toolCallId`. */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  /** The tool's name (Ollama pairs results by name; others by id). */
  name: string;
  text: string;
  images?: ImagePart[];
  isError?: boolean;
}

/** What a plain chat (ChatSession today) holds: user turns and answers. */
export type ChatMessage = UserMessage | AssistantMessage;

/** Everything a provider request can carry: a chat plus tool results (the agent loop's transcript). */
export type TranscriptMessage = ChatMessage | ToolResultMessage;
