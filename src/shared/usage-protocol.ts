/**
 * Messages between the Usage webview (Tack: Show Usage) and the extension. Validated on receipt like the chat
 * protocol. The host sends the usage log's records; the webview groups them with core's pure aggregation.
 */
import * as z from 'zod';

/** One usage-log record (core's UsageRecord), as the webview receives it. */
export const UsageRecordSchema = z.object({
  v: z.literal(1),
  ts: z.string(),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  workspace: z.string(),
  provider: z.string(),
  model: z.string(),
  profile: z.string().optional(),
  input: z.number().min(0),
  output: z.number().min(0),
  cacheRead: z.number().min(0),
  cacheWrite: z.number().min(0),
  reasoning: z.number().min(0),
  costUsd: z.number().nullable(),
  costSource: z.enum(['provider', 'price-table', 'unknown']),
  host: z.literal('cli').optional(),
});

export const UsageHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('data'), records: z.array(UsageRecordSchema), workspace: z.string() }),
]);
export type UsageHostMessage = z.infer<typeof UsageHostMessageSchema>;

export const UsageViewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('exportCsv') }),
  z.object({ type: z.literal('refresh') }),
]);
export type UsageViewMessage = z.infer<typeof UsageViewMessageSchema>;

export function parseUsageViewMessage(data: unknown): UsageViewMessage | undefined {
  const r = UsageViewMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseUsageHostMessage(data: unknown): UsageHostMessage | undefined {
  const r = UsageHostMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
