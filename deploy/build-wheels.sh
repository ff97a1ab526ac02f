#!/usr/bin/env bash
# Builds, on the host, every wheel the service images install: the project's seven packages and the exact
# versions uv.lock pins for what they need (no dev tools). The images then install with
# `pip --no-index --find-links`, so `docker build` needs no network (pip inside containers cannot reach
# the package index on our build machines, and a locked set is what we want to ship anyway).
#   deploy/build-wheels.sh [OUT]   (default dist/wheels; needs ./dev's bootstrap: .tools/venv with uv)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/dist/wheels}"
cd "$repo"
uv=".tools/venv/bin/uv"
[ -x "$uv" ] || { echo "error: run ./dev test or ./dev run once first (it installs uv in .tools/venv)" >&2; exit 1; }
export UV_PYTHON_DOWNLOADS=never UV_PYTHON=3.11
# deps/: third-party wheels, what each service needs of them (<service>.txt) and all that (all.txt), which
# every image installs in one layer of its own, the same for the six (deploy/docker/*.Dockerfile), kept by
# docker's cache until the lock changes; own/: the project's packages.
mkdir -p "$out/deps" "$out/own"
for service in registration sites scheduling notifications identity console; do
  "$uv" export --frozen --quiet --package "jobdating-$service" --no-dev --no-emit-workspace --no-hashes \
    -o "$out/deps/$service.txt"
done
# Wheels already there (same name and version) are reused.
cat "$out"/deps/*.txt | sort -u | grep -v '^ *#' | grep -v '^ *$' > "$out/deps/all.txt"
.tools/venv/bin/python -m pip wheel --quiet --disable-pip-version-check --no-deps \
  --only-binary=:all: -r "$out/deps/all.txt" -w "$out/deps" 2> >(grep -v "^WARNING: Location" >&2)
rm -f "$out"/own/*.whl
"$uv" build --quiet --all-packages --wheel -o "$out/own"
echo "wheels in $out: $(ls "$out"/deps/*.whl | wc -l) third-party, $(ls "$out"/own/*.whl | wc -l) of the project"
