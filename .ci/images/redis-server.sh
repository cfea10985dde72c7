#!/bin/sh
# Installed as /usr/local/bin/redis-server, ahead of Debian's /usr/bin/redis-server on PATH.
# Debian's binary starts in protected mode, which answers DENIED to every client outside the container,
# also when Compose overrides the command. The official image compiles that default to "no"; do the
# same by passing it first, so a later option still wins. Redis wants a config file as first argument.
case "${1:-}" in
  -v|--version|-h|--help|--test-memory|--check-system) exec /usr/bin/redis-server "$@" ;;
  ""|-?*) exec /usr/bin/redis-server --protected-mode no "$@" ;;
  *) conf=$1; shift; exec /usr/bin/redis-server "$conf" --protected-mode no "$@" ;;
esac
