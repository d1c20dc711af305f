#!/usr/bin/env bash
# ./qring run — build (skipping tests) and start the QRing server on embedded defaults.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib.sh"
echo "qring: building (first run downloads Maven and npm dependencies)..."
qring_build
exec java ${QRING_JAVA_OPTS:-} -jar "$ROOT/backend/app/target/qring-app.jar" "$@"
