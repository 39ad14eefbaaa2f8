/**
 * The approval gate of the `bash` tool: decides from a profile's `commands: { auto, deny }` whether a command runs
 * without asking, asks the person, or is refused. Never throws: anything it cannot check asks (fail closed).
 *
 * - `deny` wins over everything: when any simple command anywhere in the input — also one unwrapped from `sudo`,
 *   `env`, `timeout`, `xargs`, `find -exec`, … (see shell/wrappers.ts), inside a substitution, or inside the code of
 *   `eval`/`sh -c` — matches a deny pattern, the whole command is refused. Deny patterns are matched widely (see
 *   shell/patterns.ts); a word only known at run time that could complete a deny pattern makes the command ask.
 * - `auto` needs every simple command (after `;`, `&&`, `||`, `|`, newlines, in subshells, groups, if/while/for/case
 *   conditions and bodies) to match an auto pattern, and nothing in the input to ask by itself.
 * - Always ask, whatever `auto` says: command and process substitution, output redirections to files (`>`, `>>`,
 *   `>|`, `&>`, `2>` — their targets are listed in `writes` so the caller can apply the path rules; `2>&1`, `>&2`,
 *   `>/dev/null` and input redirections `<` are harmless), here-documents or pipes feeding an interpreter, any
 *   assignment (`X=1 cmd`, `env X=1 cmd`, `export`, `for X in`), background `&`, function definitions, arithmetic and
 *   `[[ ]]`, non-trivial `${…}` expansions, a command name that is not a plain word (`$X`, `*`, `{a,b}`), words the
 *   parser and bash could split differently, anything the parser rejects, and the commands listed in wrappers.ts.
 * - An empty or comment-only command asks: there is nothing to approve, and the tool layer reports the bad call.
 *
 * Parsing uses tree-sitter's bash grammar (shell/bash-parser.ts); words are compared after quote removal, so
 * `"git" status`, `g\it status` and `git  status` are all `git status`.
 */
import { withBashTree } from './shell/bash-parser';
import { checkCommandPatterns, matchesAuto, matchesDeny, parsePattern } from './shell/patterns';
import type { CommandPattern } from './shell/patterns';
import { describeScript, quote } from './shell/script-walk';
import type { ScriptShape, SimpleCommand } from './shell/script-walk';
import { commandForms } from './shell/wrappers';

export { checkCommandPatterns };

export interface CommandRules { auto?: string[]; deny?: string[] }

export type CommandVerdict =
  | { decision: 'auto'; reason: string }
  /** `writes`: files the command would write through redirections or `tee`, as written (for the path rules). */
  | { decision: 'ask'; reason: string; writes?: string[] }
  | { decision: 'deny'; reason: string; pattern: string };

/** Longer input is not parsed (it asks): no person approves a 64 KiB command by reading it anyway. */
export const MAX_COMMAND_CHARS = 64 * 1024;
/** How deep code inside `eval`/`sh -c` arguments is parsed again for deny patterns. */
const MAX_NESTED_CODE = 3;

interface Finding { level: 'auto' | 'ask' | 'deny'; reason: string; pattern?: string; writes?: string[] }

export async function judgeCommand(command: string, rules: CommandRules): Promise<CommandVerdict> {
  if (typeof command !== 'string' || command.trim() === '') return { decision: 'ask', reason: 'The command is empty: there is nothing to run.' };
  if (command.length > MAX_COMMAND_CHARS) {
    return { decision: 'ask', reason: `The command is ${command.length} characters long, more than the ${MAX_COMMAND_CHARS} these rules check.` };
  }
  if (command.includes('\0')) return { decision: 'ask', reason: 'The command contains a NUL character.' };
  const findings: Finding[] = [];
  const auto = compile(rules?.auto, 'auto', findings);
  const deny = compile(rules?.deny, 'deny', findings);
  try {
    await judgeScript(command, auto, deny, findings, 0);
  } catch (err) {
    findings.push({ level: 'ask', reason: `the command could not be checked (${err instanceof Error ? err.message : String(err)})` });
  }
  return verdict(findings);
}

function compile(list: unknown, kind: 'auto' | 'deny', findings: Finding[]): CommandPattern[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    if (kind === 'deny') findings.push({ level: 'ask', reason: 'the profile\'s commands.deny is not a list, so nothing runs without asking' });
    return [];
  }
  const patterns: CommandPattern[] = [];
  for (const raw of list) {
    const p = parsePattern(raw);
    if (typeof p !== 'string') patterns.push(p);
    // An unreadable auto pattern only allows less; an unreadable deny pattern might have refused this command.
    else if (kind === 'deny') findings.push({ level: 'ask', reason: `the deny list has a pattern these rules cannot read (${p}), so nothing runs without asking` });
  }
  return patterns;
}

async function judgeScript(source: string, auto: CommandPattern[], deny: CommandPattern[], findings: Finding[], depth: number): Promise<void> {
  const shape: ScriptShape = await withBashTree(source, root => describeScript(root, source));
  if (depth === 0) {
    for (const h of shape.hazards) findings.push({ level: 'ask', reason: h.reason, ...(h.writes !== undefined ? { writes: [h.writes] } : {}) });
    if (shape.commands.length === 0 && shape.hazards.length === 0) findings.push({ level: 'ask', reason: 'the command holds only comments: there is nothing to run' });
  }
  for (const cmd of shape.commands) {
    const code = judgeSimple(cmd, auto, deny, findings, depth);
    if (depth < MAX_NESTED_CODE) for (const c of code) await judgeScript(c, auto, deny, findings, depth + 1);
  }
}

/** Judges one simple command; returns shell code found in its arguments (`eval …`, `sh -c …`) for a deny pass. */
function judgeSimple(cmd: SimpleCommand, auto: CommandPattern[], deny: CommandPattern[], findings: Finding[], depth: number): string[] {
  const forms = commandForms(cmd.words);
  const shown = quote(cmd.text);
  for (const form of forms.denyForms) {
    for (const p of deny) {
      const m = matchesDeny(form, p);
      if (m === 'yes') findings.push({ level: 'deny', reason: `${shown} matches the deny pattern "${p.text}"`, pattern: p.text });
      else if (m === 'maybe') findings.push({ level: 'ask', reason: `${shown} may match the deny pattern "${p.text}" once its words are expanded` });
    }
  }
  if (depth > 0) return forms.code;
  for (const reason of forms.asks) findings.push({ level: 'ask', reason: `${shown} ${reason}`, ...(forms.writes.length ? { writes: forms.writes } : {}) });
  if (forms.asks.length === 0 && forms.autoForm) {
    if (forms.harmless) findings.push({ level: 'auto', reason: `${shown} has no effect beyond its exit status` });
    else {
      const p = auto.find(a => matchesAuto(forms.autoForm!, a));
      findings.push(p
        ? { level: 'auto', reason: `${shown} matches "${p.text}"`, pattern: p.text }
        : { level: 'ask', reason: `${shown} is not in the profile's auto list` });
    }
  }
  return forms.code;
}

function verdict(findings: Finding[]): CommandVerdict {
  const denied = findings.find(f => f.level === 'deny');
  if (denied) return { decision: 'deny', reason: `${capital(denied.reason)}: the whole command is refused.`, pattern: denied.pattern! };
  const asks = findings.filter(f => f.level === 'ask');
  if (asks.length > 0) {
    const writes = [...new Set(asks.flatMap(f => f.writes ?? []))];
    const more = asks.length > 1 ? ` (and ${asks.length - 1} more reason${asks.length > 2 ? 's' : ''} to ask)` : '';
    return { decision: 'ask', reason: `${capital(asks[0].reason)}${more}.`, ...(writes.length ? { writes } : {}) };
  }
  const patterns = [...new Set(findings.map(f => f.pattern).filter((p): p is string => p !== undefined))];
  return {
    decision: 'auto',
    reason: patterns.length
      ? `Every command is in the profile's auto list (${patterns.map(p => `"${p}"`).join(', ')}).`
      : `${capital(findings[0]?.reason ?? 'nothing to run')}.`,
  };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
