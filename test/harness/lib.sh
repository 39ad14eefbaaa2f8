# shellcheck shell=bash
# Shared helpers for Tack's VS Code test harness (integration, e2e, npm start). Source me:
#   . "$ROOT/test/harness/lib.sh"
# Provides ROOT, RUN_DIR, TOOLS, NODE24_BIN, CS_ENTRY, CHROMIUM (from tools.sh) and:
#   use_node24                  put Node 24 first on PATH (code-server needs it)
#   timed LABEL CMD...          run CMD, print "[time] LABEL: 1.23s (rc=N)"
#   free_port / port_is_free P  pick an unused TCP port on 127.0.0.1
#   ensure_npm_deps             `npm ci` when node_modules is missing or package-lock.json changed
#   write_settings DATA [JSON...]   fresh quiet, pre-trusted user settings (+ extra JSON objects, + $TACK_USER_SETTINGS)
#   merge_settings FILE OVERRIDES [DEFAULTS]   merge into an existing settings.json (DEFAULTS only fill missing keys)
#   cs ARGS...                  the code-server CLI (e.g. --install-extension)
#   start_server PORT DATA EXTDIR FOLDER LOG [extra code-server args]   sets SERVER_PGID, waits for /healthz
#   stop_server                 TERM, then KILL, code-server's whole process group
#   start_fake_server DIR [PORT] / stop_fake_server   the fake OpenAI-compatible server
#                               (out/test/fixtures/serve.js, or $TACK_FAKE_SERVER); sets FAKE_BASE_URL
#   TACK_BASE_SETTINGS          the quiet settings JSON that write_settings starts from
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="${TACK_RUN_DIR:-$ROOT/.cache/run}"   # TACK_RUN_DIR lets two runs share a checkout
export TACK_RUN_DIR="$RUN_DIR"

# tools.sh turns on `set -euo pipefail`; keep the caller's shell options as they were.
_tack_opts="$(set +o)"
# shellcheck source=test/harness/tools.sh
. "$ROOT/test/harness/tools.sh"
eval "$_tack_opts"
unset _tack_opts

use_node24() {
  case ":$PATH:" in *":$NODE24_BIN:"*) ;; *) export PATH="$NODE24_BIN:$PATH" ;; esac
}

now() { date +%s.%N; }
# elapsed START -> seconds since START (from `now`), 2 decimals
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

timed() {
  local label="$1"; shift
  local s rc=0; s=$(now)
  "$@" || rc=$?
  echo "[time] $label: $(elapsed "$s")s (rc=$rc)"
  return $rc
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port_is_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"
}

ensure_npm_deps() {
  local stamp="$ROOT/.cache/npm-ci.stamp" want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -d "$ROOT/node_modules" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "[deps] node_modules up to date with package-lock.json"
    return 0
  fi
  echo "[deps] npm ci (node_modules missing or package-lock.json changed)"
  (cd "$ROOT" && npm ci --no-fund --no-audit --loglevel=error) || return 1
  mkdir -p "$ROOT/.cache" && echo "$want" > "$stamp"
}

# The settings every harness profile gets: no trust prompt, no welcome page, no built-in AI chat
# panel, no update/gallery/telemetry traffic (the machine is offline).
TACK_BASE_SETTINGS='{
  "security.workspace.trust.enabled": false,
  "security.workspace.trust.startupPrompt": "never",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.openRepositoryInParentFolders": "never",
  "update.mode": "none",
  "telemetry.telemetryLevel": "off"
}'

# write_settings DATA [JSON...] : DATA/User/settings.json = base settings + each JSON object + $TACK_USER_SETTINGS
write_settings() {
  local data="$1"; shift
  mkdir -p "$data/User"
  rm -f "$data/User/settings.json"
  node "$ROOT/test/harness/settings.cjs" "$data/User/settings.json" "$TACK_BASE_SETTINGS" "$@" ${TACK_USER_SETTINGS:+"$TACK_USER_SETTINGS"}
}

# merge_settings FILE OVERRIDES_JSON [DEFAULTS_JSON] : keeps whatever else FILE holds
merge_settings() {
  local defaults="${3:-}"
  [ -n "$defaults" ] || defaults='{}'
  node "$ROOT/test/harness/settings.cjs" --defaults "$defaults" "$1" "$2"
}

cs() { node "$CS_ENTRY" "$@"; }

start_server() {
  local port="$1" data="$2" extdir="$3" folder="$4" log="$5"; shift 5
  local state; state="$(dirname "$data")"
  mkdir -p "$data" "$extdir"
  kill_stale_server "$state"
  : > "$state/config.yaml"   # private, empty config: never read or write ~/.config/code-server
  setsid node "$CS_ENTRY" --config "$state/config.yaml" --auth none --bind-addr "127.0.0.1:$port" \
    --user-data-dir "$data" --extensions-dir "$extdir" --disable-telemetry --disable-update-check \
    ${CS_TRUST_ARGS---disable-workspace-trust} --ignore-last-opened "$@" ${folder:+"$folder"} >"$log" 2>&1 &
  local pid=$!
  SERVER_PID=$pid
  SERVER_PGID="$(ps -o pgid= "$pid" | tr -d ' ')"
  echo "$SERVER_PGID" > "$state/server.pgid"
  local i
  for i in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "code-server exited during startup; log $log:"; tail -n 40 "$log"; return 1; }
    sleep 0.1
  done
  echo "code-server did not answer /healthz on port $port within 60 s; log $log:"; tail -n 40 "$log"
  return 1
}

stop_server() {
  [ -n "${SERVER_PGID:-}" ] || return 0
  _stop_group "$SERVER_PGID"
  SERVER_PGID=
}

_stop_group() {
  local g="$1" i
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for i in $(seq 1 50); do pgrep -g "$g" >/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$g" 2>/dev/null || true
}

# A previous run that was killed hard may have left its code-server behind: stop that group,
# but only if its leader is still our code-server (process group ids get reused).
kill_stale_server() {
  local f="$1/server.pgid" g
  [ -f "$f" ] || return 0
  g="$(cat "$f")"; rm -f "$f"
  [ -n "$g" ] && tr '\0' ' ' 2>/dev/null <"/proc/$g/cmdline" | grep -qF "$CS_ENTRY" || return 0
  echo "[harness] stopping a leftover code-server (process group $g)"
  _stop_group "$g"
}

# start_fake_server OUT_DIR [PORT] [DIALECT] : run a local provider server (out/test/fixtures/serve.js;
# DIALECT openai (default, ".../v1"), anthropic or ollama (server root)) in its own process group;
# sets FAKE_PID and FAKE_BASE_URL; stop_fake_server stops every one started.
FAKE_PGIDS=()
start_fake_server() {
  local dir="$1" port="${2:-}" dialect="${3:-openai}" i
  local serve="${TACK_FAKE_SERVER:-$ROOT/out/test/fixtures/serve.js}"
  [ -f "$serve" ] || { echo "fake server not built: $serve is missing (npm run build:tests)"; return 1; }
  mkdir -p "$dir"
  local out="$dir/fake-$dialect.out" err="$dir/fake-$dialect.err"
  : > "$out"
  setsid node "$serve" --dialect "$dialect" ${port:+--port "$port"} >"$out" 2>"$err" &
  FAKE_PID=$!
  FAKE_PGIDS+=("$(ps -o pgid= "$FAKE_PID" | tr -d ' ')")
  FAKE_BASE_URL=
  for i in $(seq 1 100); do
    FAKE_BASE_URL="$(head -n 1 "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).baseUrl||"")}catch{}})')"
    [ -n "$FAKE_BASE_URL" ] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "fake $dialect server did not start; stderr:"; cat "$err"
  stop_fake_server
  return 1
}

stop_fake_server() {
  local g
  for g in "${FAKE_PGIDS[@]}"; do _stop_group "$g"; done
  FAKE_PGIDS=()
}
