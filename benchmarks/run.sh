#!/usr/bin/env bash
# torch4j side-by-side benchmark: one command, from the repository root:
#
#   benchmarks/run.sh            everything below, then issue 28's table
#   benchmarks/run.sh --table    issue 28's table only (about 10 minutes on 2 busy cores; no JMH)
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
# Issue 28's table (issue28.py, then report.py --markdown): ROUNDS=7 SPARK_ROUNDS=5, SKIP_BUILD=1 (use
# what is built), INFERENCE=auto|skip (auto: time benchmarks/inference's DefaultsRow for torch4j and DJL
# when that class is built, else read INFERENCE_FILES or the newest inference results under
# benchmarks/results, marked "not this run"), BASELINE=1 (also copy the result to
# benchmarks/results/baseline-<date>.json and regenerate docs/performance.md's table from it).
set -euo pipefail
cd "$(dirname "$0")/.."
TABLE_ONLY=0; [ "${1:-}" = "--table" ] && TABLE_ONLY=1
FORKS=${FORKS:-1}; WARMUP=${WARMUP:-3}; ITERS=${ITERS:-5}; PY_REPEATS=${PY_REPEATS:-5}
SCALE=${SCALE:-1.0}; BENCH=${BENCH:-}
export TORCH4J_BENCH_DIR=${TORCH4J_BENCH_DIR:-$PWD/benchmarks/target/workloads}
TS=$(date +%Y%m%d-%H%M%S)
RES=benchmarks/results; mkdir -p "$RES"
PY=src/main/python
MVN=./mvnw; [ -x "$MVN" ] || MVN=mvn

PYTHON=/usr/bin/python3; [ -x "$PYTHON" ] || PYTHON=python3
CLI=java/cli/target/torch4j.jar

# Issue 28's table: every row's torch4j command and its anchor, interleaved, in one run.
issue28_table() {
  local t0=$SECONDS out="$RES/table-$TS.json" spark_jar spark_cp="" opens="" infer=() same=()
  local launcher
  launcher=$(ls -d java/dist/target/torch4j-*-java/bin/torch4j 2>/dev/null | head -1 || true)
  [ -n "$launcher" ] && [ -x "$launcher" ] || launcher=$CLI
  spark_jar=$(ls java/spark/target/torch4j-spark-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e tests -e -all | head -1 || true)
  if [ -n "$spark_jar" ] && [ -d java/spark/target/lib ]; then
    spark_cp="$spark_jar:java/spark/target/lib/*"
    opens=$(sed -n 's#.*<spark.opens>\(.*\)</spark.opens>.*#\1#p' java/spark/pom.xml)
  fi
  local idir=benchmarks/inference/target/workloads icp="benchmarks/inference/target/classes:benchmarks/inference/target/lib/*"
  if [ "${INFERENCE:-auto}" = auto ] && [ -f benchmarks/inference/target/classes/dev/torch4j/bench/infer/DefaultsRow.class ]; then
    echo "== TorchScript rows: DefaultsRow, torch4j (OpenBLAS; frozen; MKL; frozen with MKL) and DJL interleaved, ${INFER_ROUNDS:-3} rounds"
    [ -f "$idir/cnn.pt" ] || /usr/bin/python3 java/libtorch/src/test/python/gen_inference_fixtures.py "$idir"
    local ij="$RES/inference-defaults-$TS.jsonl"
    for ((r = 0; r < ${INFER_ROUNDS:-3}; r++)); do
      for e in torch4j torch4j-frozen torch4j-mkl torch4j-frozen-mkl djl; do
        java -Dai.djl.offline=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$icp" dev.torch4j.bench.infer.DefaultsRow "$e" cnn_1 "$idir" 2>/dev/null | grep '^{' || true
      done
    done | tee "$ij"
    infer=(--inference "$ij"); same=(--inference-same-run)
  elif [ "${INFERENCE:-auto}" != skip ]; then
    # shellcheck disable=SC2206
    local files=(${INFERENCE_FILES:-})
    if [ ${#files[@]} -eq 0 ]; then  # the newest results benchmarks/inference left, committed baselines included
      files=("$(ls -t "$RES"/*inference*defaults*.jsonl 2>/dev/null | head -1 || true)"
             "$(ls -t "$RES"/*inference*cputime*.jsonl 2>/dev/null | head -1 || true)")
    fi
    for f in "${files[@]}"; do [ -f "$f" ] && infer+=(--inference "$f"); done
  fi
  echo "== issue 28's rows (launcher: $launcher; Spark: ${spark_jar:-none}; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  SCAN_DIR=${SCAN_DIR:-../shared/corpus}
  $PYTHON benchmarks/$PY/issue28.py --torch4j "$launcher" --scratch benchmarks/target/issue28 --out "$out" \
    --rounds "${ROUNDS:-7}" --spark-rounds "${SPARK_ROUNDS:-5}" --scan-dir "$SCAN_DIR" \
    ${spark_cp:+--spark-cp "$spark_cp" --spark-opens "$opens"} "${infer[@]}" "${same[@]}" \
    --settings "Whole processes through \`$(echo "$launcher" | sed 's#.*/\(torch4j-[^/]*/bin/torch4j\)#\1#')\`; Spark with \`java -XX:TieredStopAtLevel=1\` and an AppCDS archive (see docs/spark.md); $(java -version 2>&1 | head -1); $($PYTHON -c 'import torch; print("PyTorch", torch.__version__)' 2>/dev/null || echo 'no PyTorch'); $(nproc) CPUs"
  python3 benchmarks/$PY/report.py --markdown "$out"
  echo "(issue 28's table: $((SECONDS - t0)) s; $out)"
  if [ "${BASELINE:-0}" = 1 ]; then
    local base="$RES/baseline-$(date +%Y-%m-%d).json"
    cp "$out" "$base"
    sed -i "s#report.py --update-doc from benchmarks/results/[^ ]*\.json#report.py --update-doc from $base#" docs/performance.md
    python3 benchmarks/$PY/report.py --update-doc docs/performance.md
  fi
}

if [ "$TABLE_ONLY" = 1 ]; then
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "== build"
    $MVN -q ${MVN_FLAGS:-} -pl java/cli,java/dist,java/spark -am package -DskipTests
    # the TorchScript rows' runner, where benchmarks/inference has it
    if [ "${INFERENCE:-auto}" = auto ] && [ -f benchmarks/inference/src/main/java/dev/torch4j/bench/infer/DefaultsRow.java ]; then
      $MVN -q ${MVN_FLAGS:-} -Pbench -pl benchmarks/inference -am package -DskipTests
    fi
  fi
  issue28_table
  exit 0
fi

echo "== build"
$MVN -q ${MVN_FLAGS:-} -Pbench -pl java/cli,java/dist,java/spark,benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar
# Whole-process rows use the distribution's launcher (its JVM flags and class-data-sharing archive).
LAUNCHER=$(ls -d java/dist/target/torch4j-*-java/bin/torch4j 2>/dev/null | head -1 || true)
[ -n "$LAUNCHER" ] && [ -x "$LAUNCHER" ] || LAUNCHER=$CLI

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

echo "== issue 28's table"
issue28_table
