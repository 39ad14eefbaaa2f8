/**
 * Reduces a parsed bash script to what the command rules judge: every simple command (wherever it sits — lists,
 * pipelines, subshells, groups, conditions and bodies of if/while/for/case, function bodies, command and process
 * substitutions, here-document pipelines) with its words, and every construct that asks by itself (substitutions,
 * assignments, output redirections, background jobs, functions, arithmetic, unparseable input, …).
 *
 * Fail closed: a node type this walk does not know is a hazard, so a grammar update cannot silently widen what runs
 * without asking.
 */
import type { Node } from '@vscode/tree-sitter-wasm';
import { wordValue } from './words';

export type Words = readonly (string | undefined)[];

export interface SimpleCommand {
  /** The words the program receives (name first); undefined where only run time knows the value. */
  words: Words;
  /** The command as written, for messages. */
  text: string;
}

export interface Hazard {
  /** Why this asks, as a sentence fragment starting with the construct, e.g. "`ls > out.txt` writes to out.txt". */
  reason: string;
  /** A file an output redirection writes to (as written), so the caller can run it through the path rules. */
  writes?: string;
}

export interface ScriptShape {
  commands: SimpleCommand[];
  hazards: Hazard[];
}

/** Node types that only give the script its shape; their children are walked, they ask nothing themselves. */
const STRUCTURE = new Set([
  'program', 'list', 'pipeline', 'redirected_statement', 'subshell', 'compound_statement', 'if_statement',
  'elif_clause', 'else_clause', 'while_statement', 'do_group', 'case_statement', 'case_item', 'negated_command',
  'comment', 'heredoc_redirect', 'heredoc_start', 'heredoc_body', 'heredoc_content', 'heredoc_end',
  'herestring_redirect', 'file_descriptor', 'command_name', 'word', 'string', 'string_content', 'raw_string',
  'ansi_c_string', 'translated_string', 'concatenation', 'number', 'simple_expansion', 'variable_name',
  'special_variable_name', 'extglob_pattern', 'brace_expression',
  // Expression parts: they only occur inside `[ … ]` (checked below), `[[ … ]]`, `(( … ))` and `$(( … ))`, which ask.
  'unary_expression', 'binary_expression', 'ternary_expression', 'postfix_expression', 'parenthesized_expression',
  'test_operator', 'regex',
]);

/** `${name}`, `${#name}`, `${1}`, `${@}`: expansions that only read a value. Every other form can assign or evaluate. */
const PLAIN_EXPANSION = /^\$\{#?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])\}$/;

/** Redirection targets that are not files in the workspace. */
const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

export function describeScript(root: Node, source: string): ScriptShape {
  const shape: ScriptShape = { commands: [], hazards: [] };
  let parseErrorSeen = false;
  const hazard = (node: Node, what: string, writes?: string) =>
    shape.hazards.push({ reason: `${quote(node.text)} ${what}`, ...(writes !== undefined ? { writes } : {}) });

  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      if (!parseErrorSeen) {
        parseErrorSeen = true;
        shape.hazards.push({ reason: `the command is not valid shell syntax (near ${quote(node.text || source.slice(node.startIndex, node.startIndex + 20))})` });
      }
    } else if (!node.isNamed) {
      if (node.type === '&') hazard(node.previousSibling ?? node, 'runs in the background');
      else if (node.type === 'select') hazard(node.parent ?? node, 'reads its choices from the input');
    } else if (node.type === 'command') {
      const read = simpleCommands(node, source);
      shape.commands.push(...read.commands);
      if (read.ambiguous) hazard(node, 'has words that bash may join differently than these rules read them');
    } else if (node.type === 'command_substitution') {
      hazard(node, 'runs a command substitution, whose output becomes part of the command');
    } else if (node.type === 'process_substitution') {
      hazard(node, 'runs a process substitution');
    } else if (node.type === 'arithmetic_expansion' || node.type === 'c_style_for_statement') {
      hazard(node, 'uses arithmetic evaluation, which can run commands through array subscripts');
    } else if (node.type === 'test_command') {
      // `[ … ]` is the side-effect-free test builtin; `[[ … ]]` and `(( … ))` evaluate arithmetic in their operands.
      // Even `[ -v 'a[$(cmd)]' ]` evaluates a subscript.
      if (node.child(0)?.type !== '[') hazard(node, 'uses a conditional or arithmetic expression, which can run commands through array subscripts');
      else if (node.descendantsOfType('test_operator').some(op => op && /^-[vR]$/.test(op.text))) hazard(node, 'tests a variable by name, which can run commands through array subscripts');
      else shape.commands.push({ words: ['['], text: node.text }); // judged like the `[` builtin it is
    } else if (node.type === 'variable_assignment') {
      hazard(node, assignmentReason(node.childForFieldName('name')?.text ?? node.text));
    } else if (node.type === 'declaration_command' || node.type === 'unset_command') {
      // With an assignment inside, that assignment's own reason (naming the variable) says more.
      if (!node.namedChildren.some(c => c?.type === 'variable_assignment')) hazard(node, 'changes shell variables');
    } else if (node.type === 'function_definition') {
      hazard(node, 'defines a shell function');
    } else if (node.type === 'for_statement') {
      const name = node.childForFieldName('variable')?.text ?? '';
      if (!/^[a-z_][a-z0-9_]*$/.test(name) || DANGEROUS_VARIABLES.has(name.toUpperCase())) {
        hazard(node, `assigns the loop variable ${name || '(unnamed)'}`);
      }
    } else if (node.type === 'expansion') {
      if (!PLAIN_EXPANSION.test(node.text)) hazard(node, 'uses a parameter expansion that can assign variables or evaluate code');
    } else if (node.type === 'file_redirect') {
      fileRedirect(node, hazard);
    } else if (!STRUCTURE.has(node.type)) {
      hazard(node, `uses a shell construct (${node.type}) these rules do not check`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return shape;
}

/**
 * The simple command(s) a `command` node stands for. The parser may split what bash reads as one word (a line
 * continuation between two words, `$"…"`): when two words touch, the reading is ambiguous (the caller asks) and
 * both readings are returned so deny patterns see either.
 */
function simpleCommands(node: Node, source: string): { commands: SimpleCommand[]; ambiguous: boolean } {
  const wordNodes: Node[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const field = node.fieldNameForChild(i);
    const child = node.child(i);
    if (child && (field === 'name' || field === 'argument')) wordNodes.push(child);
  }
  if (wordNodes.length === 0) return { commands: [], ambiguous: false };
  const text = node.text;
  const words = wordNodes.map(wordValue);
  const joined: (string | undefined)[] = [words[0]];
  let touching = false;
  for (let i = 1; i < wordNodes.length; i++) {
    const gap = source.slice(wordNodes[i - 1].endIndex, wordNodes[i].startIndex).replace(/\\\n/g, '');
    if (gap === '') {
      touching = true;
      const prev = joined[joined.length - 1];
      joined[joined.length - 1] = prev !== undefined && words[i] !== undefined ? prev + words[i] : undefined;
    } else {
      joined.push(words[i]);
    }
  }
  return touching ? { commands: [{ words, text }, { words: joined, text }], ambiguous: true } : { commands: [{ words, text }], ambiguous: false };
}

type HazardSink = (node: Node, what: string, writes?: string) => void;

function fileRedirect(node: Node, hazard: HazardSink): void {
  const op = node.children.find(c => c && !c.isNamed && /^[<>&]/.test(c.type))?.type ?? '';
  const targets = node.childrenForFieldName('destination').filter((d): d is Node => d !== null);
  if (targets.length > 1) return hazard(node, 'has a redirection these rules cannot read');
  const targetNode = targets[0];
  const target = targetNode ? wordValue(targetNode) : undefined;
  const shown = target ?? targetNode?.text ?? '';
  if (op === '<') return; // reading a file is no more than naming it as an argument
  if (op === '>&-' || op === '<&-') return; // closes a descriptor
  if ((op === '>&' || op === '<&') && target !== undefined && /^(?:[0-9]+-?|-)$/.test(target)) return; // 2>&1
  if (op === '<&') return hazard(node, 'has a redirection these rules cannot read');
  if (['>', '>>', '>|', '&>', '&>>', '>&'].includes(op)) {
    if (target !== undefined && HARMLESS_TARGETS.has(target)) return;
    return hazard(node, `writes to ${shown || 'a file'}`, shown);
  }
  hazard(node, 'has a redirection these rules cannot read');
}

/** Variables that change which code runs: named in messages so the person sees what the assignment is about. */
export const DANGEROUS_VARIABLES = new Set([
  'PATH', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'DYLD_LIBRARY_PATH', 'NODE_OPTIONS',
  'NODE_PATH', 'GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'GIT_EDITOR', 'GIT_ASKPASS',
  'GIT_EXEC_PATH', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM', 'GIT_CONFIG_COUNT',
  'GIT_CONFIG_PARAMETERS', 'GIT_PROXY_COMMAND', 'SSH_ASKPASS', 'PAGER', 'EDITOR', 'VISUAL', 'BASH_ENV', 'ENV',
  'PROMPT_COMMAND', 'PS4', 'IFS', 'SHELLOPTS', 'BASHOPTS', 'CDPATH', 'GLOBIGNORE', 'HOME', 'PYTHONPATH',
  'PYTHONSTARTUP', 'PYTHONHOME', 'PERL5LIB', 'PERL5OPT', 'PERLLIB', 'RUBYLIB', 'RUBYOPT', 'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS', 'CLASSPATH', 'npm_config_script_shell', 'NPM_CONFIG_SCRIPT_SHELL', 'SHELL', 'TMPDIR',
].map(v => v.toUpperCase()));

/** Why an assignment asks; named variables say what they change. */
export function assignmentReason(name: string): string {
  const base = name.replace(/\[.*$/, '');
  return DANGEROUS_VARIABLES.has(base.toUpperCase())
    ? `sets ${base}, which changes which programs or code run`
    : `sets the variable ${base}, chosen by the model`;
}

/** A snippet of the command for messages: one line, at most 80 characters, in backticks. */
export function quote(text: string): string {
  const one = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  const short = one.length > 80 ? one.slice(0, 79) + '…' : one;
  return one.includes('`') ? `"${short}"` : '`' + short + '`';
}
