#!/usr/bin/env bash
# Configures and builds Brook into build/ (or $BROOK_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BROOK_BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# Arguments before an optional `--target NAME` go to cmake's configure step.
configure=()
target=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--target" ]; then target=(--target "$2"); shift 2; else configure+=("$1"); shift; fi
done
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="${BROOK_BUILD_TYPE:-RelWithDebInfo}" "${configure[@]}" >/dev/null
fi
cmake --build "$build_dir" -j"${BROOK_JOBS:-2}" "${target[@]}"
