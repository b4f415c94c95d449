#!/usr/bin/env bash
# Quick start (2): install what is missing, build, and run every test.
#   1. the RelWithDebInfo build (build/): unit + integration tests;
#   2. an ASan+UBSan build (build-asan/) of the unit tests only, which it runs;
#   3. the libFuzzer target for request decoding (clang, build-fuzz/), seeded with the captured
#      librdkafka requests, for BROOK_FUZZ_SECONDS (default 60; 0 skips);
#   4. the tests labelled `slow`, while the time budget (BROOK_TEST_BUDGET_S, default 3000 s
#      from the start of this script) allows.
# BROOK_SKIP_ASAN=1 skips step 2 (for quick local runs). Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
budget=${BROOK_TEST_BUDGET_S:-3000}
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# Runs ctest with the given arguments, echoing its output and keeping its tally.
run_ctest() {
  local out rc=0
  out=$(mktemp)
  ctest "$@" 2>&1 | tee "$out" || rc=$?
  grep -Eo 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out" >> "$summary" || true
  rm -f "$out"
  return $rc
}

status=0
bash scripts/setup.sh
bash scripts/build.sh
run_ctest --test-dir build --output-on-failure -j2 -LE slow --timeout 600 || status=1

if [ "${BROOK_SKIP_ASAN:-0}" != 1 ]; then
  BROOK_BUILD_DIR=build-asan BROOK_BUILD_TYPE=Debug bash scripts/build.sh -DBROOK_SANITIZE=ON -DBROOK_BUILD_BENCH=OFF \
    --target unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest --test-dir build-asan --output-on-failure -j2 -L unit -LE slow --timeout 900 || status=1
fi

fuzz_seconds=${BROOK_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ]; then
  CC=clang CXX=clang++ BROOK_BUILD_DIR=build-fuzz BROOK_BUILD_TYPE=RelWithDebInfo bash scripts/build.sh \
    -DBROOK_FUZZ=ON -DBROOK_BUILD_BENCH=OFF --target broker_protocol_request_fuzzer >/dev/null
  corpus=build-fuzz/fuzz-corpus
  mkdir -p "$corpus"
  python3 scripts/capture_corpus.py ../shared/reference/kafka-protocol/captures/frames.txt "$corpus"
  echo "test.sh: fuzzing request decoding for ${fuzz_seconds}s"
  if build-fuzz/bin/broker_protocol_request_fuzzer -max_total_time="$fuzz_seconds" \
       -print_final_stats=1 "$corpus" > build-fuzz/fuzz.log 2>&1; then
    tail -n 3 build-fuzz/fuzz.log
    echo "tests passed, 0 tests failed out of 1" >> "$summary"
  else
    tail -n 40 build-fuzz/fuzz.log
    echo "test.sh: the fuzzer found a crash (build-fuzz/fuzz.log, crash-* files)"
    echo "tests passed, 1 tests failed out of 1" >> "$summary"
    status=1
  fi
fi

elapsed=$(( $(date +%s) - start ))
if ctest --test-dir build -N -L slow | grep -q 'Total Tests: 0'; then
  echo "test.sh: no slow tests"
elif [ "$elapsed" -lt "$budget" ]; then
  echo "test.sh: running slow tests (${elapsed}s used of ${budget}s)"
  run_ctest --test-dir build --output-on-failure -j2 -L slow --timeout 1800 || status=1
else
  echo "test.sh: skipping slow tests, ${elapsed}s used of the ${budget}s budget"
fi

total=0
failed=0
while read -r _ _ f _ _ _ _ n; do
  failed=$((failed + f))
  total=$((total + n))
done < "$summary"
echo "test.sh: $((total - failed)) passed, ${failed} failed"
exit $status
