/**
 * Messages between the Verify Providers report webview and the extension, validated on receipt on both sides. The
 * host sends progress and, at the end, the rows of `tack verify` with a sentence per host and its drift notes.
 */
import * as z from 'zod';

const share = z.number().min(0).max(1).nullable();
const num = z.number().nullable();

export const VerifyRowSchema = z.object({
  target: z.string(),
  reference: z.boolean(),
  toolCallTriggered: share,
  toolCallValid: share,
  unexpectedCalls: share,
  similarity: share,
  exactMatch: share,
  ttftMs: num,
  tokensPerSec: num,
  latencyMs: num,
  costUsd: num,
  requests: z.number(),
  quantization: z.object({ value: z.string(), source: z.string() }).nullable(),
  contextWindow: num,
  servedBy: z.string().nullable(),
  errors: z.array(z.object({ kind: z.string(), message: z.string(), count: z.number() })),
  stopped: z.boolean().optional(),
});
export type VerifyRowView = z.infer<typeof VerifyRowSchema>;

export const VerifyHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plan'), targets: z.array(z.string()), reference: z.string(), runs: z.number(), plan: z.string(), suiteVersion: z.string() }),
  z.object({ type: z.literal('progress'), target: z.string(), done: z.number(), total: z.number() }),
  z.object({
    type: z.literal('report'), rows: z.array(VerifyRowSchema), notes: z.record(z.string(), z.string()), drift: z.record(z.string(), z.array(z.string())),
    suiteVersion: z.string(), reference: z.string(), runs: z.number(), stopped: z.boolean(),
  }),
]);
export type VerifyHostMessage = z.infer<typeof VerifyHostMessageSchema>;

export const VerifyViewMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('ready') }), z.object({ type: z.literal('stop') })]);
export type VerifyViewMessage = z.infer<typeof VerifyViewMessageSchema>;

export function parseVerifyHostMessage(data: unknown): VerifyHostMessage | undefined {
  const r = VerifyHostMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseVerifyViewMessage(data: unknown): VerifyViewMessage | undefined {
  const r = VerifyViewMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
