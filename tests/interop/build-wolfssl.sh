#!/usr/bin/env bash
# Build wolfSSL 5.7.2 with DTLS 1.3 support from Debian's `trixie` source
# package, for interoperability tests.
#
# The build lives in a cache directory outside the repository clone:
#     ${DTLS13_CACHE:-$HOME/.cache/dtls13}/wolfssl-5.7.2
# and the build tree (containing examples/server/server and
# examples/client/client) is printed as the LAST line of stdout.  All progress
# output goes to stderr.
#
# Idempotent: a stamp file is written only after a successful build and a
# passing smoke test; when it is present (and matches this script's configure
# flags) the script prints the path and exits at once.  An interrupted or
# failed build is redone from a fresh extraction of the downloaded source
# package on the next run (the download itself is kept once complete).
#
# Needs root (or password-less sudo) only for the apt steps: adding a deb-src
# entry for trixie (derived from the machine's own apt sources; no mirror is
# hard-coded), `apt-get update`, and installing the build tools.
#
# Environment:
#   DTLS13_CACHE          cache root (default: $HOME/.cache/dtls13)
#   DTLS13_JOBS           make parallelism (default: 2)
#   DTLS13_DEBIAN_MIRROR  Debian mirror URI to use instead of the one derived
#                         from /etc/apt sources
#   DTLS13_VERBOSE=1      stream the build output to stderr instead of only
#                         writing it to the build log
set -euo pipefail

# Keep stdout for the final path only; everything else goes to stderr.
exec 3>&1 1>&2

readonly WOLFSSL_VERSION="5.7.2"
readonly DEBIAN_SUITE="trixie"
readonly SRC_LIST_FILE="/etc/apt/sources.list.d/dtls13-trixie-src.sources"
readonly CONFIGURE_FLAGS=(
  --enable-dtls --enable-dtls13 --enable-dtlscid --enable-dtls-frag-ch
  --enable-session-ticket --enable-earlydata --enable-psk --enable-postauth
  --enable-hrrcookie --enable-curve25519 --enable-ed25519 --enable-chacha
  --enable-poly1305 --enable-aesccm --enable-alpn --enable-sni --enable-srtp
  --disable-shared
  # wolfSSL_dtls_set_mtu, and the example programs' -u<N> (e.g. -u300; plain -u keeps the default MTU): the DTLS 1.2
  # small-MTU interop tests make wolfSSL fragment its own flights too.
  --enable-dtls-mtu
  # The example programs keep the handshake randoms (wolfSSL_KeepArrays) only with this,
  # and without them cannot print the DTLS-SRTP keys the interop tests compare with ours.
  CPPFLAGS=-DHAVE_SECRET_CALLBACK
)

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf '[build-wolfssl] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"

CACHE_ROOT="${DTLS13_CACHE:-${HOME:?HOME is not set}/.cache/dtls13}"
# Resolve without creating anything, so a bad DTLS13_CACHE never litters the clone.
CACHE_ROOT="$(realpath -m -- "$CACHE_ROOT")"
case "$CACHE_ROOT/" in
  "$REPO_ROOT"/*) die "cache dir $CACHE_ROOT is inside the repository ($REPO_ROOT); set DTLS13_CACHE elsewhere" ;;
esac
mkdir -p "$CACHE_ROOT"

BASE_DIR="$CACHE_ROOT/wolfssl-$WOLFSSL_VERSION"
BUILD_DIR="$BASE_DIR/build"          # in-tree build; printed at the end
DOWNLOAD_DIR="$BASE_DIR/download"    # .dsc + tarballs from apt-get source
DOWNLOAD_STAMP="$DOWNLOAD_DIR/.download-complete"
BUILD_STAMP="$BASE_DIR/.build-complete"
BUILD_LOG="$BASE_DIR/build.log"

# The stamp records the configure flags so a change to them forces a rebuild.
STAMP_CONTENT="wolfssl=$WOLFSSL_VERSION flags=${CONFIGURE_FLAGS[*]}"

build_is_complete() {
  [[ -f "$BUILD_STAMP" ]] &&
    [[ "$(head -n 1 "$BUILD_STAMP")" == "$STAMP_CONTENT" ]] &&
    [[ -x "$BUILD_DIR/examples/server/server" ]] &&
    [[ -x "$BUILD_DIR/examples/client/client" ]]
}

finish() {
  printf '%s\n' "$BUILD_DIR" >&3
  exit 0
}

# ---------------------------------------------------------------- fast path
if build_is_complete; then
  log "complete build already present in $BUILD_DIR"
  finish
fi

mkdir -p "$BASE_DIR"

# Serialise concurrent runs (e.g. parallel CI jobs sharing a cache).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BASE_DIR/.lock"
  log "waiting for lock $BASE_DIR/.lock"
  flock 9
  if build_is_complete; then
    log "complete build present in $BUILD_DIR (built by a concurrent run)"
    finish
  fi
fi

# ------------------------------------------------------------- privileges
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    SUDO=(__no_root__)
  fi
fi

as_root() {
  if [[ "${SUDO[0]:-}" == "__no_root__" ]]; then
    die "need root (or password-less sudo) to run: $*"
  fi
  "${SUDO[@]}" "$@" </dev/null
}

SRC_CHANGED=0
APT_GET=(apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# ----------------------------------------------------- deb-src for trixie
# Print "URI<TAB>SIGNED-BY" for every enabled Debian main-archive entry in the
# machine's apt sources (deb822 .sources and classic one-line .list formats).
list_debian_mirrors() {
  local f
  local files=()
  if [[ -f /etc/apt/sources.list ]]; then files+=(/etc/apt/sources.list); fi
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    if [[ -f "$f" && "$f" != "$SRC_LIST_FILE" ]]; then files+=("$f"); fi
  done
  if [[ ${#files[@]} -eq 0 ]]; then return 0; fi
  for f in "${files[@]}"; do
    case "$f" in
      *.sources)
        awk '
          function flush() {
            if (uris != "" && types ~ /(^|[ \t])deb(-src)?([ \t]|$)/ && tolower(enabled) != "no") {
              n = split(uris, u, /[ \t]+/)
              for (i = 1; i <= n; i++) if (u[i] != "") printf "%s\t%s\n", u[i], signed
            }
            types = ""; uris = ""; signed = ""; enabled = ""; field = ""
          }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          /^[ \t]/ { next }   # continuation line (e.g. an embedded key block)
          {
            field = tolower($0); sub(/:.*/, "", field)
            val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
            if (field == "types") types = val
            else if (field == "uris") uris = val
            else if (field == "enabled") enabled = val
            else if (field == "signed-by") { if (val ~ /^\//) signed = val }
          }
          END { flush() }
        ' "$f"
        ;;
      *)
        awk '
          /^[ \t]*#/ || NF == 0 { next }
          $1 == "deb" || $1 == "deb-src" {
            signed = ""; i = 2
            if ($2 ~ /^\[/) {
              opts = ""
              for (; i <= NF; i++) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } }
              if (match(opts, /signed-by=[^] \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
            }
            if (i <= NF) printf "%s\t%s\n", $i, signed
          }
        ' "$f"
        ;;
    esac
  done | awk -F '\t' '
    # Keep only the main Debian archive (…/debian or snapshot …/archive/debian/<date>),
    # not debian-security, debian-ports or third-party repositories.
    { u = $1; sub(/\/+$/, "", u) }
    u ~ /^(https?|ftp|file|mirror(\+[a-z]+)?):\/\// && (u ~ /\/debian$/ || u ~ /\/archive\/debian\/[0-9TZ]+$/) {
      if (!seen[u]++) printf "%s\t%s\n", u, $2
    }
  '
}

ensure_trixie_deb_src() {
  local mirror signed line content
  if [[ -n "${DTLS13_DEBIAN_MIRROR:-}" ]]; then
    mirror="$DTLS13_DEBIAN_MIRROR"
    signed=""
  else
    line="$(list_debian_mirrors | sed -n 1p)"
    [[ -n "$line" ]] || die "could not find a Debian mirror in /etc/apt/sources.list{,.d/*}; set DTLS13_DEBIAN_MIRROR"
    mirror="${line%%$'\t'*}"
    signed="${line#*$'\t'}"
  fi
  if [[ -z "$signed" || ! -f "$signed" ]]; then signed=""; fi
  if [[ -z "$signed" && -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    signed=/usr/share/keyrings/debian-archive-keyring.gpg
  fi
  log "using Debian mirror $mirror for $DEBIAN_SUITE deb-src${signed:+ (keyring $signed)}"

  content="# Added by tests/interop/build-wolfssl.sh (wolfSSL $WOLFSSL_VERSION for DTLS 1.3 interop)
Types: deb-src
URIs: $mirror
Suites: $DEBIAN_SUITE
Components: main"
  if [[ -n "$signed" ]]; then content+=$'\n'"Signed-By: $signed"; fi

  SRC_CHANGED=0
  if [[ -f "$SRC_LIST_FILE" ]] && [[ "$(cat "$SRC_LIST_FILE")" == "$content" ]]; then
    log "$SRC_LIST_FILE already up to date"
    return 0
  fi
  log "writing $SRC_LIST_FILE"
  printf '%s\n' "$content" >"$BASE_DIR/apt-src.tmp"
  as_root install -m 0644 "$BASE_DIR/apt-src.tmp" "$SRC_LIST_FILE.tmp"
  as_root mv -f "$SRC_LIST_FILE.tmp" "$SRC_LIST_FILE"
  rm -f "$BASE_DIR/apt-src.tmp"
  SRC_CHANGED=1
}

# Highest source version of wolfssl matching $WOLFSSL_VERSION known to apt.
pick_source_version() {
  apt-cache showsrc wolfssl 2>/dev/null |
    awk '/^Version:/ { print $2 }' |
    grep -E "^([0-9]+:)?${WOLFSSL_VERSION//./\\.}(-|\+|~|$)" |
    sort -V | sed -n '$p' || true
}

download_source() {
  local ver tmp dsc dsc_ver
  ensure_trixie_deb_src
  ver="$(pick_source_version)"
  if [[ "$SRC_CHANGED" -eq 1 || -z "$ver" ]]; then
    log "apt-get update"
    as_root apt-get -q update
    ver="$(pick_source_version)"
  fi
  [[ -n "$ver" ]] || die "no wolfssl $WOLFSSL_VERSION source package found (apt-cache showsrc wolfssl: $(apt-cache showsrc wolfssl 2>/dev/null | awk '/^Version:/{printf "%s ", $2}'))"
  log "selected source package wolfssl=$ver"

  tmp="$BASE_DIR/download.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # When running as root apt cannot drop privileges to _apt for a directory
  # it does not own; that only produces a notice.  --download-only: we
  # extract ourselves (fresh for every build attempt).
  (cd "$tmp" && apt-get -q source --download-only --only-source "wolfssl=$ver" </dev/null)
  dsc="$(ls "$tmp"/wolfssl_*.dsc 2>/dev/null | sed -n 1p || true)"
  [[ -n "$dsc" ]] || die "apt-get source produced no .dsc"
  dsc_ver="$(awk '/^Version:/ { print $2; exit }' "$dsc")"
  [[ "$dsc_ver" == "$ver" ]] || die "downloaded wolfssl $dsc_ver, expected $ver"
  printf '%s\n' "$ver" >"$tmp/.download-complete"
  rm -rf "$DOWNLOAD_DIR"
  mv "$tmp" "$DOWNLOAD_DIR"
  log "downloaded wolfssl $ver into $DOWNLOAD_DIR"
}

ensure_build_tools() {
  local missing=() t
  for t in gcc make autoconf automake libtoolize dpkg-source; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "build tools present"
    return
  fi
  log "installing build tools (missing: ${missing[*]})"
  if ! as_root "${APT_GET[@]}" install build-essential autoconf automake libtool dpkg-dev; then
    log "install failed; retrying after apt-get update"
    as_root apt-get -q update
    as_root "${APT_GET[@]}" install build-essential autoconf automake libtool dpkg-dev
  fi
}

run_logged() {
  if [[ "${DTLS13_VERBOSE:-0}" == "1" ]]; then
    "$@" 2>&1 | tee -a "$BUILD_LOG" >&2
  else
    "$@" >>"$BUILD_LOG" 2>&1
  fi
}

on_build_error() {
  log "build failed; last lines of $BUILD_LOG:"
  tail -n 40 "$BUILD_LOG" >&2 || true
}

# ------------------------------------------------------------------- main
start_ts=$(date +%s)
rm -f "$BUILD_STAMP"

# dpkg-source is needed for extraction, so make sure tools are there first.
ensure_build_tools

if [[ -f "$DOWNLOAD_STAMP" ]] && ls "$DOWNLOAD_DIR"/wolfssl_*.dsc >/dev/null 2>&1; then
  log "using downloaded source package $(cat "$DOWNLOAD_STAMP") in $DOWNLOAD_DIR"
else
  download_source
fi
PKG_VERSION="$(cat "$DOWNLOAD_STAMP")"

# Always start from a fresh extraction: a previous attempt may have died
# half-way through autogen/configure/make.
log "extracting source into $BUILD_DIR"
rm -rf "$BUILD_DIR" "$BUILD_DIR.tmp"
: >"$BUILD_LOG"
dpkg-source --no-copy -x "$(ls "$DOWNLOAD_DIR"/wolfssl_*.dsc | sed -n 1p)" "$BUILD_DIR.tmp" >>"$BUILD_LOG" 2>&1 ||
  { on_build_error; die "dpkg-source -x failed"; }
mv "$BUILD_DIR.tmp" "$BUILD_DIR"   # before building: libtool wrappers embed absolute paths
[[ -x "$BUILD_DIR/autogen.sh" ]] || die "$BUILD_DIR/autogen.sh missing"

trap on_build_error ERR
cd "$BUILD_DIR"
log "autogen.sh (log: $BUILD_LOG)"
run_logged ./autogen.sh
log "configure ${CONFIGURE_FLAGS[*]}"
run_logged ./configure "${CONFIGURE_FLAGS[@]}"
log "make -j${DTLS13_JOBS:-2}"
run_logged make -j"${DTLS13_JOBS:-2}"
trap - ERR

# ------------------------------------------------------------ smoke test
for feature in WOLFSSL_DTLS WOLFSSL_DTLS13 WOLFSSL_DTLS_CID; do
  grep -qE "^#define ${feature}\b" wolfssl/options.h || die "$feature not enabled in wolfssl/options.h"
done
for prog in client server; do
  exe="examples/$prog/$prog"
  [[ -x "$exe" ]] || die "$exe was not built"
  # `-?` prints the option list; the first run also lets the libtool wrapper
  # finish any relinking so later runs start quickly.
  help="$("./$exe" '-?' </dev/null 2>&1 || true)"
  grep -q -- "$WOLFSSL_VERSION" <<<"$help" && grep -q -- '-u ' <<<"$help" &&
    grep -q -- '-v <num>' <<<"$help" ||
    die "$exe -? did not print the expected option list: $(head -n 5 <<<"$help")"
done
log "smoke test passed (client/server -? print their options; DTLS 1.3 enabled)"

printf '%s\nsource package: wolfssl %s\nbuilt: %s\n' "$STAMP_CONTENT" "$PKG_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BUILD_STAMP.tmp"
mv "$BUILD_STAMP.tmp" "$BUILD_STAMP"
log "built wolfssl $PKG_VERSION in $(( $(date +%s) - start_ts ))s"
finish
