#!/usr/bin/env bash
# Runs every test: lint (Biome, and no import cycles), type-check (tests included), then the tests, over
# the real Redis, compilers and compose stack. What it needs (Docker engine and Compose, base images,
# Node 24, pnpm, redis-server, and in CI gVisor) is set up by .ci/prepare-docker.sh when missing: always
# in CI (the script is idempotent), elsewhere only when something is missing, so on a developer's
# machine with all of it nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

tools_ready() {
  [[ $(node --version 2>/dev/null) == v24.* ]] \
    && [[ $(pnpm --version 2>/dev/null) == "$(node -p 'require("./package.json").packageManager.split("@")[1]')" ]] \
    && command -v redis-server >/dev/null && docker_ready
}
if [[ -n ${CI:-} ]] || ! tools_ready; then
  node_bin=$(prepare | sed -n 's/^KILN_NODE_BIN=//p')
  export PATH="$node_bin:$PATH"
fi
# testcontainers' reaper image may not be pullable; the tests tear their environments down themselves.
export TESTCONTAINERS_RYUK_DISABLED=true
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
exec pnpm test
