#!/usr/bin/env bash
# torch4j side-by-side benchmark: one command, from the repository root:
#
#   benchmarks/run.sh
#
# builds the CLI, the distribution (its launcher times the whole-process rows) and the JMH jar, generates the workloads (PyTorch via /usr/bin/python3 when present,
# else torch4j's writer) into benchmarks/target/workloads, times PyTorch's torch.load (+ a
# read-every-byte pass) on the same files, runs the JMH suite with -prof gc and -rf json, measures
# `torch4j inspect` peak RSS, times the whole-process rows (process_rows.py: inspect, hashing, scan
# against picklescan, convert against cp), then prints the ratio tables (issue 14's among them) with
# each target's status and writes benchmarks/results/run-<timestamp>.json.
#
# Settings (environment): FORKS=1 WARMUP=3 ITERS=5 (JMH iterations of 2 s), PY_REPEATS=5,
# BENCH='<JMH regex>' (default: all), SCALE=1.0 (workload size factor), TORCH4J_BENCH_DIR,
# MVN_FLAGS (e.g. -o for offline), SCAN_DIR (real files for the scan rows, default ../shared/corpus),
# PICKLESCAN_SRC (a picklescan source tree, for the scan peer when `picklescan` is not importable).
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
$MVN -q ${MVN_FLAGS:-} -Pbench -pl java/cli,java/dist,benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar
CLI=java/cli/target/torch4j.jar
# Whole-process rows use the distribution's launcher (its JVM flags and class-data-sharing archive).
LAUNCHER=$(ls -d java/dist/target/torch4j-*-java/bin/torch4j 2>/dev/null | head -1 || true)
[ -n "$LAUNCHER" ] && [ -x "$LAUNCHER" ] || LAUNCHER=$CLI
PYTHON=/usr/bin/python3; [ -x "$PYTHON" ] || PYTHON=python3

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

echo "== whole-process rows (launcher: $LAUNCHER): inspect, hashing, scan vs picklescan, convert vs cp"
PROCJSON="$RES/process-$TS.json"
SCAN_DIR=${SCAN_DIR:-../shared/corpus}
SCAN_ARGS=()
for d in "$SCAN_DIR" "$TORCH4J_BENCH_DIR"; do [ -d "$d" ] && SCAN_ARGS+=(--scan-dir "$d"); done
$PYTHON benchmarks/$PY/process_rows.py "$LAUNCHER" "$TORCH4J_BENCH_DIR" benchmarks/target/process \
  --out "$PROCJSON" "${SCAN_ARGS[@]}" || echo "(whole-process rows failed; the tables below lack them)"

echo "== directory scan throughput, one warm JVM (corpus: $SCAN_DIR)"
if [ -d "$SCAN_DIR" ]; then java -cp "$JAR" dev.torch4j.bench.ScanThroughput "$SCAN_DIR"; fi

echo "== report"
python3 benchmarks/$PY/report.py --workloads "$TORCH4J_BENCH_DIR" --jmh "$JMHJSON" --python "$PYJSON" \
  --cli "$CLI" --process "$PROCJSON" --out "$RES/run-$TS.json" \
  --settings "JMH: $FORKS fork(s), $WARMUP warmup + $ITERS measurement iterations of 2 s, page cache warm; Python: best of $PY_REPEATS; whole process: best of 3, interleaved; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
