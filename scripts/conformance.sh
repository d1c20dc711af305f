#!/usr/bin/env bash
# ./qring conformance socketio|engineio — protocol conformance servers on port 3000, in the foreground.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib.sh"
mode="${1:-}"
case "$mode" in socketio|engineio) ;; *) echo "usage: ./qring conformance socketio|engineio" >&2; exit 2 ;; esac
"${MVN[@]}" -DskipTests -pl conformance -am install
# classpath via a file: on stdout, Maven's ANSI colour codes would corrupt the first and last entries
CPFILE="$ROOT/backend/conformance/target/runtime-classpath.txt"
"${MVN[@]}" -pl conformance dependency:build-classpath -Dmdep.outputFile="$CPFILE" >/dev/null
CP="$(cat "$CPFILE")"
exec java -cp "$ROOT/backend/conformance/target/classes:$CP" dev.qring.conformance.ConformanceMain "$mode"
