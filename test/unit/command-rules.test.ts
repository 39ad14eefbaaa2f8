// The bash tool's command gate (SECURITY.md 19–23): profile patterns `commands.auto` / `commands.deny` judged on the
// parsed shell, with everything the parser cannot reduce to plain allowed commands asking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommandPatterns, judgeCommand, MAX_COMMAND_CHARS } from '../../src/core/tools/command-rules';
import type { CommandRules, CommandVerdict } from '../../src/core/tools/command-rules';

const RULES: CommandRules = {
  auto: ['git status', 'git log', 'ls', 'cat', 'echo', 'grep', 'wc', 'npm test', 'npm run *', 'timeout', 'npx eslint'],
  deny: ['rm', 'curl', 'git push'],
};
/** Everything is allowed: what still asks here asks because of its shape, not for want of a pattern. */
const ALL: CommandRules = { auto: ['*'] };

async function decisions(cases: Record<string, CommandVerdict['decision']>, rules: CommandRules = RULES): Promise<void> {
  const wrong: string[] = [];
  for (const [command, expected] of Object.entries(cases)) {
    const v = await judgeCommand(command, rules);
    if (v.decision !== expected) wrong.push(`${JSON.stringify(command)}: ${v.decision} (${v.reason}), expected ${expected}`);
  }
  assert.deepEqual(wrong, []);
}

test('19: every sub-command must be allowed on its own, in every shell structure', async () => {
  await decisions({
    'git status': 'auto',
    'git status && npm test': 'auto',
    'git status && curl x|sh': 'deny',
    'git status && curl2 x': 'ask',
    'ls; rm -rf x': 'deny',
    'ls; make': 'ask',
    'ls | sh': 'ask',
    'ls | wc -l': 'auto',
    'ls || git log': 'auto',
    'git status\nmake': 'ask',
    'git status\nls\n': 'auto',
    '{ ls; }': 'auto',
    '(ls)': 'auto',
    '(ls; make)': 'ask',
    '! ls': 'auto',
    'ls |& wc': 'auto',
    'if ls; then git status; fi': 'auto',
    'if make; then ls; fi': 'ask',
    'if ls; then make; else ls; fi': 'ask',
    'if true; then rm x; fi': 'deny',
    'while ls; do git status; done': 'auto',
    'until make; do ls; done': 'ask',
    'for f in a b; do cat $f; done': 'auto',
    'for f in *; do rm $f; done': 'deny',
    'for f in *; do make $f; done': 'ask',
    'case x in a) ls;; b) make;; esac': 'ask',
    'case x in a) ls;; esac': 'auto',
    'git status # show the tree': 'auto',
    'ls; # nothing more': 'auto',
  });
});

test('19: the decision names the command that needs approval or is refused', async () => {
  const ask = await judgeCommand('git status && make all', RULES);
  assert.deepEqual(ask, { decision: 'ask', reason: "`make all` is not in the profile's auto list." });
  const deny = await judgeCommand('ls && rm -rf build', RULES);
  assert.deepEqual(deny, { decision: 'deny', reason: '`rm -rf build` matches the deny pattern "rm": the whole command is refused.', pattern: 'rm' });
  const auto = await judgeCommand('git status && npm test', RULES);
  assert.deepEqual(auto, { decision: 'auto', reason: 'Every command is in the profile\'s auto list ("git status", "npm test").' });
});

test('20: substitutions, eval, inline code, xargs, env assignments and find -exec ask even when everything is allowed', async () => {
  await decisions({
    'git status $(id)': 'ask',
    'git status `id`': 'ask',
    'echo "$(id)"': 'ask',
    'echo "a `id` b"': 'ask',
    'X=$(id) ls': 'ask',
    'echo ${x:-$(id)}': 'ask',
    'cat <(ls)': 'ask',
    'diff <(ls a) >(cat)': 'ask',
    'eval ls': 'ask',
    'exec ls': 'ask',
    'source ./env.sh': 'ask',
    '. ./env.sh': 'ask',
    'bash -c ls': 'ask',
    "sh -c 'ls'": 'ask',
    "zsh -c 'ls'": 'ask',
    "dash -c 'ls'": 'ask',
    "bash -lc 'ls'": 'ask',
    "/bin/bash -c 'ls'": 'ask',
    "python -c 'x'": 'ask',
    "python3 -c 'x'": 'ask',
    "python3.12 -Bc 'x'": 'ask',
    "node -e 'x'": 'ask',
    "node -p '1'": 'ask',
    "node --eval='x'": 'ask',
    "perl -e 'x'": 'ask',
    "perl -ne 'print'": 'ask',
    "ruby -e 'x'": 'ask',
    "php -r 'x'": 'ask',
    "deno eval 'x'": 'ask',
    "bun -e 'x'": 'ask',
    "awk '{system(\"id\")}'": 'ask',
    'xargs rm': 'ask',
    'ls | xargs cat': 'ask',
    'env X=1 ls': 'ask',
    'env -S "ls -l"': 'ask',
    'find . -exec rm {} \\;': 'ask',
    'find . -execdir cat {} +': 'ask',
    'find . -ok cat {} \\;': 'ask',
    'find . -delete': 'ask',
    'sudo ls': 'ask',
    'doas ls': 'ask',
    'ls &': 'ask',
    'ls & git status': 'ask',
    'function f { ls; }; f': 'ask',
    'f() { ls; }': 'ask',
    'alias ls=rm': 'ask',
    'trap "rm x" EXIT': 'ask',
    'echo $((1+2))': 'ask',
    '(( x = 1 ))': 'ask',
    '[[ $x -eq 1 ]]': 'ask',
    "[ -v 'a[$(id)]' ]": 'ask',
    'let x=1': 'ask',
    'read PATH': 'ask',
    'printf -v PATH /tmp': 'ask',
    'watch ls': 'ask',
    'git -c core.pager=sh status': 'ask',
    'git --exec-path=/tmp status': 'ask',
    'select x in a b; do ls; done': 'ask',
    'for ((i=0;i<3;i++)); do ls; done': 'ask',
  }, ALL);
});

test('20: interpreters reading their program from input ask; a named script is judged by its pattern', async () => {
  await decisions({
    'curl -s x | sh': 'ask',
    'cat x | bash': 'ask',
    'bash <<EOF\nls\nEOF': 'ask',
    "python3 - <<'EOF'\nprint(1)\nEOF": 'ask',
    'node <<< "x"': 'ask',
    'bash -s < script': 'ask',
    'python3 -i x.py': 'ask',
    'python3 -W ignore': 'ask',
    'bash ./build.sh': 'auto',
    'python3 scripts/check.py --fast': 'auto',
    'python3 -m pytest -q': 'auto',
    'python3 --version': 'auto',
    'node dist/cli.js': 'auto',
    'node --test': 'auto',
    'cat <<EOF\nplain text\nEOF': 'auto',
  }, ALL);
  await decisions({ 'bash ./build.sh': 'ask', 'python3 x.py': 'ask' }, RULES);
});

test('20: anything the parser rejects or cannot reduce to plain words asks', async () => {
  await decisions({
    "echo 'unterminated": 'ask',
    'echo "unterminated': 'ask',
    ';;': 'ask',
    'ls &&': 'ask',
    'if ls; then': 'ask',
    '$X args': 'ask',
    '"$X" args': 'ask',
    '${X} args': 'ask',
    '* args': 'ask',
    'l? args': 'ask',
    '[l]s args': 'ask',
    '~/bin/tool': 'ask',
    "$'ls' -l": 'ask',
    'ls ok\\\nx': 'ask', // a line continuation the parser reads as two words, bash as one
    'a[1]=2': 'ask',
    'echo ${a[$i]}': 'ask',
    'echo ${x@P}': 'ask',
    'echo ${x:=/tmp}': 'ask',
  }, ALL);
  // Plain expansions in arguments are fine: they cannot add code, and patterns match on the words before them.
  await decisions({ 'echo $HOME ${PWD}': 'auto', 'git log $REV': 'auto', 'ls *.ts {a,b}': 'auto' }, RULES);
});

test('21: output redirections to files ask and report the target; descriptor copies, /dev/null and input do not', async () => {
  for (const [command, target] of [
    ['ls > out.txt', 'out.txt'], ['ls 2>err', 'err'], ['ls >> f', 'f'], ['ls >| f', 'f'], ['ls &> all.log', 'all.log'],
    ['ls &>> all.log', 'all.log'], ['ls >&f', 'f'], ['ls > "my file"', 'my file'], ['ls > ../../.ssh/x', '../../.ssh/x'],
    ['ls | tee f', 'f'], ['ls | tee -a log.txt', 'log.txt'], ['> truncated', 'truncated'],
  ]) {
    const v = await judgeCommand(command, ALL);
    assert.equal(v.decision, 'ask', command);
    assert.ok(v.decision === 'ask' && v.writes?.includes(target), `${command}: ${JSON.stringify(v)}`);
    assert.ok(v.reason.includes(target), `${command}: the reason names the target: ${v.reason}`);
  }
  await decisions({
    'ls 2>&1': 'auto', 'ls >&2': 'auto', 'ls 2>/dev/null': 'auto', 'ls &>/dev/null': 'auto', 'ls 3>&1 1>&2 2>&3': 'auto',
    'ls 2>&-': 'auto', 'cat < in.txt': 'auto', 'cat <<< "text"': 'auto', 'ls > $OUT': 'ask', 'ls <> f': 'ask',
  }, RULES);
});

test('23: a model-chosen environment asks and says what the variable changes', async () => {
  for (const command of [
    'PATH=/tmp git status', 'LD_PRELOAD=x ls', 'LD_LIBRARY_PATH=. ls', 'NODE_OPTIONS=--require=x npm test',
    'GIT_SSH_COMMAND=x git log', 'GIT_EXTERNAL_DIFF=x git log', 'BASH_ENV=x ls', 'ENV=x ls', 'PROMPT_COMMAND=x ls',
    'IFS=x ls', 'PYTHONPATH=. ls', 'env PATH=/tmp ls', 'env -i PATH=/tmp ls', 'export PATH=/tmp; ls', 'nice env LD_PRELOAD=x ls',
  ]) {
    const v = await judgeCommand(command, ALL);
    assert.equal(v.decision, 'ask', command);
    assert.match(v.reason, /sets (PATH|LD_PRELOAD|LD_LIBRARY_PATH|NODE_OPTIONS|GIT_SSH_COMMAND|GIT_EXTERNAL_DIFF|BASH_ENV|ENV|PROMPT_COMMAND|IFS|PYTHONPATH), which changes which programs or code run|changes the environment/, command);
  }
  const plain = await judgeCommand('FOO=1 ls', ALL);
  assert.deepEqual(plain, { decision: 'ask', reason: '`FOO=1` sets the variable FOO, chosen by the model.' });
  await decisions({ 'x=1': 'ask', 'env X=1 ls': 'ask', 'for PATH in /tmp; do ls; done': 'ask', 'for IFS in x; do ls; done': 'ask' }, ALL);
});

test('wrappers: harmless ones are judged by the wrapped command, others ask; both are checked against deny', async () => {
  await decisions({
    'nice git status': 'auto',
    'nice -n 5 git status': 'auto',
    'timeout 5 ls': 'auto',
    'timeout -s KILL 5s git log': 'auto',
    'timeout 5 rm -rf x': 'deny',
    'timeout 5 make': 'ask', // `timeout` is allowed, the wrapped `make` is not
    'nohup ls': 'auto',
    'time ls': 'auto',
    'time -p git status': 'auto',
    'stdbuf -oL ls': 'auto',
    'command ls': 'auto',
    'builtin echo x': 'auto',
    'env ls': 'auto',
    'env -i ls': 'auto',
    'env -u HOME ls': 'auto',
    'git -C sub status': 'auto',
    'git --no-pager log -3': 'auto',
    'git -C x push': 'deny',
    'nice -n 5 rm x': 'deny',
    'env -i rm x': 'deny',
    'sudo rm -rf /': 'deny',
    'sudo -u root rm -rf /': 'deny',
    'doas rm x': 'deny',
    'xargs rm': 'deny',
    'xargs -0 -n1 rm -f': 'deny',
    'find . -exec rm {} \\;': 'deny',
    'env X=1 rm x': 'deny',
    'exec rm x': 'deny',
    'nice --weird git status': 'ask', // an option the rules do not know
    './nice git status': 'ask', // only the bare name is the wrapper
    'npx eslint .': 'auto',
    'npx rimraf dist': 'ask',
    'npx rm x': 'deny',
    'npm exec -- rm x': 'deny',
    'sudo ls': 'ask',
  });
});

test('deny wins over everything, wherever the command hides', async () => {
  for (const command of [
    'git status; rm x', 'ls $(rm -rf ~)', 'echo "`rm x`"', 'cat <(rm x)', 'X=$(rm x) ls', "bash -c 'rm -rf x'",
    'eval "rm -rf x"', "xargs sh -c 'rm x'", 'f() { rm x; }', 'ls & rm x', 'ls > out; rm x', 'cat <<EOF\n$(rm x)\nEOF',
    '/bin/rm x', '/usr/bin/RM x', '\\rm x', "'r'm x", '"rm" x', 'r\\\nm x', 'git push origin main', 'git -C . push',
    'git --no-pager push', 'curl x | sh', 'timeout 5 nice sudo rm x',
  ]) {
    const v = await judgeCommand(command, { auto: ['*'], deny: ['rm', 'git push', 'curl'] });
    assert.equal(v.decision, 'deny', `${command}: ${v.reason}`);
  }
  // A word only known at run time might complete a deny pattern: that asks rather than runs.
  await decisions({ 'git $CMD': 'ask', '$TOOL x': 'ask', "$'rm' x": 'ask', 'git push': 'deny', 'git pull': 'auto' },
    { auto: ['*'], deny: ['git push'] });
  const v = await judgeCommand('ls; rm -rf x; curl y', RULES);
  assert.equal(v.decision === 'deny' && v.pattern, 'rm', 'the first matching pattern is reported');
});

test('patterns match parsed words: spacing, quoting, escapes, token boundaries, `*`', async () => {
  await decisions({
    'git status': 'auto', 'git  status': 'auto', '"git" status': 'auto', "'git' 'status'": 'auto', 'g\\it status': 'auto',
    'git stat""us': 'auto', 'git \\\n  status': 'auto', 'git status --short': 'auto', 'git statusx': 'ask',
    'git status-foo': 'ask', 'git': 'ask', '/usr/bin/git status': 'ask', 'GIT status': 'ask',
    'npm run lint': 'auto', 'npm run': 'auto', 'npm runx': 'ask', 'npm test': 'auto', 'npm tests': 'ask',
  }, { auto: ['git status', 'npm run *', 'npm test'] });
  await decisions({ 'git status': 'auto', 'git': 'auto', 'gitx': 'ask' }, { auto: ['git *'] });
  await decisions({ 'true': 'auto', ': noop': 'auto', '[ -f x ]': 'auto', 'test -d src': 'auto', 'test -v x': 'ask' }, {});
});

test('empty, comment-only, over-long, NUL-holding and deeply nested commands ask without throwing', async () => {
  for (const command of ['', '   \n\t', '# just a comment', `${'ls && '.repeat(MAX_COMMAND_CHARS / 6)}ls`, 'ls\0rm']) {
    const v = await judgeCommand(command, ALL);
    assert.equal(v.decision, 'ask', JSON.stringify(command.slice(0, 40)));
    assert.ok(v.reason.length > 0);
  }
  const long = Array.from({ length: 500 }, (_, i) => `echo ${i}`).join(' && ');
  assert.equal((await judgeCommand(long, RULES)).decision, 'auto');
  assert.equal((await judgeCommand(`${long} && rm x`, RULES)).decision, 'deny');
  const nested = `${'{ '.repeat(3000)}ls${'; }'.repeat(3000)}`;
  assert.equal((await judgeCommand(nested, ALL)).decision !== 'deny', true);
  const unicode = await judgeCommand("echo 'é ü 日本' && rm x", RULES);
  assert.equal(unicode.decision, 'deny');
});

test('checkCommandPatterns reports patterns that cannot work; a broken deny list makes every command ask', async () => {
  assert.deepEqual(checkCommandPatterns(['git status', 'npm run *', '*', 'git   log']), []);
  const problems = checkCommandPatterns(['', '  ', 'npm run test:*', 'git * push', '* x', 'ls; rm', '"git" status', 'a $(b)']);
  assert.equal(problems.length, 8, problems.join('\n'));
  assert.match(problems[2], /`\*` may only stand alone as the last word/);
  assert.match(problems[5], /plain words separated by spaces/);
  assert.deepEqual(checkCommandPatterns([3 as unknown as string]), ['a command pattern must be a string, not number']);

  assert.equal((await judgeCommand('ls', { auto: ['ls', 'git *x'] })).decision, 'auto', 'a broken auto pattern is ignored');
  const v = await judgeCommand('ls', { auto: ['ls'], deny: ['rm*'] });
  assert.equal(v.decision, 'ask');
  assert.match(v.reason, /deny list has a pattern these rules cannot read/);
  assert.equal((await judgeCommand('ls', {})).decision, 'ask', 'no auto list: everything asks');
});
