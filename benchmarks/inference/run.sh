#!/usr/bin/env bash
# TorchScript inference from Java, side by side: torch4j-libtorch, the bare JavaCPP calls, DJL 0.36.
#
#   benchmarks/inference/run.sh            (from anywhere; prints JMH's table, writes JSON under benchmarks/results/)
#
# Builds the module (-Pbench), writes the workloads with real PyTorch (/usr/bin/python3:
# java/libtorch/src/test/python/gen_inference_fixtures.py), then runs JMH: 1 fork per engine and
# workload, WARMUP x 1 s warm-up, ITERS x 1 s measurement. DJL runs offline (-Dai.djl.offline=true) from
# its pytorch-native-cpu jar. Settings: WARMUP=2 ITERS=3 BENCH='<JMH regex>' MVN_FLAGS (e.g. -o).
#
# First, issue 28's three rows with default thread settings (DefaultsRow: one fresh JVM per engine and
# round, torch4j and DJL interleaved, ROUNDS=7 rounds): CNN batch-1 wall time per call, TorchScript
# load, peak RSS. Medians and torch4j/DJL ratios print as 'inference-row ...' lines and go to
# benchmarks/results/inference-rows-<timestamp>.json (a copy at benchmarks/inference/target/inference-rows.json;
# shape in docs/libtorch.md). ROWS_ONLY=1 stops after them (no JMH, no CPU-time table); SKIP_BUILD=1
# reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "OpenBLAS environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-auto} (see java/libtorch/README.md)"
WARMUP=${WARMUP:-2}; ITERS=${ITERS:-3}; BENCH=${BENCH:-InferenceBench}
DIR=benchmarks/inference/target/workloads
MVN=./mvnw; [ -x "$MVN" ] || MVN=mvn
[ "${SKIP_BUILD:-0}" = 1 ] || $MVN -B -q ${MVN_FLAGS:-} -Pbench -pl benchmarks/inference -am package -DskipTests
[ -f "$DIR/mlp.pt" ] || /usr/bin/python3 java/libtorch/src/test/python/gen_inference_fixtures.py "$DIR"
mkdir -p benchmarks/results
CP="benchmarks/inference/target/classes:benchmarks/inference/target/lib/*"
TS=$(date +%Y%m%d-%H%M%S)

# Issue 28's rows: default threads, fresh JVMs, torch4j and DJL back to back in every round.
ROUNDS=${ROUNDS:-7}
ROWS_SAMPLES=benchmarks/inference/target/inference-rows-samples.jsonl
: > "$ROWS_SAMPLES"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== issue 28 rows: $ROUNDS rounds, torch4j and DJL interleaved, default threads ($(nproc) CPUs, load average $LOAD_BEFORE)"
for r in $(seq "$ROUNDS"); do
  # Alternate which engine goes first, so neither always follows the other's page-cache and CPU state.
  if [ $((r % 2)) -eq 1 ]; then engines="torch4j djl"; else engines="djl torch4j"; fi
  for e in $engines; do
    java -Xms512m -Xmx512m -Dai.djl.offline=true -cp "$CP" dev.torch4j.bench.infer.DefaultsRow "$e" cnn_1 "$DIR" 200 400 \
      2>>benchmarks/inference/target/inference-rows.log | grep '^{' | tee -a "$ROWS_SAMPLES"
  done
done
ROWS_JSON=benchmarks/results/inference-rows-$TS.json
python3 benchmarks/inference/rows.py "$ROWS_SAMPLES" "$ROWS_JSON" --rounds "$ROUNDS" --load-before "$LOAD_BEFORE" \
  --load-after "$(cut -d' ' -f1-3 /proc/loadavg)" --settings "java -Xms512m -Xmx512m; DefaultsRow cnn_1 200 warm-up + 400 calls (median of 20 blocks); $(nproc) CPUs"
cp "$ROWS_JSON" benchmarks/inference/target/inference-rows.json
[ "${ROWS_ONLY:-0}" = 1 ] && exit 0

OUT=benchmarks/results/inference-$TS.json
java -cp "$CP" -Dtorch4j.infer.dir="$DIR" \
  org.openjdk.jmh.Main "$BENCH" -f 1 -wi "$WARMUP" -i "$ITERS" -jvmArgsAppend "-Dtorch4j.infer.dir=$PWD/$DIR" \
  -rf json -rff "$OUT"
echo "results: $OUT"

# CPU time per call (robust on a loaded machine; 1 intra-op thread, one JVM per engine and workload).
for w in mlp_1 cnn_1 cnn_32; do
  for e in torch4j torch4j-runner javacpp djl; do
    # The MLP's warm-up is long: below ~20000 calls the JIT has not settled and the Java-side share swings.
    warm=20000; calls=10000; [ "$w" = cnn_32 ] && warm=100 && calls=200; [ "$w" = cnn_1 ] && warm=1000 && calls=1000
    java -Xms512m -Xmx512m -Dai.djl.offline=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
      -cp "$CP" dev.torch4j.bench.infer.CpuTime "$e" "$w" "$DIR" "$warm" "$calls" 2>/dev/null | grep '^{'
  done
done | tee "${OUT%.json}-cputime.jsonl"
