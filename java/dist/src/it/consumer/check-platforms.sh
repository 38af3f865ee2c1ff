#!/bin/sh
# Resolves the consumer project's dependency tree (POMs only, nothing is downloaded: the local
# ~/.m2 is used as a read-only file:// mirror, the torch4j POMs of this build are placed in a
# private local repository) for several javacpp.platform values, and checks the native
# classifiers each one gets. Usage: check-platforms.sh <repo root> <version> <work dir>
set -eu
root=$1; version=$2; work=$3
m2=${M2_REPO:-$HOME/.m2/repository}
rm -rf "$work"; mkdir -p "$work/.mvn" "$work/repo"
sed "s/@torch4j.version@/$version/" "$root/java/dist/src/it/consumer/pom.xml" > "$work/pom.xml"

# This build's POMs, laid out as `mvn install` would, in a repository only this check uses.
put() { # artifactId pom-file
  d="$work/repo/dev/torch4j/$1/$version"; mkdir -p "$d"; cp "$2" "$d/$1-$version.pom"
}
put torch4j-parent "$root/pom.xml"
put torch4j-bom "$root/java/bom/pom.xml"
for m in core native libtorch; do put "torch4j-$m" "$root/java/$m/pom.xml"; done

cat > "$work/settings.xml" <<XML
<settings><mirrors><mirror><id>local-cache</id><mirrorOf>*</mirrorOf><url>file://$m2</url></mirror></mirrors></settings>
XML

tree() { # javacpp.platform (or "" for the OS default) -> dependency tree text
  out="$work/tree-${1:-default}.txt"
  prop=""; [ -n "$1" ] && prop="-Djavacpp.platform=$1"
  (cd "$work" && "${MVN:-mvn}" -B -q -s settings.xml -Dmaven.repo.local="$work/repo" $prop \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree -DoutputFile="$out" >"$work/mvn-${1:-default}.log" 2>&1) \
    || { cat "$work/mvn-${1:-default}.log" >&2; echo "check-platforms: resolution failed for ${1:-default}" >&2; exit 1; }
  cat "$out"
}
fail() { echo "check-platforms: $*" >&2; exit 1; }

for p in macosx-arm64 windows-x86_64; do
  t=$(tree "$p")
  for a in "org.bytedeco:javacpp:jar:$p:" "org.bytedeco:pytorch:jar:$p:" "org.bytedeco:openblas:jar:$p:0.3.31-1.5.13"; do
    echo "$t" | grep -q "$a" || fail "$p: $a missing in: $t"
  done
  echo "$t" | grep -q "linux-x86_64" && fail "$p: linux natives resolved: $t"
  echo "$t" | grep -q "torch4j-native:jar:$p" && fail "$p: there is no torch4j-native jar for $p: $t"
  echo "check-platforms: $p ok"
done
t=$(tree linux-arm64)
echo "$t" | grep -q "dev.torch4j:torch4j-native:jar:linux-arm64:$version" || fail "linux-arm64: torch4j-native's platform jar missing: $t"
echo "$t" | grep -q "org.bytedeco:pytorch:jar:linux-arm64:" || fail "linux-arm64: pytorch natives missing: $t"
echo "check-platforms: linux-arm64 ok"
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  t=$(tree "")
  echo "$t" | grep -q "dev.torch4j:torch4j-native:jar:linux-x86_64:$version" || fail "OS default: torch4j-native's platform jar missing: $t"
  echo "$t" | grep -q "org.bytedeco:pytorch:jar:linux-x86_64:" || fail "OS default: pytorch natives missing: $t"
  echo "check-platforms: OS default (linux-x86_64) ok"
fi
echo "$t" | grep -q "0.3.34" && fail "openblas 0.3.34 (not on Maven Central) is named: $t"
echo "check-platforms: all ok"
