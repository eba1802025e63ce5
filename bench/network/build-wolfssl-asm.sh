#!/usr/bin/env bash
# A second wolfSSL 5.7.2 build, from the same Debian source package as
# tests/interop/build-wolfssl.sh, with the x86-64 assembly paths on
# (--enable-intelasm --enable-sp --enable-sp-asm): the network bench's
# "C with assembly" anchor. The interop build is left as it is.
#
# The build lives next to the interop one, outside the clone:
#     ${DTLS13_CACHE:-$HOME/.cache/dtls13}/wolfssl-5.7.2-asm/build
# and its path is printed as the LAST line of stdout (progress on stderr).
# Idempotent: a stamp holding the configure flags is written only after a
# successful build; when it matches, the script prints the path at once.
#
# The source package comes from the interop build's download (that script is
# run first, which fetches it once and needs root only for its apt steps).
#
# Environment: DTLS13_CACHE, DTLS13_JOBS (make parallelism, default 2).
set -euo pipefail
exec 3>&1 1>&2

readonly WOLFSSL_VERSION="5.7.2"
# The interop flags plus the assembly ones; must stay a superset of what the bench's C peer needs.
readonly CONFIGURE_FLAGS=(
  --enable-dtls --enable-dtls13 --enable-dtlscid --enable-dtls-frag-ch
  --enable-session-ticket --enable-earlydata --enable-psk --enable-postauth
  --enable-hrrcookie --enable-curve25519 --enable-ed25519 --enable-chacha
  --enable-poly1305 --enable-aesccm --disable-shared
  --enable-intelasm --enable-sp --enable-sp-asm
)

log() { printf '[build-wolfssl-asm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
CACHE_ROOT="$(realpath -m -- "${DTLS13_CACHE:-${HOME:?HOME is not set}/.cache/dtls13}")"
case "$CACHE_ROOT/" in
  "$REPO_ROOT"/*) die "cache dir $CACHE_ROOT is inside the repository ($REPO_ROOT); set DTLS13_CACHE elsewhere" ;;
esac

BASE_DIR="$CACHE_ROOT/wolfssl-$WOLFSSL_VERSION-asm"
BUILD_DIR="$BASE_DIR/build"
BUILD_STAMP="$BASE_DIR/.build-complete"
BUILD_LOG="$BASE_DIR/build.log"
DOWNLOAD_DIR="$CACHE_ROOT/wolfssl-$WOLFSSL_VERSION/download"
STAMP_CONTENT="wolfssl=$WOLFSSL_VERSION flags=${CONFIGURE_FLAGS[*]}"

build_is_complete() {
  [[ -f "$BUILD_STAMP" ]] && [[ "$(head -n 1 "$BUILD_STAMP")" == "$STAMP_CONTENT" ]] && [[ -f "$BUILD_DIR/src/.libs/libwolfssl.a" ]]
}
finish() {
  printf '%s\n' "$BUILD_DIR" >&3
  exit 0
}

if build_is_complete; then
  log "complete build already present in $BUILD_DIR"
  finish
fi

grep -q -w aes /proc/cpuinfo 2>/dev/null || die "this CPU has no AES-NI: --enable-intelasm would not run here"
mkdir -p "$BASE_DIR"
exec 9>"$BASE_DIR/.lock"
flock 9
if build_is_complete; then finish; fi

# The source package (and the build tools) through the interop build script.
bash "$REPO_ROOT/tests/interop/build-wolfssl.sh" >/dev/null
dsc="$(ls "$DOWNLOAD_DIR"/wolfssl_*.dsc 2>/dev/null | sed -n 1p || true)"
[[ -n "$dsc" ]] || die "no wolfssl source package in $DOWNLOAD_DIR after build-wolfssl.sh"

start_ts=$(date +%s)
rm -f "$BUILD_STAMP"
rm -rf "$BUILD_DIR" "$BUILD_DIR.tmp"
: >"$BUILD_LOG"
log "extracting $(basename "$dsc") into $BUILD_DIR"
dpkg-source --no-copy -x "$dsc" "$BUILD_DIR.tmp" >>"$BUILD_LOG" 2>&1 || die "dpkg-source -x failed (log: $BUILD_LOG)"
mv "$BUILD_DIR.tmp" "$BUILD_DIR"
cd "$BUILD_DIR"
trap 'log "build failed; last lines of $BUILD_LOG:"; tail -n 40 "$BUILD_LOG" >&2' ERR
log "autogen.sh (log: $BUILD_LOG)"
./autogen.sh >>"$BUILD_LOG" 2>&1
log "configure ${CONFIGURE_FLAGS[*]}"
./configure "${CONFIGURE_FLAGS[@]}" >>"$BUILD_LOG" 2>&1
log "make -j${DTLS13_JOBS:-2} (library only)"
make -j"${DTLS13_JOBS:-2}" src/libwolfssl.la >>"$BUILD_LOG" 2>&1
trap - ERR

for feature in WOLFSSL_DTLS13 USE_INTEL_SPEEDUP WOLFSSL_SP_X86_64_ASM; do
  grep -qE "^#define ${feature}\b" wolfssl/options.h || die "$feature not enabled in wolfssl/options.h"
done
printf '%s\nsource package: %s\nbuilt: %s\n' "$STAMP_CONTENT" "$(basename "$dsc")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BUILD_STAMP"
log "built in $(( $(date +%s) - start_ts ))s"
finish
