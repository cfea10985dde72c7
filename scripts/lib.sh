# Shared by scripts/up.sh and scripts/test.sh: decide whether this machine needs .ci/prepare-docker.sh
# (a fresh Debian 12 machine: no Docker engine running, no Compose, no base images, no Node 24 or pnpm),
# and run it only then. On a machine that has what is needed, nothing is installed.

# The base image Compose will use for KEY (from .env, which an earlier prepare wrote), or its default.
base_image() {
  local key=$1 default=$2 value=
  [[ -f .env ]] && value=$(sed -n "s/^$key=//p" .env | tail -1)
  echo "${value:-$default}"
}

# Succeeds when Docker, Compose and the three base images are there (pulled now if a registry answers).
docker_ready() {
  docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 || return 1
  local image
  for image in "$(base_image KILN_NODE_IMAGE node:24-bookworm-slim)" \
    "$(base_image KILN_DEBIAN_IMAGE debian:bookworm-slim)" "$(base_image KILN_REDIS_IMAGE redis:7-bookworm)"; do
    docker image inspect "$image" >/dev/null 2>&1 || timeout 60 docker pull -q "$image" >/dev/null 2>&1 || return 1
  done
}

# Run .ci/prepare-docker.sh (as root: it installs packages and starts dockerd); prints KILN_NODE_BIN=.
prepare() {
  echo "[kiln] preparing this machine with .ci/prepare-docker.sh (Docker engine, Compose, base images, Node 24, pnpm)" >&2
  if [[ $EUID -eq 0 ]]; then
    bash .ci/prepare-docker.sh
  elif command -v sudo >/dev/null; then
    sudo --preserve-env=NODE_EXTRA_CA_CERTS,PATH bash .ci/prepare-docker.sh
  else
    echo "[kiln] this machine needs Docker set up, which takes root: run this again as root" >&2
    return 1
  fi
}
