/**
 * What one simple command really runs, seen through the programs that run other programs.
 *
 * - Transparent wrappers change how, not what, a command runs; they need no pattern of their own and the wrapped
 *   command is judged instead: `nice [-n N]`, `timeout [opts] DURATION`, `nohup`, `stdbuf [opts]`, `time [-p]`,
 *   `command [-p]`, `builtin`, `busybox`, `env` with only `-i`/`-u NAME`/`-0`/`-v`/signal options, and `git` with
 *   only `-C DIR`, `--no-pager`, `-P`/`-p` and pathspec options (judged as `git <rest>`). They count only when named
 *   bare (`nice`, not `./nice`), since a path could be any program. Unknown options make them ask.
 * - Some commands always ask, whatever the patterns say, and their wrapped command is still checked against deny:
 *   `sudo`/`doas`/`su`/`pkexec`/`run0` (privileges), `xargs` (arguments from input), `exec`, `find -exec/-execdir/
 *   -ok/-okdir` (and `-delete`, `-fprint*`, `-fls`), `env NAME=VALUE …`, `env -S/-C`, `git -c/--exec-path/--git-dir/
 *   --work-tree/--config-env`, builtins that evaluate code or change the shell (`eval`, `source`, `.`, `trap`,
 *   `alias`, `let`, `read`, `export`, `set`, …), `tee` (writes files), `watch`/`parallel` (run their arguments
 *   through a shell), interpreters given inline code (`sh -c`, `bash -lc`, `python -c`, `node -e/-p`, `perl -e`,
 *   `ruby -e`, `php -r`, `deno eval`, `bun -e`, `osascript -e`, `pwsh -c`, …) or reading their program from input
 *   (no script file named, `-`, `-s`, `-i`: `curl x | sh`, `bash <<EOF`), and awk programs that call `system`, pipe,
 *   write or use `getline`, or that come from a file.
 * - Package runners (`npx`, `bunx`, `pnpx`, `uvx`, `npm exec`/`npm x`, `pnpm dlx`/`pnpm exec`, `yarn dlx`/`yarn exec`,
 *   `pipx run`) are matched as written (allow `npx eslint`, not `eslint`), and every word after them is also checked
 *   against deny.
 *
 * Where the options of a wrapper are not parsed, every word after it is tried as the start of a command against deny
 * patterns: a deny can then trigger on a word that is really an option value, never the other way round.
 */
import type { Words } from './script-walk';
import { assignmentReason } from './script-walk';

export interface CommandForms {
  /** Every reading to check against deny: as written, each unwrapped command, scanned word positions. */
  denyForms: Words[];
  /** The reading an auto pattern must match; undefined when the command asks whatever the patterns say. */
  autoForm?: Words;
  /** The auto reading is a builtin without effects (`true`, `false`, `:`, `test`) that needs no pattern. */
  harmless?: boolean;
  /** Why the command asks regardless of patterns (sentence fragments: "runs inline code (sh -c)"). */
  asks: string[];
  /** Files the command writes, as written (`tee out.txt`). */
  writes: string[];
  /** Shell code carried in arguments (`eval …`, `sh -c '…'`, `watch '…'`), parsed again for deny patterns. */
  code: string[];
}

type Step =
  | { kind: 'plain'; scanFrom?: number }
  | { kind: 'harmless' }
  | { kind: 'transparent'; inner: Words }
  | { kind: 'ask'; reason: string; inner?: Words; scanFrom?: number; writes?: string[]; code?: string };

const MAX_DEPTH = 8;
const MAX_FORMS = 4000;

/**
 * How a reading is visited: `auto` may become the auto reading; `inner` (wrapped by something that asks) adds its own
 * reasons to ask; `deny` (a scanned word position, which may not be a command at all) only feeds deny patterns.
 */
type Role = 'auto' | 'inner' | 'deny';

/** Unwraps a simple command into the readings the rules check. */
export function commandForms(words: Words): CommandForms {
  const out: CommandForms = { denyForms: [], asks: [], writes: [], code: [] };
  const ask = (role: Role, reason: string) => {
    if (role !== 'deny') out.asks.push(reason);
  };
  const visit = (w: Words, role: Role, depth: number): void => {
    if (out.denyForms.length >= MAX_FORMS) return ask('inner', 'is too long to check word by word');
    out.denyForms.push(w);
    if (w.length === 0) return;
    if (depth > MAX_DEPTH) return ask('inner', 'nests wrappers too deeply to check');
    if (w[0] === undefined) return ask(role, 'has a command name that is only known when it runs');
    const step = classify(w);
    if (step.kind === 'transparent') return visit(step.inner, role, depth + 1);
    if (step.kind === 'harmless' || step.kind === 'plain') {
      if (role === 'auto') {
        out.autoForm = w;
        out.harmless = step.kind === 'harmless';
      }
    } else {
      ask(role, step.reason);
      if (role !== 'deny') out.writes.push(...(step.writes ?? []));
      if (step.code !== undefined) out.code.push(step.code);
      if (step.inner) visit(step.inner, role === 'deny' ? 'deny' : 'inner', depth + 1);
    }
    // Scanned positions are not scanned again: every suffix of this command is already among them.
    if (role !== 'deny' && step.kind !== 'harmless' && step.scanFrom !== undefined) {
      for (let i = step.scanFrom; i < w.length; i++) visit(w.slice(i), 'deny', depth + 1);
    }
  };
  visit(words, 'auto', 0);
  return out;
}

/** The last path segment in lower case: what names a program for the always-ask lists (fail closed). */
function baseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.slice(lower.lastIndexOf('/') + 1);
}

function classify(w: Words): Step {
  const name = w[0] as string;
  const base = baseName(name);
  const bare = !name.includes('/');
  if (bare && HARMLESS.has(name)) {
    // `test -v 'a[$(cmd)]'` evaluates the subscript.
    return w.some(a => a === undefined || a === '-v' || a === '-R') ? { kind: 'ask', reason: `tests a variable by name, which can run commands through array subscripts (${name})` } : { kind: 'harmless' };
  }
  const builtin = ALWAYS_ASK[base];
  if (builtin) return { kind: 'ask', reason: builtin, scanFrom: 1, ...(CODE_ARGS.has(base) ? joinedCode(w.slice(1)) : {}) };
  if (PRIVILEGE.has(base)) return { kind: 'ask', reason: 'runs a command with other privileges', scanFrom: 1 };
  if (base === 'xargs') return { kind: 'ask', reason: 'runs a command with arguments taken from its input (xargs)', scanFrom: 1 };
  if (base === 'exec') return { kind: 'ask', reason: 'replaces the shell with another program (exec)', scanFrom: 1 };
  if (base === 'tee') return { kind: 'ask', reason: 'writes files (tee)', writes: operands(w.slice(1)) };
  if (base === 'printf' && w.slice(1).some(a => a === undefined || a === '-v' || a?.startsWith('-v'))) {
    return { kind: 'ask', reason: 'assigns a shell variable (printf -v)' };
  }
  if (base === 'find') return find(w);
  if (AWK.has(base)) return awk(w);
  const interpreter = interpreterStep(base, w);
  if (interpreter) return interpreter;
  const runner = runnerLength(base, w);
  if (runner) return { kind: 'plain', scanFrom: runner };
  if (bare || /^\/(?:usr\/)?bin\/[^/]+$/.test(name)) {
    const unwrap = TRANSPARENT[name.slice(name.lastIndexOf('/') + 1)];
    if (unwrap) return unwrap(w);
  }
  return { kind: 'plain' };
}

/** Builtins without effects beyond their exit status. */
const HARMLESS = new Set(['true', 'false', ':', 'test', '[']);

const ALWAYS_ASK: Record<string, string> = {
  eval: 'evaluates its arguments as shell code (eval)',
  source: 'runs a file as shell code (source)',
  '.': 'runs a file as shell code (.)',
  trap: 'installs shell code to run later (trap)',
  alias: 'defines an alias (alias)',
  unalias: 'changes aliases (unalias)',
  enable: 'loads or changes shell builtins (enable)',
  hash: 'changes where the shell finds programs (hash)',
  let: 'evaluates arithmetic, which can run commands through array subscripts (let)',
  read: 'assigns shell variables from its input (read)',
  mapfile: 'assigns shell variables from its input (mapfile)',
  readarray: 'assigns shell variables from its input (readarray)',
  getopts: 'assigns shell variables (getopts)',
  declare: 'changes shell variables (declare)',
  typeset: 'changes shell variables (typeset)',
  export: 'changes the environment (export)',
  readonly: 'changes shell variables (readonly)',
  local: 'changes shell variables (local)',
  unset: 'changes shell variables (unset)',
  set: 'changes shell options or arguments (set)',
  shopt: 'changes shell options (shopt)',
  fc: 're-runs commands from the history (fc)',
  bind: 'changes key bindings, which can run commands (bind)',
  coproc: 'starts a background coprocess (coproc)',
  watch: 'runs its arguments through a shell (watch)',
  parallel: 'runs its arguments through a shell (parallel)',
};

/** Commands whose arguments, joined by spaces, are shell code. */
const CODE_ARGS = new Set(['eval', 'watch']);

function joinedCode(args: Words): { code?: string } {
  return args.length > 0 && args.every(a => a !== undefined) ? { code: args.join(' ') } : {};
}

const PRIVILEGE = new Set(['sudo', 'doas', 'su', 'pkexec', 'run0', 'runuser']);

function operands(args: Words): string[] {
  return args.filter((a): a is string => a !== undefined && !a.startsWith('-'));
}

function find(w: Words): Step {
  for (let i = 1; i < w.length; i++) {
    const a = w[i];
    if (a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir') {
      let end = i + 1;
      while (end < w.length && w[end] !== ';' && w[end] !== '+') end++;
      return { kind: 'ask', reason: `runs a command for each file found (find ${a})`, inner: w.slice(i + 1, end), scanFrom: i + 1 };
    }
    if (a === '-delete' || a === '-fls' || a?.startsWith('-fprint')) return { kind: 'ask', reason: `deletes or writes files (find ${a})` };
    if (a === undefined) return { kind: 'ask', reason: 'has a find expression that is only known when it runs', scanFrom: i };
  }
  return { kind: 'plain' };
}

const AWK = new Set(['awk', 'gawk', 'mawk', 'nawk', 'busybox-awk']);

function awk(w: Words): Step {
  for (const a of w.slice(1)) {
    if (a === undefined) return { kind: 'ask', reason: 'runs an awk program that is only known when it runs' };
    if (a === '-f' || a.startsWith('-f') || a.startsWith('--file')) return { kind: 'ask', reason: 'runs an awk program from a file' };
    if (/system|getline|[|>]/.test(a)) return { kind: 'ask', reason: 'runs an awk program that can run commands or write files' };
  }
  return { kind: 'plain' };
}

interface InterpreterRule {
  /** Arguments that hand the interpreter code inline. */
  inline: (arg: string) => boolean;
  /** Arguments that make it read its program from standard input. */
  stdin?: (arg: string) => boolean;
  /** Whether it runs nothing unless told which file to run (then no script named = program from input). */
  needsScript: boolean;
  /** Arguments that name what to run other than a file path (`python -m`). */
  module?: (arg: string) => boolean;
}

const SHELL_RULE: InterpreterRule = {
  inline: a => /^[-+][A-Za-z]*c/.test(a) || a === '--command' || a.startsWith('--command='),
  stdin: a => /^-[A-Za-z]*[si]/.test(a),
  needsScript: true,
};
const PYTHON_RULE: InterpreterRule = {
  inline: a => /^-[A-Za-z]*c/.test(a),
  stdin: a => /^-[A-Za-z]*i/.test(a),
  needsScript: true,
  module: a => /^-[A-Za-z]*m/.test(a),
};
const NODE_RULE: InterpreterRule = {
  inline: a => /^-[A-Za-z]*[ep][A-Za-z]*$/.test(a) || /^--(?:eval|print)(?:=|$)/.test(a),
  stdin: a => a === '-i' || a === '--interactive',
  needsScript: true,
  module: a => /^--(?:test|run)(?:=|$)/.test(a),
};
const flagRule = (flags: RegExp, needsScript = true): InterpreterRule => ({ inline: a => flags.test(a), needsScript });

const INTERPRETERS: Record<string, InterpreterRule> = {
  ...Object.fromEntries(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'yash', 'fish', 'csh', 'tcsh'].map(s => [s, SHELL_RULE])),
  node: NODE_RULE,
  nodejs: NODE_RULE,
  perl: flagRule(/^-[A-Za-z0-9:]*[eE]/),
  ruby: flagRule(/^-[A-Za-z]*e/),
  php: flagRule(/^-[rRBEFa]$|^--(?:run|process-begin|process-code|process-end|process-file|interactive)/),
  lua: flagRule(/^-[A-Za-z]*[ei]/),
  luajit: flagRule(/^-[A-Za-z]*[ei]/),
  rscript: flagRule(/^-e$|^--expr/),
  osascript: flagRule(/^-e$/, false),
  pwsh: flagRule(/^-(?:c|command|e|ec|encodedcommand|cwa|commandwithargs)$/i),
  powershell: flagRule(/^-(?:c|command|e|ec|encodedcommand|cwa|commandwithargs)$/i),
  deno: { inline: a => a === 'eval' || a === 'repl' || a === '-e' || a === '--eval', needsScript: false },
  bun: { inline: a => a === 'repl' || /^-[ep]$/.test(a) || /^--(?:eval|print)(?:=|$)/.test(a), needsScript: false },
};

/** Arguments that only print information, so an interpreter given only these reads no program. */
const INFO_ONLY = new Set(['--version', '-V', '--help', '-h', '-v', '-version']);

function interpreterStep(base: string, w: Words): Step | undefined {
  const rule = INTERPRETERS[base] ?? (/^(?:python|pypy)[0-9.]*$/.test(base) ? PYTHON_RULE : undefined);
  if (!rule) return undefined;
  const args = w.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a !== undefined && rule.inline(a)) {
      const code = rule === SHELL_RULE ? args[i + 1] : undefined;
      return { kind: 'ask', reason: `runs code given inline (${base} ${a})`, ...(code !== undefined ? { code } : {}) };
    }
    if (a === '-' || (a !== undefined && rule.stdin?.(a))) return { kind: 'ask', reason: `reads its program from its input (${base} ${a})` };
  }
  if (!rule.needsScript) return { kind: 'plain' };
  if (args.length > 0 && args.every(a => a !== undefined && INFO_ONLY.has(a))) return { kind: 'plain' };
  // A script is a path (`x.py`, `./configure`, `scripts/run`) or a python module (`-m pytest`); anything else may
  // leave the interpreter reading a program from whatever its input is (a pipe, a here-document).
  const named = args.some(a => a !== undefined && ((!a.startsWith('-') && /[/.]/.test(a)) || (rule.module?.(a) ?? false)));
  return named ? { kind: 'plain' } : { kind: 'ask', reason: `reads its program from its input (${base} without a script file)` };
}

/** How many leading words make up a package runner (`npx` = 1, `npm exec` = 2), or 0 when it is none. */
function runnerLength(base: string, w: Words): number {
  if (['npx', 'bunx', 'pnpx', 'uvx'].includes(base)) return 1;
  const sub = w[1];
  if (base === 'npm' && (sub === 'exec' || sub === 'x')) return 2;
  if ((base === 'pnpm' || base === 'yarn') && (sub === 'dlx' || sub === 'exec')) return 2;
  if (base === 'pipx' && sub === 'run') return 2;
  return 0;
}

/** Option parsers of the transparent wrappers: they return the wrapped command, or ask when an option is unknown. */
const TRANSPARENT: Record<string, (w: Words) => Step> = {
  nice: w => skipOptions(w, { flags: [/^-[0-9]+$/, /^-n-?[0-9]+$/, /^--adjustment=-?[0-9]+$/], withValue: ['-n', '--adjustment'] }),
  timeout: w => skipOptions(w, {
    flags: [/^--preserve-status$/, /^--foreground$/, /^-v$/, /^--verbose$/, /^--signal=/, /^--kill-after=/, /^-s.+/, /^-k.+/],
    withValue: ['-s', '--signal', '-k', '--kill-after'],
    operands: 1, // DURATION
  }),
  nohup: w => skipOptions(w, { flags: [] }),
  stdbuf: w => skipOptions(w, { flags: [/^-[ioe].+$/, /^--(?:input|output|error)=/], withValue: ['-i', '-o', '-e', '--input', '--output', '--error'] }),
  time: w => skipOptions(w, { flags: [/^-p$/, /^-v$/, /^--verbose$/, /^--portability$/, /^-f.+/, /^--format=/], withValue: ['-f', '--format'] }),
  command: w => (w[1] === '-v' || w[1] === '-V' ? { kind: 'plain' } : skipOptions(w, { flags: [/^-p$/] })),
  builtin: w => skipOptions(w, { flags: [] }),
  busybox: w => skipOptions(w, { flags: [] }),
  env,
  git,
};

interface OptionSpec {
  flags: RegExp[];
  withValue?: string[];
  /** Operands that belong to the wrapper before the wrapped command starts. */
  operands?: number;
}

function skipOptions(w: Words, spec: OptionSpec): Step {
  let i = 1;
  for (; i < w.length; i++) {
    const a = w[i];
    if (a === undefined) return { kind: 'ask', reason: `has a ${w[0]} option that is only known when it runs`, scanFrom: i };
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (spec.withValue?.includes(a)) i++;
    else if (!spec.flags.some(f => f.test(a))) return { kind: 'ask', reason: `uses a ${w[0]} option these rules do not know (${a})`, scanFrom: i };
  }
  i += spec.operands ?? 0;
  if (i >= w.length) return { kind: 'plain' };
  return { kind: 'transparent', inner: w.slice(i) };
}

function env(w: Words): Step {
  const assignments: string[] = [];
  let i = 1;
  for (; i < w.length; i++) {
    const a = w[i];
    if (a === undefined) return { kind: 'ask', reason: 'has an env argument that is only known when it runs', scanFrom: i };
    if (a === '--') {
      i++;
      break;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) assignments.push(a.slice(0, a.indexOf('=')));
    else if (a === '-u' || a === '--unset') i++;
    else if (/^(?:-i|-|-0|-v|--ignore-environment|--null|--debug)$/.test(a) || /^-u.|^--unset=|^--(?:default|ignore|block)-signal/.test(a)) continue;
    else if (a.startsWith('-')) return { kind: 'ask', reason: `uses an env option these rules do not read (${a})`, scanFrom: i };
    else break;
  }
  const inner = w.slice(i);
  if (assignments.length > 0) {
    return { kind: 'ask', reason: `${assignments.map(assignmentReason).join(', ')} (env)`, ...(inner.length ? { inner } : {}) };
  }
  return inner.length ? { kind: 'transparent', inner } : { kind: 'plain' };
}

/** git's global options: `-C DIR` and output options are transparent; options that load code or config ask. */
function git(w: Words): Step {
  const rest: Words[number][] = [];
  let i = 1;
  for (; i < w.length; i++) {
    const a = w[i];
    if (a === undefined) return { kind: 'ask', reason: 'has a git option that is only known when it runs', scanFrom: i };
    if (!a.startsWith('-')) break;
    if (a === '-C') i++;
    else if (/^(?:--no-pager|-P|-p|--paginate|--no-replace-objects|--no-optional-locks|--literal-pathspecs|--glob-pathspecs|--noglob-pathspecs|--icase-pathspecs|--no-advice)$/.test(a)) continue;
    else if (/^(?:-c|--config-env|--exec-path|--git-dir|--work-tree|--namespace)/.test(a)) {
      return { kind: 'ask', reason: `changes which configuration or programs git uses (git ${a})`, inner: ['git', ...w.slice(nextAfterOption(w, i))] };
    } else return { kind: 'ask', reason: `uses a git option these rules do not know (${a})`, scanFrom: i };
  }
  if (i === 1) return { kind: 'plain' };
  rest.push('git', ...w.slice(i));
  return { kind: 'transparent', inner: rest };
}

/** Skips a git global option and its value, whether written `-c x=y`, `--git-dir=x` or `--git-dir x`. */
function nextAfterOption(w: Words, i: number): number {
  const a = w[i] as string;
  return a.includes('=') || a === '--exec-path' ? i + 1 : i + 2;
}
