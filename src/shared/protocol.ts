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

const MAX_ID = 200;
const IdSchema = z.string().min(1).max(MAX_ID);

/** A `task` call's child agent: its header (agent, model, usage) and its own tool calls, one line each. */
export const SubagentViewSchema = z.object({
  agent: z.string().max(200),
  model: z.string().max(400),
  state: z.enum(['running', 'done', 'error', 'cancelled']),
  tokens: z.number().optional(),
  costUsd: z.number().nullable().optional(),
  note: z.string().max(2000).optional(),
  tools: z.array(z.object({
    id: IdSchema, name: z.string().max(200), title: z.string().max(2000),
    state: z.enum(['pending', 'awaiting_approval', 'running', 'done', 'error']),
  })).max(500),
});
export type SubagentView = z.infer<typeof SubagentViewSchema>;

/** A tool call as a card: its arguments, live output, result; collapsed once done. */
export const ToolCardSchema = z.object({
  id: IdSchema,
  name: z.string().max(200),
  /** One line: what the call does (`edit src/a.ts (2 edits)`). */
  title: z.string().max(2000),
  state: z.enum(['pending', 'awaiting_approval', 'running', 'done', 'error']),
  /** The arguments, pretty-printed JSON (shown when the card is expanded). */
  args: z.string().max(MAX_TEXT),
  /** Live output so far (bash), then the result sent to the model. */
  output: z.string().max(MAX_TEXT).optional(),
  /** A workspace-relative file the call changed: the card links to it. */
  changedPath: z.string().max(4096).optional(),
  /** A `task` call: its subagent's card (agent, model, cost, its own tool calls). */
  subagent: SubagentViewSchema.optional(),
  /** Set while the call waits for the person: what it will do and why it asks; answers must carry the nonce. */
  approval: z.object({
    nonce: z.string().min(16).max(128),
    /** The call the answer is for, when it is not this card's own (a subagent's tool call shown on its task card). */
    callId: IdSchema.optional(),
    summary: z.string().max(8000),
    command: z.string().max(MAX_TEXT).optional(),
    /** The host can open a diff of the change. */
    diff: z.boolean(),
  }).optional(),
});
export type ToolCard = z.infer<typeof ToolCardSchema>;

/** One message as the panel shows it. */
export const ViewMessageSchema = z.object({
  /** Stable id: every update addresses the message by it. */
  id: IdSchema,
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  reasoning: z.string().optional(),
  /** `<provider>/<model>` that answered (assistant only). */
  model: z.string().optional(),
  /** Set when the turn failed or was cut short; the text so far is kept. */
  error: z.object({ kind: ErrorKindSchema, message: z.string() }).optional(),
  usage: z.object({ input: z.number(), output: z.number(), costUsd: z.number().nullable() }).optional(),
  /** The tool calls this answer made, in order. */
  tools: z.array(ToolCardSchema).max(1000).optional(),
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

/** The session's harness at a glance: profile, tool policies, MCP servers with their state, skills. */
export const HarnessViewSchema = z.object({
  profile: z.string().max(200),
  tools: z.object({ on: z.number().int().min(0), ask: z.number().int().min(0), off: z.number().int().min(0) }),
  servers: z.array(z.object({
    name: z.string().max(200),
    source: z.enum(['user', 'workspace']),
    /** starting, ready, failed, restarting, awaiting_approval, declined, offered, tools_changed, stopped, restricted… */
    state: z.string().max(40),
    tools: z.number().int().min(0).optional(),
    message: z.string().max(4000).optional(),
    stderr: z.array(z.string().max(2000)).max(20).optional(),
  })).max(100),
  skills: z.array(z.object({ name: z.string().max(200), loaded: z.boolean() })).max(500),
});
export type HarnessView = z.infer<typeof HarnessViewSchema>;

// Sessions and compaction: what sits between messages (compaction cards, notices) and the saved sessions list.
/** An entry of the conversation that is not a message, shown after message `afterId` (none: at the start). */
export const MarkerSchema = z.discriminatedUnion('kind', [
  /** A compaction: prompt tokens before/after, the strategy, and a line saying what it replaced. */
  z.object({
    kind: z.literal('compaction'), id: IdSchema, afterId: IdSchema.optional(), before: z.number(), after: z.number(),
    strategy: z.string().max(40), trigger: z.string().max(40), detail: z.string().max(2000),
  }),
  z.object({ kind: z.literal('notice'), id: IdSchema, afterId: IdSchema.optional(), level: z.enum(['info', 'warning']), text: z.string().max(4000) }),
]);
export type Marker = z.infer<typeof MarkerSchema>;

/** One saved session in the panel's list. */
export const SessionRowSchema = z.object({
  id: IdSchema, title: z.string().max(2000), updated: z.number(), model: z.string().max(400).optional(),
  messages: z.number(), tokens: z.number(), costUsd: z.number().nullable(), current: z.boolean(),
});
export type SessionRow = z.infer<typeof SessionRowSchema>;

/** The panel's requests about saved sessions and compactions (handled by the host's sessions UI). */
const SessionRequestSchemas = [
  z.object({ type: z.literal('listSessions') }),
  z.object({ type: z.literal('openSession'), id: IdSchema }),
  z.object({ type: z.literal('renameSession'), id: IdSchema }),
  z.object({ type: z.literal('deleteSession'), id: IdSchema }),
  z.object({ type: z.literal('exportSession'), id: IdSchema }),
  /** Open what compaction `id` replaced (the messages and the summary), as a document. */
  z.object({ type: z.literal('openReplaced'), id: IdSchema }),
] as const;
export type SessionRequest = z.infer<(typeof SessionRequestSchemas)[number]>;

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  ...SessionRequestSchemas,
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('send'), text: z.string().min(1).max(MAX_TEXT) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('switchModel') }),
  z.object({ type: z.literal('openLink'), url: z.string().max(8192) }),
  z.object({ type: z.literal('copy'), text: z.string().max(MAX_TEXT) }),
  /** The person's answer to a pending approval; ignored unless id and nonce match the pending one. */
  z.object({ type: z.literal('approve'), id: IdSchema, nonce: z.string().max(128), decision: z.enum(['approve', 'reject', 'session']) }),
  /** Open the diff of a pending file change (id and nonce of the pending approval). */
  z.object({ type: z.literal('showDiff'), id: IdSchema, nonce: z.string().max(128) }),
  /** Open a file a tool call changed (workspace-relative; checked by the host). */
  z.object({ type: z.literal('openFile'), path: z.string().min(1).max(4096) }),
  /** Go on after the run stopped at the step limit. */
  z.object({ type: z.literal('continue') }),
  /** Send the whole conversation, not only its tail. */
  z.object({ type: z.literal('showEarlier') }),
  /** The harness line was clicked: show its details. */
  z.object({ type: z.literal('harnessDetails') }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;

export const HostToWebviewSchema = z.discriminatedUnion('type', [
  /** Sessions and compaction: every marker of the conversation (replaces them), one new marker, the sessions list. */
  z.object({ type: z.literal('markers'), items: z.array(MarkerSchema).max(10_000) }),
  z.object({ type: z.literal('marker'), marker: MarkerSchema }),
  z.object({ type: z.literal('sessions'), items: z.array(SessionRowSchema).max(10_000), show: z.boolean() }),
  /** The whole conversation; sent in answer to `ready` and after a new chat. */
  z.object({
    type: z.literal('state'), messages: z.array(ViewMessageSchema), busy: z.boolean(), model: ModelInfoSchema,
    /** How many earlier messages are not sent (a long session opens at its tail; `showEarlier` asks for them). */
    earlier: z.number().int().min(0).optional(),
  }),
  /** A message was added at the end of the list. */
  z.object({ type: z.literal('append'), message: ViewMessageSchema }),
  /** Streamed text for the message `id`. */
  z.object({ type: z.literal('delta'), id: IdSchema, text: z.string().optional(), reasoning: z.string().optional() }),
  /** The message `id` is final (usage, error, interruption known). */
  z.object({ type: z.literal('replace'), message: ViewMessageSchema }),
  /** Remove the messages after `afterId` (a retried turn); no id: all of them. */
  z.object({ type: z.literal('truncate'), afterId: IdSchema.optional() }),
  /** A tool card of message `messageId` was added or changed (whole card). */
  z.object({ type: z.literal('tool'), messageId: IdSchema, card: ToolCardSchema }),
  /** Live output of a running tool call, appended to its card. */
  z.object({ type: z.literal('toolOutput'), id: IdSchema, chunk: z.string().max(MAX_TEXT) }),
  /** The model's plan (the todo tool). */
  z.object({ type: z.literal('todo'), items: z.array(z.object({ text: z.string().max(2000), status: z.string().max(40) })).max(200) }),
  /** The run stopped at the step limit: offer Continue (empty text: withdraw the offer). */
  z.object({ type: z.literal('continueOffer'), text: z.string().max(2000) }),
  z.object({ type: z.literal('busy'), busy: z.boolean() }),
  z.object({ type: z.literal('model'), model: ModelInfoSchema }),
  /**
   * Standing notices above the conversation (profiles file invalid, Restricted Mode, quantization mismatch, budget);
   * the list replaces the previous one, an empty list clears them.
   */
  z.object({ type: z.literal('notices'), items: z.array(z.object({ level: z.enum(['info', 'warning', 'error']), text: z.string().max(4000) })).max(20) }),
  /** A transient status line, e.g. "Waiting for the server…"; empty string clears it. */
  z.object({ type: z.literal('status'), text: z.string() }),
  /** The harness line (replaces the previous one). */
  z.object({ type: z.literal('harness'), harness: HarnessViewSchema }),
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
