#!/usr/bin/env bash
# torch4j side-by-side benchmark: one command, from the repository root:
#
#   benchmarks/run.sh
#
# builds the CLI and the JMH jar, generates the workloads (PyTorch via /usr/bin/python3 when present,
# else torch4j's writer) into benchmarks/target/workloads, times PyTorch's torch.load (+ a
# read-every-byte pass) on the same files, runs the JMH suite with -prof gc and -rf json, measures
# `torch4j inspect` peak RSS, then prints the ratio table with each target's status and writes
# benchmarks/results/run-<timestamp>.json.
#
# Settings (environment): FORKS=1 WARMUP=3 ITERS=5 (JMH iterations of 2 s), PY_REPEATS=5,
# BENCH='<JMH regex>' (default: all), SCALE=1.0 (workload size factor), TORCH4J_BENCH_DIR,
# MVN_FLAGS (e.g. -o for offline).
set -euo pipefail
cd "$(dirname "$0")/.."
FORKS=${FORKS:-1}; WARMUP=${WARMUP:-3}; ITERS=${ITERS:-5}; PY_REPEATS=${PY_REPEATS:-5}
SCALE=${SCALE:-1.0}; BENCH=${BENCH:-}
export TORCH4J_BENCH_DIR=${TORCH4J_BENCH_DIR:-$PWD/benchmarks/target/workloads}
TS=$(date +%Y%m%d-%H%M%S)
RES=benchmarks/results; mkdir -p "$RES"
PY=src/main/python
MVN=./mvnw; [ -x "$MVN" ] || MVN=mvn

echo "== build"
$MVN -q ${MVN_FLAGS:-} -Pbench -pl java/cli,benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar
CLI=java/cli/target/torch4j.jar

echo "== workloads in $TORCH4J_BENCH_DIR (scale $SCALE)"
if [ ! -f "$TORCH4J_BENCH_DIR/workloads.json" ]; then
  java -Xmx4g -Dtorch4j.bench.scale="$SCALE" -cp "$JAR" dev.torch4j.bench.Workloads "$TORCH4J_BENCH_DIR"
fi
cat "$TORCH4J_BENCH_DIR/workloads.json"

PYJSON="$RES/python-$TS.json"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "== PyTorch side (/usr/bin/python3)"
  /usr/bin/python3 benchmarks/$PY/pytorch_side.py "$TORCH4J_BENCH_DIR" "$PYJSON" --repeats "$PY_REPEATS"
else
  echo "== PyTorch not installed: no Python side (ratios to torch.load will show '-')"
fi

echo "== JMH (forks $FORKS, warmup $WARMUP x 2 s, measurement $ITERS x 2 s, -prof gc)"
JMHJSON="$RES/jmh-$TS.json"
# shellcheck disable=SC2086
java -jar "$JAR" $BENCH -f "$FORKS" -wi "$WARMUP" -i "$ITERS" -prof gc -rf json -rff "$JMHJSON"

echo "== report"
python3 benchmarks/$PY/report.py --workloads "$TORCH4J_BENCH_DIR" --jmh "$JMHJSON" --python "$PYJSON" \
  --cli "$CLI" --out "$RES/run-$TS.json" \
  --settings "JMH: $FORKS fork(s), $WARMUP warmup + $ITERS measurement iterations of 2 s, page cache warm; Python: best of $PY_REPEATS; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== whole-process rows (inspect of 20k tensors, numpy-pickle hashing; peak RSS from /proc)"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 benchmarks/$PY/process_rows.py "$CLI" "$TORCH4J_BENCH_DIR"
fi
echo "== directory scan throughput, one JVM (corpus: ${SCAN_DIR:=../shared/corpus})"
if [ -d "$SCAN_DIR" ]; then java -cp "$JAR" dev.torch4j.bench.ScanThroughput "$SCAN_DIR"; fi
