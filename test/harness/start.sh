#!/usr/bin/env bash
# `npm start`: try Tack by hand against a local demo model server, offline.
#
# 1. `npm ci` when needed, build the extension and the test fixtures.
# 2. Start the demo OpenAI-compatible server (out/test/fixtures/serve.js; its `echo` model replies
#    with what you wrote, `error-401` etc. fail on purpose) as provider "demo",
#    label "Demo (local echo server)", on port $TACK_DEMO_PORT, else 8738 when free, else any free port.
# 3. a) A desktop `code` on PATH (or TACK_START_MODE=desktop): opens VS Code with Tack loaded from
#       source (--extensionDevelopmentPath) on the sample workspace, in a separate profile
#       (.cache/start/desktop-user-data) so your own settings are left alone.
#    b) Otherwise (or TACK_START_MODE=web): installs Node 24 + code-server once (.cache/tools),
#       packages tack.vsix, installs it into the profile .cache/start/ and serves VS Code at
#       http://127.0.0.1:$TACK_PORT (default 8737, or any free port when 8737 is taken).
#    Either way the profile's user settings get the demo provider, and `tack.model` = "demo/echo"
#    only if the profile has no `tack.model` yet (your choice from an earlier run is kept).
# 4. Stays in the foreground until Ctrl+C, which stops the demo server (and code-server).
#    In desktop mode VS Code keeps running after Ctrl+C, but the demo model stops answering.
# The workspace is a copy of test/sample-workspace in .cache/start/workspace (kept between runs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
. "$ROOT/test/harness/lib.sh"
S="$ROOT/.cache/start"
WS="$S/workspace"
mkdir -p "$S"

mode="${TACK_START_MODE:-}"
if [ -z "$mode" ]; then
  if command -v code >/dev/null 2>&1; then mode=desktop; else mode=web; fi
fi
case "$mode" in desktop|web) ;; *) echo "TACK_START_MODE must be 'desktop' or 'web'"; exit 2 ;; esac

ensure_npm_deps
echo "[start] building"
npm run --silent build
npm run --silent build:tests || [ -f "$ROOT/out/test/fixtures/serve.js" ] || {
  echo "[start] the demo server (out/test/fixtures/serve.js) did not build"; exit 1; }
[ -d "$WS" ] || cp -r "$ROOT/test/sample-workspace" "$WS"

cleanup() {
  trap - EXIT INT TERM
  stop_server
  stop_fake_server
}
trap cleanup EXIT
trap 'echo; echo "[start] stopping"; exit 0' INT TERM

demo_port="${TACK_DEMO_PORT:-}"
if [ -z "$demo_port" ]; then
  if port_is_free 8738; then demo_port=8738; else demo_port="$(free_port)"; fi
fi
start_fake_server "$S" "$demo_port"
echo "[start] demo model server: $FAKE_BASE_URL (models: $(curl -sf "$FAKE_BASE_URL/models" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).data.map(m=>m.id).join(", "))}catch{console.log("?")}})'))"

demo_settings="$(printf '{"tack.providers":{"demo":{"type":"openai-compatible","baseUrl":"%s","label":"Demo (local echo server)"}}}' "$FAKE_BASE_URL")"
configure_profile() {   # configure_profile DATA_DIR
  local f="$1/User/settings.json"
  merge_settings "$f" '{}' "$TACK_BASE_SETTINGS"
  merge_settings "$f" "$demo_settings" '{"tack.model":"demo/echo"}'
  echo "[start] user settings: $f (tack.model = $(node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))["tack.model"]))' "$f"))"
}

if [ "$mode" = desktop ]; then
  data="$S/desktop-user-data"
  configure_profile "$data"
  code --user-data-dir "$data" --new-window --extensionDevelopmentPath="$ROOT" "$WS"
  echo
  echo "Tack is running in desktop VS Code (loaded from source, profile $data)."
  echo "The demo model server keeps answering at $FAKE_BASE_URL until you press Ctrl+C here."
  while kill -0 "$FAKE_PID" 2>/dev/null; do sleep 1; done
  echo "[start] the demo server exited"; cat "$S/fake-openai.err"
  exit 1
fi

bash "$ROOT/test/harness/tools.sh" >/dev/null
use_node24
echo "[start] packaging tack.vsix"
npm run --silent package </dev/null >"$S/package.log" 2>&1 || { cat "$S/package.log"; exit 1; }
data="$S/data"
ext="$S/ext"
mkdir -p "$data" "$ext"
cs --user-data-dir "$data" --extensions-dir "$ext" --install-extension "$ROOT/tack.vsix" --force >"$S/install.log" 2>&1 \
  || { cat "$S/install.log"; exit 1; }
configure_profile "$data"

port="${TACK_PORT:-}"
if [ -n "$port" ]; then
  port_is_free "$port" || { echo "[start] port $port (TACK_PORT) is in use"; exit 1; }
elif port_is_free 8737; then
  port=8737
else
  port="$(free_port)"
fi
start_server "$port" "$data" "$ext" "$WS" "$S/server.log"
folder_q="$(node -e 'console.log(encodeURIComponent(process.argv[1]).replace(/%2F/g,"/"))' "$WS")"
echo
echo "Tack is running in VS Code at http://127.0.0.1:$port/?folder=$folder_q"
echo "(demo model server $FAKE_BASE_URL; code-server log $S/server.log; press Ctrl+C to stop)"
set +e
wait "$SERVER_PID"
rc=$?
set -e
echo "[start] code-server exited ($rc); see $S/server.log"
exit "$rc"
