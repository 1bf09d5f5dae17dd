#!/usr/bin/env bash
# The FHIR R4 reference validator (HAPI FHIR's instance validator, offline), built once and cached.
#
#   tools/fhir-validator/validator.sh build        resolve the jars (Maven Central) and compile, unless cached
#   tools/fhir-validator/validator.sh check DIR    validate every *.json in DIR in one JVM; JSON report on stdout
#   tools/fhir-validator/validator.sh check -      the same for one JSON resource per line of stdin
#
# `check` builds first when needed. Exit status of check: 0 no error, 1 errors found, 2 bad input,
# 3 the validator could not be built or run (no java/javac/mvn, or Maven failed): see stderr.
# The cache lives in $MEDISYNC_FHIR_VALIDATOR_DIR (default <repo>/.venv/fhir-validator) and is keyed by
# the sha256 of pom.xml and FhirValidate.java. MAVEN_ARGS_EXTRA passes extra flags to the one-off mvn.
# See docs/decisions.md D59.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
DEST=${MEDISYNC_FHIR_VALIDATOR_DIR:-$ROOT/.venv/fhir-validator}
POM=$SCRIPT_DIR/pom.xml
SOURCE=$SCRIPT_DIR/FhirValidate.java

die() { echo "fhir-validator: error: $*" >&2; exit 3; }
log() { echo "fhir-validator: $*" >&2; }

wanted_hash() { cat "$POM" "$SOURCE" | sha256sum | cut -d' ' -f1; }

is_built() {
  [[ -f $DEST/.sha256 && $(cat "$DEST/.sha256") == "$(wanted_hash)" && -f $DEST/classes/FhirValidate.class ]]
}

need_tools() {  # $@: the tools needed besides java
  local tool
  for tool in java "$@"; do
    command -v "$tool" >/dev/null 2>&1 \
      || die "'$tool' not found on PATH: the FHIR validator needs a JDK 17+ (java, javac) and Maven (mvn)"
  done
  local ver
  ver=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ ${ver%%.*} =~ ^[0-9]+$ ]] && (( ${ver%%.*} >= 17 )) \
    || die "HAPI FHIR 8 needs Java 17+, found java.specification.version='$ver'"
}

build() {
  if is_built; then need_tools; return 0; fi
  need_tools javac mvn
  mkdir -p "$(dirname "$DEST")"
  local tmp=$DEST.tmp.$$
  rm -rf "$tmp" && mkdir -p "$tmp"
  log "resolving HAPI FHIR validator jars from Maven Central into $DEST (one-off) ..."
  # shellcheck disable=SC2086
  if ! mvn -q -B -f "$POM" ${MAVEN_ARGS_EXTRA:-} dependency:copy-dependencies \
        -DoutputDirectory="$tmp/libs" -DincludeScope=runtime >"$tmp/mvn.log" 2>&1; then
    tail -n 30 "$tmp/mvn.log" >&2 || true
    die "mvn could not resolve the validator's jars (log above)"
  fi
  javac -nowarn -d "$tmp/classes" -cp "$tmp/libs/*" "$SOURCE" || die "javac failed on $SOURCE"
  wanted_hash >"$tmp/.sha256"
  rm -rf "$DEST" && mv "$tmp" "$DEST"
  log "ready: $(ls "$DEST/libs" | wc -l) jars, $(du -sh "$DEST" | cut -f1)"
}

check() {
  [[ $# -eq 1 ]] || { echo "usage: $0 check DIR|-" >&2; exit 2; }
  build
  # Serial GC and C1 only: on 2 cores, 131 resources took 18 s this way, 24 s with C2 and 40 s with the
  # default G1 (D59).
  exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss4m -Xmx1g \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.logFile=System.err \
    -Dorg.slf4j.simpleLogger.log.ca.uhn.fhir.parser.LenientErrorHandler=error \
    -cp "$DEST/classes:$DEST/libs/*" FhirValidate "$1"
}

case ${1:-} in
  build) build ;;
  check) shift; check "$@" ;;
  *) echo "usage: $0 build | check DIR|-" >&2; exit 2 ;;
esac
