#!/usr/bin/env bash
# Stands in for the desktop VS Code executable in @vscode/test-electron's
# runTests({ vscodeExecutablePath }) (this machine cannot download VS Code/Electron).
# It accepts test-electron's command line
#   --extensionDevelopmentPath=P (repeatable)  --extensionTestsPath=P  --user-data-dir=D
#   --extensions-dir=D  [FOLDER]  plus Electron-only flags, which are ignored,
# starts a private code-server with the smoke-test driver enabled, runs the tests through
# Chromium (integration.mjs) and exits with the extension host's exit code
# (0 passed, 1 failed, 2 harness error, 3 timeout).
# The environment (e.g. TACK_TEST_RESULTS) reaches the extension host through code-server.
# Extra user settings: TACK_USER_SETTINGS='{"key": value}' (merged into the fresh profile).
# Knobs: TACK_TEST_TIMEOUT (seconds, default 240), TACK_TEST_PORT, TACK_VERBOSE=1, TACK_SHOT=file.png.
set -uo pipefail
HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
. "$HERE/lib.sh"
use_node24

dev=(); tests=""; udd=""; extdir=""; folder=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version|-v) echo "1.139.1"; exit 0 ;;
    --extensionDevelopmentPath=*) dev+=("${1#*=}") ;;
    --extensionDevelopmentPath) dev+=("$2"); shift ;;
    --extensionTestsPath=*) tests="${1#*=}" ;;
    --extensionTestsPath) tests="$2"; shift ;;
    --user-data-dir=*) udd="${1#*=}" ;;
    --user-data-dir) udd="$2"; shift ;;
    --extensions-dir=*) extdir="${1#*=}" ;;
    --extensions-dir) extdir="$2"; shift ;;
    --*) ;;   # --no-sandbox --disable-gpu-sandbox --disable-updates --skip-welcome --disable-workspace-trust ...
    *) folder="$(readlink -f "$1")" ;;
  esac
  shift
done
[ -n "$tests" ] || { echo "code-shim: only extension test runs (--extensionTestsPath) are supported" >&2; exit 2; }
[ -f "$CS_ENTRY" ] || { echo "code-shim: code-server is not installed; run: bash test/harness/tools.sh" >&2; exit 2; }

if [ -z "$udd" ]; then udd="$(mktemp -d "${TMPDIR:-/tmp}/tack-shim.XXXXXX")/user-data"; fi
extdir="${extdir:-$(dirname "$udd")/extensions}"
state="$(dirname "$udd")"
mkdir -p "$udd" "$extdir"
write_settings "$udd" || exit 2

port="${TACK_TEST_PORT:-$(free_port)}"
trap stop_server EXIT
trap 'exit 130' INT TERM

timed "code-server start" start_server "$port" "$udd" "$extdir" "$folder" "$state/server.log" \
  --vscode-option enable-smoke-test-driver || exit 2

devargs=()
for d in "${dev[@]}"; do devargs+=(--dev "$d"); done
rc=0
timed "extension tests" node "$HERE/integration.mjs" --port "$port" "${devargs[@]}" --tests "$tests" \
  ${folder:+--folder "$folder"} --timeout "${TACK_TEST_TIMEOUT:-240}" \
  ${TACK_SHOT:+--shot "$TACK_SHOT"} ${TACK_VERBOSE:+--verbose} || rc=$?
exit $rc
