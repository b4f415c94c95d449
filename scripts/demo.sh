#!/usr/bin/env bash
# Quick start (1): install what is missing, build, and run Brook's main job on the embedded
# broker: build/bin/sensor-windows --generate N (examples/sensor_windows/README.md) writes N
# sensor readings (out-of-order and late ones among them), computes per-sensor 1-minute window
# statistics exactly once, prints each window as it closes, checks every one against a direct
# computation, and stops cleanly once all have closed. Exit status 0 when every window matched.
# BROOK_DEMO_READINGS changes N (default 20000). scripts/broker_demo.sh is the broker alone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

readings=${BROOK_DEMO_READINGS:-20000}
state=$(mktemp -d /tmp/brook-demo-XXXXXX)
trap 'rm -rf "$state"' EXIT
BROOK_LOG_LEVEL=${BROOK_LOG_LEVEL:-warn} build/bin/sensor-windows --generate "$readings" --state-dir "$state"
