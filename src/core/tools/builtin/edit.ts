/**
 * `edit`, in the profile's format: `hashline` {path, tag, edits}, `search-replace` {path, old, new, all?},
 * `whole` {path, content}. The change is planned when the call is prepared, so an approval shows (and binds) the
 * exact new content; running it writes that content only if the file is still what the plan was made from.
 */
import { HASHLINE_EDIT_SCHEMA, SEARCH_REPLACE_SCHEMA, WHOLE_SCHEMA } from '../../edits/schemas';
import { planSearchReplace } from '../../edits/search-replace';
import { planWhole } from '../../edits/whole';
import type { HashlineArgs } from '../../edits/snapshots';
import type { EditFormat } from '../../profiles/types';
import { readText, writeText } from '../text-files';
import type { PreparedCall, Tool, ToolContext, ToolResult } from '../types';
import { fileTarget, type FileTarget } from './file-target';

type Plan = { content: string; message?: string; commit?: () => string };

async function prepareEdit(ctx: ToolContext, args: Record<string, unknown>, format: EditFormat): Promise<PreparedCall | { error: string }> {
  const t = await fileTarget(ctx, String(args.path), true);
  if ('error' in t) return t;
  const r = await readText(ctx.files, t.abs);
  if (r.kind === 'binary') return { error: `${t.rel} is a binary file; it cannot be edited as text.` };
  const before = r.kind === 'text' ? r.text : undefined;
  let plan: Plan;
  if (format === 'whole') {
    const p = planWhole(before, { content: String(args.content) });
    plan = { content: p.content, message: p.message };
  } else if (before === undefined) {
    return { error: `${t.rel} does not exist. Create it with write.` };
  } else if (format === 'search-replace') {
    const p = planSearchReplace(before, { old: String(args.old), new: String(args.new), ...(args.all === true ? { all: true } : {}) });
    if (!p.ok) return { error: p.message };
    plan = { content: p.content, message: p.message };
  } else {
    const p = ctx.snapshots.planHashline(t.rel, before, { ...(args as unknown as HashlineArgs), path: t.rel });
    if (!p.ok) return { error: p.message };
    plan = { content: p.content, commit: () => ctx.snapshots.commit(t.rel, p) };
  }
  const count = Array.isArray(args.edits) ? ` (${args.edits.length} edit${args.edits.length === 1 ? '' : 's'})` : '';
  return {
    title: `edit ${t.rel}${count}`,
    ...(t.gate ? { gate: t.gate } : {}),
    preview: { path: t.rel, ...(before !== undefined ? { before } : {}), after: plan.content },
    run: () => applyPlan(ctx, t, before, plan),
  };
}

/** Writes the planned content if the file is unchanged since the plan (what was approved is what lands). */
export async function applyPlan(ctx: ToolContext, t: FileTarget, before: string | undefined, plan: Plan): Promise<ToolResult> {
  const now = await readText(ctx.files, t.abs);
  const current = now.kind === 'text' ? now.text : undefined;
  if (now.kind === 'binary' || current !== before) {
    return { text: `${t.rel} changed while the call waited; nothing was written. Read it again and redo the edit.`, isError: true };
  }
  await writeText(ctx.files, t.abs, plan.content);
  const message = plan.commit ? plan.commit() : `${plan.message ?? 'Written.'} ${tagNote(ctx, t.rel, plan.content)}`;
  return { text: message, changedPath: t.rel };
}

/** After a non-hashline write, the new tag (so a later hashline edit need not read the file again). */
function tagNote(ctx: ToolContext, rel: string, content: string): string {
  const tag = ctx.snapshots.recordWrite(rel, content);
  return ctx.editFormat === 'hashline' ? `New tag: ${tag}.` : '';
}

const SCHEMAS: Readonly<Record<Exclude<EditFormat, 'unified-diff'>, Record<string, unknown>>> = {
  hashline: HASHLINE_EDIT_SCHEMA, 'search-replace': SEARCH_REPLACE_SCHEMA, whole: WHOLE_SCHEMA,
};

/** The `edit` tool for a format (`unified-diff` is not built: it falls back to hashline). */
export function editTool(format: EditFormat): Tool {
  const f = format === 'unified-diff' ? 'hashline' : format;
  return {
    name: 'edit',
    prompt: `edit-${f}`,
    parameters: SCHEMAS[f],
    readOnly: false,
    prepare: (args, ctx) => prepareEdit(ctx, args, f),
  };
}
