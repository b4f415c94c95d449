#!/usr/bin/env bash
# Quick start (2): install what is missing, build, and run every test.
#   1. the RelWithDebInfo build: unit + integration tests, then the `slow` ones while the time
#      budget (BROOK_TEST_BUDGET_S, default 3000 s from the start of this script) allows;
#   2. an ASan+UBSan build (build-asan/) that runs the unit tests.
# BROOK_SKIP_ASAN=1 skips step 2 (for quick local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
budget=${BROOK_TEST_BUDGET_S:-3000}

bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 -LE slow --timeout 600

if [ "${BROOK_SKIP_ASAN:-0}" != 1 ]; then
  BROOK_BUILD_DIR=build-asan BROOK_BUILD_TYPE=Debug bash scripts/build.sh -DBROOK_SANITIZE=ON -DBROOK_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j2 -L unit -LE slow --timeout 900
fi

elapsed=$(( $(date +%s) - start ))
if [ "$elapsed" -lt "$budget" ]; then
  echo "test.sh: running slow tests (${elapsed}s used of ${budget}s)"
  ctest --test-dir build --output-on-failure -j2 -L slow --timeout 1800 --no-tests=ignore
else
  echo "test.sh: skipping slow tests, ${elapsed}s used of the ${budget}s budget"
fi
