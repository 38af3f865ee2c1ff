#!/usr/bin/env bash
# The distributions' commands under JDK 17 and JDK 25 (the current long-term release): each must
# exit with its documented status and print nothing unexpected on stderr (no JavaCPP version
# warning, no native-access warning). Usage: .ci/dist-jdks.sh [JDK25_HOME]; run after ./mvnw package.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
platform=java/dist/target/torch4j-$version
pure=java/dist/target/torch4j-$version-java
sample=$pure/sample/mlp_state_dict.pt
jdk25=${1:-/usr/lib/jvm/temurin-25-jdk-amd64}
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect STATUS STDERR_PATTERN DIST ARGS...: STDERR_PATTERN empty means stderr must be empty.
expect() {
  local want=$1 pattern=$2 dist=$3; shift 3
  local got=0
  TORCH4J_NO_CDS=1 "$dist/bin/torch4j" "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" != "$want" ]; then
    echo "dist-jdks: $(basename "$JAVA_HOME"): torch4j $*: exit $got, expected $want"; cat "$tmp/err"; fail=1
  elif [ -z "$pattern" ] && [ -s "$tmp/err" ]; then
    echo "dist-jdks: $(basename "$JAVA_HOME"): torch4j $*: unexpected stderr:"; cat "$tmp/err"; fail=1
  elif [ -n "$pattern" ] && { [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -q "$pattern" "$tmp/err"; }; then
    echo "dist-jdks: $(basename "$JAVA_HOME"): torch4j $*: stderr is not the one line /$pattern/:"; cat "$tmp/err"; fail=1
  fi
}

for home in "$jdk17" "$jdk25"; do
  [ -x "$home/bin/java" ] || { echo "dist-jdks: no JDK at $home"; fail=1; continue; }
  export JAVA_HOME=$home
  rm -rf "$tmp"/*
  expect 0 "" "$pure" inspect "$sample"
  expect 0 "" "$pure" info
  expect 3 "^torch4j: run needs libtorch" "$pure" run "$sample" --input x.npy
  # backport is pure Java (torch4j-core's MobileBackport): the pure distribution runs it.
  expect 2 "^torch4j: $tmp/missing.ptl: no such file" "$pure" backport "$tmp/missing.ptl" "$tmp/o.ptl" --to 5
  if [ -x "$platform/bin/torch4j" ]; then
    expect 0 "" "$platform" info
    expect 0 "" "$platform" convert "$sample" "$tmp/model.safetensors"
    expect 2 "^torch4j: $sample: a zip state dict, not a TorchScript archive" "$platform" run "$sample"
    expect 2 "^torch4j: $tmp/missing.ptl: no such file" "$platform" backport "$tmp/missing.ptl" "$tmp/o.ptl" --to 5
    expect 0 "" "$platform" export-coreml --help
  fi
done
exit $fail
