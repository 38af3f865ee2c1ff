#!/usr/bin/env bash
# Throughput of `index` and `scan` on a generated store, with 1 and 2 executor cores (local[1], local[2]).
# Not part of ./mvnw verify. Usage: java/spark/bench.sh [SMALL_FILES] [LARGE_FILES] [LARGE_MB]
# The store: SMALL_FILES copies of the PyTorch-written fixtures (zip, legacy, pickle, TorchScript,
# malicious; 1-20 KB each) and LARGE_FILES zip checkpoints of LARGE_MB each written by PyTorch.
set -euo pipefail
cd "$(dirname "$0")/../.."
SMALL=${1:-2000}; LARGE=${2:-4}; LARGE_MB=${3:-64}
DIR=${BENCH_DIR:-/tmp/torch4j-spark-bench}
JAR=$(ls java/spark/target/torch4j-spark-*.jar 2>/dev/null | grep -v -e sources -e tests | head -1 || true)
if [ -z "$JAR" ] || [ ! -d java/spark/target/lib ]; then
  ./mvnw -B -q package -DskipTests -pl java/spark -am
  JAR=$(ls java/spark/target/torch4j-spark-*.jar | grep -v -e sources -e tests | head -1)
fi
OPENS=$(sed -n 's#.*<spark.opens>\(.*\)</spark.opens>.*#\1#p' java/spark/pom.xml)
STORE=$DIR/store-$SMALL-$LARGE-$LARGE_MB
if [ ! -d "$STORE" ]; then
  mkdir -p "$STORE.tmp"
  mapfile -t FIX < <(cd java/core/src/test/resources/fixtures && find zip legacy pickle torchscript mobile malicious -type f | sort)
  for ((i = 0; i < SMALL; i++)); do
    f=${FIX[$((i % ${#FIX[@]}))]}
    d="$STORE.tmp/small/$((i / 500))"; mkdir -p "$d"
    cp "java/core/src/test/resources/fixtures/$f" "$d/$i-$(basename "$f")"
  done
  mkdir -p "$STORE.tmp/large"
  /usr/bin/python3 - "$STORE.tmp/large" "$LARGE" "$LARGE_MB" <<'PY'
import sys, torch
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    g = torch.Generator().manual_seed(i)
    per = mb * (1 << 20) // 4 // 4   # four float32 tensors per file
    sd = {f"layer{j}.weight": torch.randn(per, generator=g) for j in range(4)}
    torch.save(sd, f"{out}/large-{i}.pt")
PY
  mv "$STORE.tmp" "$STORE"
fi
FILES=$(find "$STORE" -type f | wc -l)
BYTES=$(du -sb "$STORE" | cut -f1)
echo "store: $STORE, $FILES files, $BYTES bytes"
echo "| command | cores | files | GB | wall s | files/s | GB/s | CPU s | files per CPU-s | GB per CPU-s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for cores in 1 2; do
  for cmd in index scan; do
    OUT=$DIR/out-$cmd-$cores
    echo "# $cmd local[$cores], load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    LINE=$(java -Xmx2g $OPENS -cp "$JAR:java/spark/target/lib/*" dev.torch4j.spark.Main "$cmd" "$STORE" "$OUT" \
           --master "local[$cores]" --force --json 2>"$DIR/$cmd-$cores.log" || true)
    SECS=$(echo "$LINE" | sed -n 's/.*"seconds":\([0-9.]*\).*/\1/p')
    CPU=$(echo "$LINE" | sed -n 's/.*"cpuSeconds":\([0-9.]*\).*/\1/p')
    if [ -z "$SECS" ]; then echo "$cmd local[$cores] failed: see $DIR/$cmd-$cores.log"; continue; fi
    awk -v c="$cmd" -v k="$cores" -v f="$FILES" -v b="$BYTES" -v s="$SECS" -v u="${CPU:-0}" \
      'BEGIN { printf "| %s | %d | %d | %.3f | %.1f | %.1f | %.4f | %.1f | %.1f | %.4f |\n", c, k, f, b/1e9, s, f/s, b/1e9/s, u, (u>0?f/u:0), (u>0?b/1e9/u:0) }'
  done
done
