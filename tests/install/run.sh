#!/usr/bin/env bash
# Installs the build tree's Brook into a scratch prefix and uses it as a user would: builds
# examples/out_of_tree/ with find_package(Brook) and with pkg-config, runs the app on the embedded
# broker, and checks the layout (public headers only, both executables). Removes the prefix.
# Usage: run.sh <build dir> [cmake]
set -euo pipefail
build="$(cd "$1" && pwd)"
cmake_bin="${2:-cmake}"
app="$(cd "$(dirname "$0")/../../examples/out_of_tree" && pwd)"
work="$build/install-check"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

fail() { echo "install check: $*" >&2; exit 1; }

"$cmake_bin" --install "$build" --prefix "$prefix" >/dev/null

# Layout: the two executables, the package files, the public headers and nothing internal.
for f in bin/brook bin/brook-broker lib/cmake/Brook/BrookConfig.cmake lib/pkgconfig/brook.pc \
         include/brook/framework/api/kafka_streams.h include/brook/operators/dsl/streams_builder.h; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done
for d in broker framework/runtime framework/client framework/state statestore/rocksdb; do
  [ ! -e "$prefix/include/brook/$d" ] || fail "internal headers installed: include/brook/$d"
done
"$prefix/bin/brook" --help >/dev/null || fail "the installed brook --help failed"
"$prefix/bin/brook-broker" --help >/dev/null || fail "the installed brook-broker --help failed"

# One source including every installed header: the installed tree is complete on its own.
headers="$work/all_headers.cc"
(cd "$prefix/include/brook" && find . -name '*.h' | sort | sed 's|^\./\(.*\)|#include "\1"|') > "$headers"
echo "install check: $(wc -l < "$headers") public headers"

# CMake: find_package(Brook) and Brook::brook.
"$cmake_bin" -S "$app" -B "$work/app-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DBROOK_ALL_HEADERS_SOURCE="$headers" >/dev/null
"$cmake_bin" --build "$work/app-build" -j2 >/dev/null || fail "the app did not build with find_package(Brook)"
"$work/app-build/word-lengths" "$work/state-cmake" || fail "the CMake-built app failed"

# pkg-config: brook.pc.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags="$(pkg-config --cflags --libs brook)" || fail "pkg-config does not know brook"
# shellcheck disable=SC2086
c++ -std=c++20 "$app/word_lengths.cc" -o "$work/word-lengths-pc" $flags \
  || fail "the app did not build with pkg-config --cflags --libs brook"
"$work/word-lengths-pc" "$work/state-pc" || fail "the pkg-config-built app failed"
echo "install check: passed"
