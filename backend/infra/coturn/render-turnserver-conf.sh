#!/usr/bin/env bash
# Renders a ready turnserver.conf from turnserver.conf.example and the values in .env.turn, so nobody edits
# placeholders by hand.
#
#   ./render-turnserver-conf.sh [--env FILE] [--template FILE] [--out FILE]
#
# Defaults: --env .env.turn and --template turnserver.conf.example next to this script; without --out the result
# goes to stdout. The output holds the TURN secret: it is written with mode 0600 (umask 077).
#
# Fails (exit 2, nothing written) with a message naming the variable when a required value is missing, empty, still
# a "<...>" placeholder or malformed, or when any placeholder is left in the output. The .env file is PARSED
# (KEY=VALUE lines, '#' comments, optional surrounding quotes), never sourced: it cannot run commands.
# Pure bash (no envsubst, no sed), so it also runs in a minimal container.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true   # bash 5.2: keep '&' literal in ${var//pattern/replacement}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
env_file="$here/.env.turn"
template="$here/turnserver.conf.example"
out=""

die() { echo "render-turnserver-conf: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --env) env_file="${2:?--env needs a file}"; shift 2 ;;
    --template) template="${2:?--template needs a file}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done

[[ -r "$env_file" ]] || die "cannot read the env file '$env_file' (copy .env.turn.example to .env.turn and fill it in)"
[[ -r "$template" ]] || die "cannot read the template '$template'"

# Defaults for the values the example file pre-fills; everything else must come from the env file.
declare -A val=(
  [TURN_LISTEN_PORT]=3478 [TURN_TLS_PORT]=5349 [TURN_MIN_PORT]=49152 [TURN_MAX_PORT]=65535
  [TURN_CERT_FILE]=/etc/coturn/certs/fullchain.pem [TURN_PKEY_FILE]=/etc/coturn/certs/privkey.pem
  [TURN_USER_QUOTA]=30 [TURN_TOTAL_QUOTA]=2000 [TURN_MAX_BPS]=1000000 [TURN_BPS_CAPACITY]=100000000
  [TURN_SECRET_PREVIOUS]=""
)
optional=(TURN_SECRET_PREVIOUS)
required=(TURN_PUBLIC_IP TURN_REALM_FQDN TURN_SECRET TURN_LISTEN_PORT TURN_TLS_PORT TURN_MIN_PORT TURN_MAX_PORT
          TURN_CERT_FILE TURN_PKEY_FILE TURN_USER_QUOTA TURN_TOTAL_QUOTA TURN_MAX_BPS TURN_BPS_CAPACITY)

lineno=0
while IFS= read -r line || [[ -n "$line" ]]; do
  lineno=$((lineno + 1))
  line="${line%$'\r'}"
  [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
  [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Z][A-Z0-9_]*)=(.*)$ ]] \
    || die "$env_file:$lineno: not a KEY=VALUE line"
  key="${BASH_REMATCH[2]}"; value="${BASH_REMATCH[3]}"
  # strip a trailing " # comment" only for unquoted values, then surrounding whitespace and quotes
  if [[ "$value" =~ ^\"(.*)\"[[:space:]]*$ || "$value" =~ ^\'(.*)\'[[:space:]]*$ ]]; then
    value="${BASH_REMATCH[1]}"
  else
    value="${value%%[[:space:]]#*}"
    value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
  fi
  val[$key]="$value"
done < "$env_file"

is_placeholder() { [[ "$1" == *"<"*">"* || "$1" == *"change-me"* || "$1" == *"CHANGE_ME"* ]]; }

for k in "${required[@]}"; do
  v="${val[$k]-}"
  [[ -n "$v" ]] || die "$k: missing or empty in $env_file"
  ! is_placeholder "$v" || die "$k: still a placeholder ('$v') in $env_file; put the real value there"
done
for k in "${optional[@]}"; do
  v="${val[$k]-}"
  [[ -z "$v" ]] || ! is_placeholder "$v" || die "$k: still a placeholder ('$v') in $env_file; set it or leave it empty"
done

ipv4='^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$'
[[ "${val[TURN_PUBLIC_IP]}" =~ $ipv4 || "${val[TURN_PUBLIC_IP]}" =~ ^[0-9a-fA-F:]+:[0-9a-fA-F:]*$ ]] \
  || die "TURN_PUBLIC_IP: '${val[TURN_PUBLIC_IP]}' is not an IP address (the VM's static public IPv4, e.g. 203.0.113.10)"
[[ "${val[TURN_REALM_FQDN]}" =~ ^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$ ]] \
  || die "TURN_REALM_FQDN: '${val[TURN_REALM_FQDN]}' is not a host name (e.g. turn.example.org)"
for k in TURN_SECRET TURN_SECRET_PREVIOUS; do
  v="${val[$k]}"
  [[ -z "$v" && "$k" == TURN_SECRET_PREVIOUS ]] && continue
  (( ${#v} >= 16 )) || die "$k: too short (${#v} characters); use at least 16, e.g. \`openssl rand -hex 32\`"
  [[ "$v" =~ ^[A-Za-z0-9._~+/=-]+$ ]] \
    || die "$k: use only letters, digits and . _ ~ + / = - (no spaces, quotes or '#': coturn's config parser would cut it)"
done
[[ "${val[TURN_SECRET_PREVIOUS]}" != "${val[TURN_SECRET]}" ]] \
  || die "TURN_SECRET_PREVIOUS: equals TURN_SECRET; it must hold the OLD secret during a rotation (or be empty)"
for k in TURN_LISTEN_PORT TURN_TLS_PORT TURN_MIN_PORT TURN_MAX_PORT; do
  [[ "${val[$k]}" =~ ^[0-9]{1,5}$ ]] && (( 10#${val[$k]} >= 1 && 10#${val[$k]} <= 65535 )) || die "$k: '${val[$k]}' is not a port (1..65535)"
done
(( 10#${val[TURN_MIN_PORT]} < 10#${val[TURN_MAX_PORT]} )) \
  || die "TURN_MIN_PORT: ${val[TURN_MIN_PORT]} must be below TURN_MAX_PORT ${val[TURN_MAX_PORT]}"
for k in TURN_USER_QUOTA TURN_TOTAL_QUOTA TURN_MAX_BPS TURN_BPS_CAPACITY; do
  [[ "${val[$k]}" =~ ^[0-9]{1,12}$ ]] || die "$k: '${val[$k]}' is not a non-negative whole number"
done
(( 10#${val[TURN_USER_QUOTA]} > 0 )) || die "TURN_USER_QUOTA: 0 means unlimited in coturn; set a limit (e.g. 30)"
for k in TURN_CERT_FILE TURN_PKEY_FILE; do
  [[ "${val[$k]}" == /* && "${val[$k]}" != *[[:space:]]* ]] || die "$k: '${val[$k]}' must be an absolute path without spaces (as seen by coturn)"
done

rendered=""
while IFS= read -r line || [[ -n "$line" ]]; do
  skip=0
  for k in "${optional[@]}"; do
    [[ -z "${val[$k]}" && "$line" == *"<$k>"* ]] && skip=1
  done
  (( skip )) && continue
  if [[ "$line" != \#* ]]; then
    for k in "${!val[@]}"; do
      line="${line//"<$k>"/"${val[$k]}"}"
    done
  fi
  rendered+="$line"$'\n'
done < "$template"

left="$(grep -v '^[[:space:]]*#' <<<"$rendered" | grep -o '<TURN_[A-Z0-9_]*>' | sort -u | tr '\n' ' ' || true)"
[[ -z "$left" ]] || die "unknown placeholder(s) left in the template: $left(add them to $env_file)"
if grep -Eq '^[[:space:]]*(allow-loopback-peers|no-auth|lt-cred-mech|user=)' <<<"$rendered"; then
  die "the template enables allow-loopback-peers, no-auth, lt-cred-mech or a static user: refusing to render an insecure config"
fi

if [[ -n "$out" ]]; then
  tmp="$(umask 077; mktemp "${out}.XXXXXX")"
  printf '%s' "$rendered" > "$tmp"
  chmod 0600 "$tmp"
  mv -f "$tmp" "$out"
  echo "render-turnserver-conf: wrote $out" >&2
else
  printf '%s' "$rendered"
fi
