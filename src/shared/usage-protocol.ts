/**
 * Messages between the Usage webview (Tack: Show Usage) and the extension. Validated on receipt like the chat
 * protocol. Rows are already aggregated per day, workspace, provider, model and profile by the host.
 */
import * as z from 'zod';

export const UsageRowSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  workspace: z.string(),
  provider: z.string(),
  model: z.string(),
  profile: z.string().optional(),
  requests: z.number().int().min(0),
  input: z.number().min(0),
  output: z.number().min(0),
  cacheRead: z.number().min(0),
  cacheWrite: z.number().min(0),
  reasoning: z.number().min(0),
  /** null when no response in the row had a known price. */
  costUsd: z.number().nullable(),
  /** True when some responses in the row had no price, so costUsd undercounts. */
  costPartial: z.boolean().optional(),
});
export type UsageRow = z.infer<typeof UsageRowSchema>;

export const UsageHostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('data'), rows: z.array(UsageRowSchema), workspace: z.string() }),
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

export type UsageGrouping = 'day' | 'model' | 'workspace';

export interface UsageGroup {
  key: string;
  requests: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  costUsd: number | null;
  costPartial: boolean;
}

/** Sums rows by day, by `<provider>/<model>` or by workspace; groups sorted by key (days ascending). */
export function groupUsage(rows: readonly UsageRow[], by: UsageGrouping): UsageGroup[] {
  const groups = new Map<string, UsageGroup>();
  for (const r of rows) {
    const key = by === 'day' ? r.day : by === 'model' ? `${r.provider}/${r.model}` : r.workspace;
    const g = groups.get(key) ?? { key, requests: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, costUsd: null, costPartial: false };
    g.requests += r.requests;
    g.input += r.input;
    g.output += r.output;
    g.cacheRead += r.cacheRead;
    g.cacheWrite += r.cacheWrite;
    if (r.costUsd !== null) g.costUsd = (g.costUsd ?? 0) + r.costUsd;
    g.costPartial ||= r.costUsd === null || !!r.costPartial;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}
