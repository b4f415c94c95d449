#!/usr/bin/env bash
# Redraws docs/images/<example>.dot and .svg, the topology pictures of the examples, with
# `<example> --describe | brook topology` (and Graphviz's dot for the SVG). A test
# (tools_topology_test) fails when a committed .dot differs from what the examples draw now.
# Usage: scripts/topology_pictures.sh [build dir, default build]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
for example in wordcount sensor-windows leave-requests; do
  "$build/bin/$example" --describe | "$build/bin/brook" topology --dot > "docs/images/$example.dot"
  dot -Tsvg "docs/images/$example.dot" -o "docs/images/$example.svg"
  echo "docs/images/$example.dot, docs/images/$example.svg"
done
