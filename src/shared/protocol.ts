/**
 * Messages between the chat webview and the extension host. Both directions are validated on receipt:
 * the webview is untrusted input, and a malformed host message must not break the panel.
 * This file is shared by the extension bundle and the browser bundle, so it imports nothing from either side.
 */
import * as z from 'zod';

const MAX_TEXT = 1_000_000;

export const ErrorKindSchema = z.enum([
  'auth', 'rate_limit', 'not_found', 'network', 'server', 'bad_response', 'policy', 'config', 'cancelled',
]);

/** One message as the panel shows it. */
export const ViewMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  reasoning: z.string().optional(),
  /** `<provider>/<model>` that answered (assistant only). */
  model: z.string().optional(),
  /** Set when the turn failed or was cut short; the text so far is kept. */
  error: z.object({ kind: ErrorKindSchema, message: z.string() }).optional(),
  usage: z.object({ input: z.number(), output: z.number(), costUsd: z.number().nullable() }).optional(),
});
export type ViewMessage = z.infer<typeof ViewMessageSchema>;

export const ModelInfoSchema = z.object({
  /** e.g. `qwen3:8b · Ollama`, or a hint such as `Choose a model` when none is configured. */
  label: z.string(),
  ref: z.string().nullable(),
  /** The session so far, e.g. `lean · 1.2k tok · $0.0031`. */
  session: z.string().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('send'), text: z.string().min(1).max(MAX_TEXT) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('switchModel') }),
  z.object({ type: z.literal('openLink'), url: z.string().max(8192) }),
  z.object({ type: z.literal('copy'), text: z.string().max(MAX_TEXT) }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

export const HostToWebviewSchema = z.discriminatedUnion('type', [
  /** The whole conversation; sent in answer to `ready` and after a new chat. */
  z.object({ type: z.literal('state'), messages: z.array(ViewMessageSchema), busy: z.boolean(), model: ModelInfoSchema }),
  /** A message was added at the end of the list. */
  z.object({ type: z.literal('append'), message: ViewMessageSchema }),
  /** Streamed text for the message at `index`. */
  z.object({ type: z.literal('delta'), index: z.number().int().min(0), text: z.string().optional(), reasoning: z.string().optional() }),
  /** The message at `index` is final (usage, error, interruption known). */
  z.object({ type: z.literal('replace'), index: z.number().int().min(0), message: ViewMessageSchema }),
  /** Remove messages from `index` to the end (a retried turn). */
  z.object({ type: z.literal('truncate'), index: z.number().int().min(0) }),
  z.object({ type: z.literal('busy'), busy: z.boolean() }),
  z.object({ type: z.literal('model'), model: ModelInfoSchema }),
  /**
   * Standing notices above the conversation (profiles file invalid, Restricted Mode, quantization mismatch, budget);
   * the list replaces the previous one, an empty list clears them.
   */
  z.object({ type: z.literal('notices'), items: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), text: z.string().max(4000) })).max(20) }),
  /** A transient status line, e.g. "Waiting for the server…"; empty string clears it. */
  z.object({ type: z.literal('status'), text: z.string() }),
]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;

/** Returns the parsed message, or undefined when `data` is not a valid message from the webview. */
export function parseWebviewMessage(data: unknown): WebviewToHost | undefined {
  const r = WebviewToHostSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

/** Returns the parsed message, or undefined when `data` is not a valid message from the host. */
export function parseHostMessage(data: unknown): HostToWebview | undefined {
  const r = HostToWebviewSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
