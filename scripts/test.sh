#!/usr/bin/env bash
# ./qring test — install what the tests need (when missing) and run every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib.sh"
"$ROOT/scripts/install-test-deps.sh"
qring_npm_tools
mvn -B -f "$ROOT/backend/pom.xml" install "$@"
# The parser fuzz targets ran over their saved inputs above (regression mode); now a brief coverage-guided run.
"$ROOT/scripts/fuzz.sh" "${FUZZ_BRIEF:-10s}"
