#!/usr/bin/env bash
# End-to-end test of the packaged extension: installs tack.vsix into a fresh code-server profile
# under .cache/run/e2e/, starts the fake OpenAI-compatible server and code-server with a copy of
# the sample workspace, and drives the workbench with Chromium (test/e2e/e2e.mjs).
# Needs: `npm run build:tests` (the fake server), `npm run package` (tack.vsix), test/harness/tools.sh.
# Results: $TACK_TEST_RESULTS (default .cache/run/e2e/results.json), screenshots in .cache/run/e2e/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/test/harness/lib.sh"
use_node24

R="$RUN_DIR/e2e"
VSIX="${TACK_VSIX:-$ROOT/tack.vsix}"
export TACK_TEST_RESULTS="${TACK_TEST_RESULTS:-$R/results.json}"
[ -f "$VSIX" ] || { echo "e2e: $VSIX not found (npm run package)"; exit 2; }
[ -f "$CS_ENTRY" ] || { echo "e2e: code-server is not installed (bash test/harness/tools.sh)"; exit 2; }

kill_stale_server "$R"
kill_stale_server "$R/restricted"
rm -rf "$R/data" "$R/ext" "$R/workspace" "$R/profiles-workspace" "$R/restricted" "$R"/*.png "$TACK_TEST_RESULTS"
mkdir -p "$R/data" "$R/ext"
cp -r "$ROOT/test/sample-workspace" "$R/workspace"
cp -r "$ROOT/test/sample-workspace" "$R/profiles-workspace"

RESTRICTED_PGID=
cleanup() { stop_server; [ -z "$RESTRICTED_PGID" ] || _stop_group "$RESTRICTED_PGID"; stop_fake_server; }
trap cleanup EXIT
trap 'exit 130' INT TERM

timed "install tack.vsix" cs --user-data-dir "$R/data" --extensions-dir "$R/ext" \
  --install-extension "$VSIX" --force >"$R/install.log" 2>&1 || { cat "$R/install.log"; exit 2; }
timed "anthropic server start" start_fake_server "$R" "" anthropic
ANTHROPIC_URL="$FAKE_BASE_URL"
timed "ollama server start" start_fake_server "$R" "" ollama
OLLAMA_URL="$FAKE_BASE_URL"
timed "openai server start" start_fake_server "$R" "" openai
echo "[e2e] local provider servers: openai $FAKE_BASE_URL, anthropic $ANTHROPIC_URL, ollama $OLLAMA_URL"
# The second workspace's profiles pick a model on the Ollama server through a workspace-defined provider.
mkdir -p "$R/profiles-workspace/.tack"
cat > "$R/profiles-workspace/.tack/profiles.jsonc" <<JSONC
{
  // Profiles of the e2e run: the default one uses a model served by the local Ollama test server.
  "default": "local-ollama",
  "providers": {
    "testollama": { "type": "ollama", "baseUrl": "$OLLAMA_URL", "label": "Test Ollama" },
  },
  "profiles": {
    "local-ollama": { "extends": "lean", "model": "testollama/echo", "expectQuantization": "q4_k_m" },
    "anthropic-profile": { "extends": "lean", "model": "claude-local/reason" },
  },
}
JSONC
write_settings "$R/data" "$(printf '{"tack.providers":{"local":{"type":"openai-compatible","baseUrl":"%s","label":"Local test server"},"claude-local":{"type":"anthropic","baseUrl":"%s","label":"Local Anthropic server"}},"tack.model":"local/echo"}' "$FAKE_BASE_URL" "$ANTHROPIC_URL")"

# A second VS Code with Workspace Trust on, opening an untrusted folder whose profile names its own endpoint.
mkdir -p "$R/restricted/ws/.tack"
cat > "$R/restricted/ws/.tack/profiles.jsonc" <<JSONC
{
  "default": "repo",
  "providers": { "repo-server": { "type": "ollama", "baseUrl": "$OLLAMA_URL", "label": "Repository's server" } },
  "profiles": { "repo": { "extends": "lean", "model": "repo-server/echo" } }
}
JSONC
write_settings "$R/restricted/data" "$(printf '{"security.workspace.trust.enabled":true,"tack.providers":{"local":{"type":"openai-compatible","baseUrl":"%s","label":"Local test server"}},"tack.model":"local/echo"}' "$FAKE_BASE_URL")"
restricted_port="$(free_port)"
CS_TRUST_ARGS="" timed "code-server start (trust on)" start_server "$restricted_port" "$R/restricted/data" "$R/ext" "$R/restricted/ws" "$R/restricted/server.log"
RESTRICTED_PGID="$SERVER_PGID"

port="$(free_port)"
timed "code-server start" start_server "$port" "$R/data" "$R/ext" "$R/workspace" "$R/server.log"
rc=0
timed "e2e test" node "$ROOT/test/e2e/e2e.mjs" --url "http://127.0.0.1:$port/?folder=$R/workspace" \
  --fake "$FAKE_BASE_URL" --anthropic "$ANTHROPIC_URL" --ollama "$OLLAMA_URL" \
  --profiles-url "http://127.0.0.1:$port/?folder=$R/profiles-workspace" --profiles-ws "$R/profiles-workspace" --data "$R/data" \
  --restricted-url "http://127.0.0.1:$restricted_port/?folder=$R/restricted/ws" --out "$R" || rc=$?
exit $rc
