# Shared helpers for ./qring subcommands (sourced, not run).
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# Finds a JDK 25+ without the user exporting anything: JAVA_HOME if it is new enough,
# else the newest JDK under /usr/lib/jvm (Temurin 25 lives there on these machines).
qring_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* 2>/dev/null | sort -rV) ; do
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$("$cand/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
    if [ "${v:-0}" -ge 25 ] 2>/dev/null; then echo "$cand"; return 0; fi
  done
  echo "qring: no JDK 25 found (looked at JAVA_HOME and /usr/lib/jvm). Install Temurin 25 under /usr/lib/jvm." >&2
  return 1
}
export JAVA_HOME="$(qring_find_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
MVN=(mvn -B -q -f "$ROOT/backend/pom.xml")

qring_need_cmd() { command -v "$1" >/dev/null 2>&1; }

# npm dependencies for test and bench tooling (socket.io, socket.io-client, playwright-core) live in the repo root.
qring_npm_tools() {
  if [ ! -d "$ROOT/node_modules/socket.io-client" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

qring_build() {
  "${MVN[@]}" -DskipTests install
}
