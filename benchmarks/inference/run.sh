#!/usr/bin/env bash
# TorchScript inference from Java, side by side: torch4j-libtorch, the bare JavaCPP calls, DJL 0.36.
#
#   benchmarks/inference/run.sh            (from anywhere; prints JMH's table, writes JSON under benchmarks/results/)
#
# Builds the module (-Pbench), writes the workloads with real PyTorch (/usr/bin/python3:
# java/libtorch/src/test/python/gen_inference_fixtures.py), then runs JMH: 1 fork per engine and
# workload, WARMUP x 1 s warm-up, ITERS x 1 s measurement. DJL runs offline (-Dai.djl.offline=true) from
# its pytorch-native-cpu jar. Settings: WARMUP=2 ITERS=3 BENCH='<JMH regex>' MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "OpenBLAS environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-auto} (see java/libtorch/README.md)"
WARMUP=${WARMUP:-2}; ITERS=${ITERS:-3}; BENCH=${BENCH:-InferenceBench}
DIR=benchmarks/inference/target/workloads
MVN=./mvnw; [ -x "$MVN" ] || MVN=mvn
$MVN -B -q ${MVN_FLAGS:-} -Pbench -pl benchmarks/inference -am package -DskipTests
[ -f "$DIR/mlp.pt" ] || /usr/bin/python3 java/libtorch/src/test/python/gen_inference_fixtures.py "$DIR"
mkdir -p benchmarks/results
OUT=benchmarks/results/inference-$(date +%Y%m%d-%H%M%S).json
java -cp "benchmarks/inference/target/classes:benchmarks/inference/target/lib/*" -Dtorch4j.infer.dir="$DIR" \
  org.openjdk.jmh.Main "$BENCH" -f 1 -wi "$WARMUP" -i "$ITERS" -jvmArgsAppend "-Dtorch4j.infer.dir=$PWD/$DIR" \
  -rf json -rff "$OUT"
echo "results: $OUT"

# CPU time per call (robust on a loaded machine; 1 intra-op thread, one JVM per engine and workload).
for w in mlp_1 cnn_1 cnn_32; do
  for e in torch4j torch4j-runner javacpp djl; do
    # The MLP's warm-up is long: below ~20000 calls the JIT has not settled and the Java-side share swings.
    warm=20000; calls=10000; [ "$w" = cnn_32 ] && warm=100 && calls=200; [ "$w" = cnn_1 ] && warm=1000 && calls=1000
    java -Xms512m -Xmx512m -Dai.djl.offline=true -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 \
      -cp "benchmarks/inference/target/classes:benchmarks/inference/target/lib/*" \
      dev.torch4j.bench.infer.CpuTime "$e" "$w" "$DIR" "$warm" "$calls" 2>/dev/null | grep '^{'
  done
done | tee "${OUT%.json}-cputime.jsonl"
