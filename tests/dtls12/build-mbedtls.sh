#!/usr/bin/env bash
# Build Mbed TLS 3.6's example peers (programs/ssl/ssl_server2, ssl_client2)
# from Debian's `trixie` source package, for the DTLS 1.2 connection ID
# interop tests (tests/dtls12/cid12-mbedtls.test.ts). Mbed TLS 3.6 does
# RFC 9146 CIDs in DTLS 1.2 by default (MBEDTLS_SSL_DTLS_CONNECTION_ID, with
# MBEDTLS_SSL_DTLS_CONNECTION_ID_COMPAT 0: code point 54 and RFC 9146's
# additional data); wolfSSL 5.7.2 does CIDs in DTLS 1.3 only.
#
# The build lives outside the clone, in ${DTLS13_CACHE:-$HOME/.cache/dtls13}/mbedtls-3.6;
# the directory holding ssl_server2 and ssl_client2 is the LAST line of
# stdout; progress goes to stderr. Idempotent: a stamp is written after a
# build whose programs answer query_config for the CID feature.
# The trixie deb-src entry is the one tests/interop/build-wolfssl.sh writes;
# when apt knows no mbedtls 3.6 source, that script is run first.
set -euo pipefail
exec 3>&1 1>&2

readonly MBEDTLS_SERIES="3.6"
log() { printf '[build-mbedtls] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CACHE_ROOT="$(realpath -m -- "${DTLS13_CACHE:-${HOME:?HOME is not set}/.cache/dtls13}")"
BASE_DIR="$CACHE_ROOT/mbedtls-$MBEDTLS_SERIES"
STAMP="$BASE_DIR/.build-complete"
LOG="$BASE_DIR/build.log"
mkdir -p "$BASE_DIR"

programs_dir() { ls -d "$BASE_DIR"/build/programs/ssl 2>/dev/null | sed -n 1p; }
finish() { printf '%s\n' "$(programs_dir)" >&3; exit 0; }

if [[ -f "$STAMP" && -x "$(programs_dir)/ssl_server2" && -x "$(programs_dir)/ssl_client2" ]]; then
  log "complete build already present"
  finish
fi
exec 9>"$BASE_DIR/.lock"
flock 9
if [[ -f "$STAMP" && -x "$(programs_dir)/ssl_server2" ]]; then finish; fi

pick_version() {
  apt-cache showsrc mbedtls 2>/dev/null | awk '/^Version:/ { print $2 }' | grep -E "^${MBEDTLS_SERIES//./\\.}\." | sort -V | sed -n '$p' || true
}
ver="$(pick_version)"
if [[ -z "$ver" ]]; then
  log "no mbedtls $MBEDTLS_SERIES source known to apt: running build-wolfssl.sh to add the trixie deb-src entry"
  bash "$SCRIPT_DIR/../interop/build-wolfssl.sh" >/dev/null
  ver="$(pick_version)"
  if [[ -z "$ver" ]]; then
    apt-get -q update
    ver="$(pick_version)"
  fi
fi
[[ -n "$ver" ]] || die "no mbedtls $MBEDTLS_SERIES source package found"
log "source package mbedtls=$ver"

rm -rf "$BASE_DIR/download" "$BASE_DIR/build" "$BASE_DIR/src"
mkdir -p "$BASE_DIR/download" "$BASE_DIR/src"
(cd "$BASE_DIR/download" && apt-get -q source --download-only --only-source "mbedtls=$ver" </dev/null) >"$LOG" 2>&1 || die "apt-get source failed (see $LOG)"
orig="$(ls "$BASE_DIR"/download/mbedtls_*.orig.tar.* | sed -n 1p)"
[[ -n "$orig" ]] || die "no upstream tarball downloaded"
tar -xf "$orig" -C "$BASE_DIR/src"
src="$(ls -d "$BASE_DIR"/src/mbedtls-* | sed -n 1p)"
mv "$src" "$BASE_DIR/build"
cd "$BASE_DIR/build"
log "make lib and programs/ssl (log: $LOG)"
make -j"${DTLS13_JOBS:-2}" lib >>"$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; die "make lib failed"; }
make -j"${DTLS13_JOBS:-2}" -C programs ssl/ssl_server2 ssl/ssl_client2 >>"$LOG" 2>&1 || { tail -n 30 "$LOG" >&2; die "make programs failed"; }
for p in ssl_server2 ssl_client2; do
  "programs/ssl/$p" query_config=MBEDTLS_SSL_DTLS_CONNECTION_ID >/dev/null || die "$p was built without MBEDTLS_SSL_DTLS_CONNECTION_ID"
done
[[ "$(programs/ssl/ssl_server2 query_config=MBEDTLS_SSL_DTLS_CONNECTION_ID_COMPAT)" == "0" ]] || die "CIDs are in the pre-RFC 9146 form"
printf 'mbedtls %s\nbuilt: %s\n' "$ver" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$STAMP"
log "built mbedtls $ver"
finish
