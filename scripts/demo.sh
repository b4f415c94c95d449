#!/usr/bin/env bash
# Quick start (1): install what is missing, build, and run Brook's main job.
# Until the broker server exists, the main job is the log demo: append, crash, recover, read.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec build/bin/brook-log-demo "$@"
