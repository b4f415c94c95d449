#!/usr/bin/env bash
# The broker demo: install what is missing, build, start brook-broker on
# a temporary data directory, create a topic, produce and consume a million records with the
# brook CLI (librdkafka), print the throughput, and stop the broker cleanly.
# BROOK_DEMO_RECORDS changes the count (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

records=${BROOK_DEMO_RECORDS:-1000000}
work=$(mktemp -d /tmp/brook-demo-XXXXXX)
broker_pid=""
cleanup() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then kill -TERM "$broker_pid"; wait "$broker_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

build/bin/brook-broker config/server.properties \
  --override "log.dirs=$work/data" --override "listeners=PLAINTEXT://127.0.0.1:0" \
  > "$work/broker.out" 2> "$work/broker.log" &
broker_pid=$!
for _ in $(seq 100); do
  grep -q "serving at" "$work/broker.out" 2>/dev/null && break
  kill -0 "$broker_pid" 2>/dev/null || { cat "$work/broker.log"; echo "demo: the broker did not start"; exit 1; }
  sleep 0.1
done
bootstrap=$(sed -n 's/^brook-broker: serving at \([^ ]*\) .*/\1/p' "$work/broker.out")
echo "demo: brook-broker is serving at $bootstrap (data in $work/data); kcat -b $bootstrap -L works too"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f records/s", n / s }'; }

build/bin/brook topics create demo --partitions 8 --bootstrap-server "$bootstrap"
# Keyed records, 100-byte values: "key-0000001:value-000000001-xxxx...".
awk -v n="$records" 'BEGIN { pad = sprintf("%84s", ""); gsub(/ /, "x", pad)
  for (i = 1; i <= n; i++) printf "key-%07d:value-%09d-%s\n", i, i, pad }' > "$work/input"
start=$(now)
build/bin/brook produce demo --key-separator : --bootstrap-server "$bootstrap" < "$work/input"
produce_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
echo "demo: produced $records records (100-byte values) in ${produce_s}s: $(rate "$records" "$produce_s")"

start=$(now)
consumed=$(build/bin/brook consume demo --from-beginning --max-messages "$records" \
  --bootstrap-server "$bootstrap" 2>/dev/null | wc -l)
consume_s=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
echo "demo: consumed $consumed records in ${consume_s}s: $(rate "$consumed" "$consume_s")"
[ "$consumed" -eq "$records" ] || { echo "demo: expected $records records"; exit 1; }

kill -TERM "$broker_pid"
wait "$broker_pid"
broker_pid=""
grep -q "shut down cleanly" "$work/broker.log" && echo "demo: the broker shut down cleanly"
