#!/usr/bin/env bash
# ./qring fuzz [duration] — coverage-guided fuzzing of the packet parsers (Jazzer), one run per target.
# duration: Jazzer's syntax (10s, 5m, 1h); default 5m per target. `./qring test` runs it briefly (FUZZ_BRIEF, 10s).
# A finding is saved as a reproducer under backend/socketio/src/test/resources/dev/qring/socketio/ParserFuzzTestInputs/
# and fails the run; commit it with the fix so the regression run keeps checking it. Details: backend/socketio/FUZZING.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib.sh"
DURATION="${1:-5m}"
# Test classes must be compiled (and qring-engineio installed): `./qring test` has done both; otherwise build them.
if [ ! -d "$ROOT/backend/socketio/target/test-classes/dev/qring/socketio" ]; then
  "${MVN[@]}" -pl socketio -am -DskipTests install
fi
for target in socketIoPacket engineIoPayload; do
  echo "qring fuzz: $target for $DURATION"
  # instrumentation_includes: the Engine.IO parser comes from a jar, which Jazzer would not instrument by default.
  JAZZER_FUZZ=1 mvn -B -q -f "$ROOT/backend/pom.xml" -pl socketio surefire:test -Dtest="ParserFuzzTest#$target" \
    -Djazzer.max_duration="$DURATION" -Djazzer.instrumentation_includes='dev.qring.**' -Dsurefire.failIfNoSpecifiedTests=false
done
echo "qring fuzz: no findings"
