/**
 * Command patterns of a profile's `commands.auto` / `commands.deny`.
 *
 * A pattern is a list of plain words separated by spaces, matched as a prefix of a command's words after the shell
 * has removed quotes: `git status` matches `git status`, `git  status`, `"git" status` and `git status --short`, but
 * not `git status-foo` nor `git statusx`. A trailing `*` (a whole word, only in last place) spells out "and any
 * further words, or none", so `git status *` and `git status` are the same pattern and `git *` matches every git
 * command; `*` alone matches every command. Patterns hold no quoting or shell syntax.
 *
 * Auto patterns compare words exactly (`/usr/bin/git` is not `git`). Deny patterns are read more widely, because a
 * missed deny is worse than a spurious one: the command name also matches by its last path segment and regardless
 * of case (`/bin/RM` is `rm`), and a word whose value only run time knows (`$X`, `*.ts`) may be anything, which makes
 * the deny a "maybe" (the command then asks).
 */
import type { Words } from './script-walk';

export interface CommandPattern {
  /** The pattern as written in the profile. */
  text: string;
  /** Its words, without a trailing `*`. */
  words: string[];
}

const FORBIDDEN_CHARS = /['"\\`$;&|<>(){}\n\r\0]/;

/** Parses one pattern; a string says what is wrong with it. */
export function parsePattern(raw: unknown): CommandPattern | string {
  if (typeof raw !== 'string') return `a command pattern must be a string, not ${raw === null ? 'null' : typeof raw}`;
  const words = raw.trim().split(/\s+/).filter(w => w !== '');
  if (words.length === 0) return 'a command pattern must not be empty';
  if (FORBIDDEN_CHARS.test(raw)) {
    return `"${raw}": a command pattern is plain words separated by spaces, without quotes, escapes or shell operators`;
  }
  const star = words.findIndex(w => w.includes('*'));
  if (star >= 0 && (star !== words.length - 1 || words[star] !== '*')) {
    return `"${raw}": \`*\` may only stand alone as the last word (as in "npm run *")`;
  }
  return { text: raw.trim(), words: words[words.length - 1] === '*' ? words.slice(0, -1) : words };
}

/** Problems with a list of patterns, for profile diagnostics; empty when all are valid. */
export function checkCommandPatterns(patterns: readonly string[]): string[] {
  if (!Array.isArray(patterns)) return ['command patterns must be a list of strings'];
  return patterns.map(parsePattern).filter((p): p is string => typeof p === 'string');
}

export type Match = 'yes' | 'maybe' | 'no';

/** Whether the command words start with the pattern's words (exactly: for auto patterns). */
export function matchesAuto(words: Words, pattern: CommandPattern): boolean {
  if (words.length < pattern.words.length) return false;
  return pattern.words.every((w, i) => words[i] === w);
}

/** Whether the command words could start with the pattern's words (widely: for deny patterns). */
export function matchesDeny(words: Words, pattern: CommandPattern): Match {
  if (words.length < pattern.words.length) return 'no';
  let unknown = false;
  for (let i = 0; i < pattern.words.length; i++) {
    const word = words[i];
    if (word === undefined) {
      unknown = true;
      continue;
    }
    const same = i === 0 ? sameCommandName(word, pattern.words[0]) : word === pattern.words[i];
    if (!same) return 'no';
  }
  return unknown ? 'maybe' : 'yes';
}

function sameCommandName(word: string, pattern: string): boolean {
  const a = word.toLowerCase();
  const b = pattern.toLowerCase();
  if (a === b) return true;
  return !b.includes('/') && a.slice(a.lastIndexOf('/') + 1) === b;
}
