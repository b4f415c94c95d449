#!/usr/bin/env bash
# Installs the Debian packages Brook needs. Quiet when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  librocksdb-dev librdkafka-dev libboost-graph-dev libboost-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev
  libcli11-dev nlohmann-json3-dev libcpp-httplib-dev
  kcat clang libclang-rt-14-dev graphviz python3-prometheus-client
)

command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# kafkajs, an independent client for the integration tests (npm registry, pinned by its lock).
kafkajs_dir="$(dirname "$0")/../tests/integration/kafkajs"
if [ ! -d "$kafkajs_dir/node_modules/kafkajs" ]; then
  echo "setup: installing kafkajs for the integration tests"
  npm ci --prefix "$kafkajs_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi
