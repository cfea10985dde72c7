#!/usr/bin/env bash
# Runs Kiln: `docker compose up --build --wait`. On a machine without a running Docker engine, Compose or
# the base images (a fresh Debian 12 machine), .ci/prepare-docker.sh sets them up first; on a machine
# that has them, nothing is installed. Extra arguments go to `docker compose up`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
docker_ready || prepare >/dev/null
exec docker compose up --build --wait "$@"
