#!/usr/bin/env bash
# Build BoringSSL (libssl + libcrypto) from the snapshot in ../shared/peers (beside the clone) and
# the DTLS peer program tests/interop/boringssl/peer.c against it, for the
# interoperability tests.
#
# Everything lives in a cache directory outside the repository clone:
#     ${DTLS13_CACHE:-$HOME/.cache/dtls13}/boringssl-<commit>/
#         src/            the unpacked source tree (boringssl/ of the tarball)
#         src/build/      the cmake + ninja build (libssl.a, libcrypto.a)
#         peer-<hash>     the peer program, keyed by a hash of its source and of this script
# and the peer program's path is printed as the LAST line of stdout. All
# progress output goes to stderr.
#
# Idempotent: the library build writes a stamp file only after it succeeded;
# when it is present the script goes straight to the peer program, which is
# compiled only when no binary for the current source hash exists yet.
#
# Needs root only to install cmake, ninja-build and g++ when one is missing.
#
# Environment:
#   DTLS13_CACHE            cache root (default: $HOME/.cache/dtls13)
#   DTLS13_BORINGSSL_SRC    the source tarball (default: ../shared/peers/boringssl-src.tar.xz beside the clone)
#   DTLS13_JOBS             ninja parallelism (default: 2)
#   DTLS13_VERBOSE=1        stream the build output to stderr instead of only the build log
set -euo pipefail

# Keep stdout for the final path only; everything else goes to stderr.
exec 3>&1 1>&2

readonly BORINGSSL_COMMIT="a0689af29e8e460f1e5380e0fb74cef1b342e810"

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf '[build-boringssl] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
# The steering repo's shared/ sits beside the clone (CI clones main next to it).
readonly TARBALL="${DTLS13_BORINGSSL_SRC:-$REPO_ROOT/../shared/peers/boringssl-src.tar.xz}"
PEER_SRC="$SCRIPT_DIR/boringssl/peer.c"
[[ -f "$PEER_SRC" ]] || die "$PEER_SRC is missing"

CACHE_ROOT="${DTLS13_CACHE:-${HOME:?HOME is not set}/.cache/dtls13}"
# Resolve without creating anything, so a bad DTLS13_CACHE never litters the clone.
CACHE_ROOT="$(realpath -m -- "$CACHE_ROOT")"
case "$CACHE_ROOT/" in
  "$REPO_ROOT"/*) die "cache dir $CACHE_ROOT is inside the repository ($REPO_ROOT); set DTLS13_CACHE elsewhere" ;;
esac

BASE_DIR="$CACHE_ROOT/boringssl-$BORINGSSL_COMMIT"
SRC_DIR="$BASE_DIR/src"
BUILD_DIR="$SRC_DIR/build"
LIB_STAMP="$BASE_DIR/.build-complete"
BUILD_LOG="$BASE_DIR/build.log"
STAMP_CONTENT="boringssl=$BORINGSSL_COMMIT targets=ssl,crypto type=Release"

# The peer binary is keyed by its source and this script (its compile flags); the source is
# compiled from a snapshot taken with the hash, so an edit meanwhile cannot end up under the old key.
PEER_SNAPSHOT="$(mktemp "${TMPDIR:-/tmp}/dtls13-boringssl-peer.XXXXXX.c")"
trap 'rm -f "$PEER_SNAPSHOT"' EXIT
cp "$PEER_SRC" "$PEER_SNAPSHOT"
PEER_HASH="$(cat "$PEER_SNAPSHOT" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
PEER_BIN="$BASE_DIR/peer-$PEER_HASH"

lib_is_complete() {
  [[ -f "$LIB_STAMP" ]] &&
    [[ "$(head -n 1 "$LIB_STAMP")" == "$STAMP_CONTENT" ]] &&
    [[ -f "$BUILD_DIR/libssl.a" ]] &&
    [[ -f "$BUILD_DIR/libcrypto.a" ]]
}

finish() {
  printf '%s\n' "$PEER_BIN" >&3
  exit 0
}

# ---------------------------------------------------------------- fast path
if lib_is_complete && [[ -x "$PEER_BIN" ]]; then
  log "BoringSSL and the peer program already built: $PEER_BIN"
  finish
fi

mkdir -p "$BASE_DIR"

# Serialise concurrent runs (parallel test files or CI jobs sharing a cache).
exec 9>"$BASE_DIR/.lock"
log "waiting for lock $BASE_DIR/.lock"
flock 9
if lib_is_complete && [[ -x "$PEER_BIN" ]]; then
  log "BoringSSL and the peer program present (built by a concurrent run): $PEER_BIN"
  finish
fi

ensure_build_tools() {
  local missing=() pkgs=()
  command -v cmake >/dev/null 2>&1 || { missing+=(cmake); pkgs+=(cmake); }
  command -v ninja >/dev/null 2>&1 || { missing+=(ninja); pkgs+=(ninja-build); }
  command -v g++ >/dev/null 2>&1 || { missing+=(g++); pkgs+=(g++); }
  command -v xz >/dev/null 2>&1 || { missing+=(xz); pkgs+=(xz-utils); }
  if [[ ${#pkgs[@]} -eq 0 ]]; then
    log "build tools present (cmake, ninja, g++)"
    return
  fi
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    else
      die "need root (or password-less sudo) to install: ${pkgs[*]}"
    fi
  fi
  log "installing ${pkgs[*]} (missing: ${missing[*]})"
  "${sudo[@]}" apt-get -q update </dev/null
  "${sudo[@]}" apt-get -y -q install "${pkgs[@]}" </dev/null
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

start_ts=$(date +%s)
ensure_build_tools

# ------------------------------------------------------------ the library
if ! lib_is_complete; then
  [[ -f "$TARBALL" ]] || die "BoringSSL source tarball $TARBALL not found (set DTLS13_BORINGSSL_SRC)"
  rm -f "$LIB_STAMP"
  : >"$BUILD_LOG"
  # Always from a fresh extraction: a previous attempt may have died half-way.
  log "unpacking $TARBALL into $SRC_DIR"
  rm -rf "$SRC_DIR" "$BASE_DIR/unpack.tmp"
  mkdir -p "$BASE_DIR/unpack.tmp"
  tar -xJf "$TARBALL" -C "$BASE_DIR/unpack.tmp"
  [[ -f "$BASE_DIR/unpack.tmp/boringssl/include/openssl/ssl.h" ]] || die "the tarball holds no boringssl/include/openssl/ssl.h"
  mv "$BASE_DIR/unpack.tmp/boringssl" "$SRC_DIR"
  rmdir "$BASE_DIR/unpack.tmp"

  trap on_build_error ERR
  log "cmake -GNinja -DCMAKE_BUILD_TYPE=Release (log: $BUILD_LOG)"
  run_logged cmake -GNinja -S "$SRC_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
  log "ninja -j${DTLS13_JOBS:-2} ssl crypto (about 10 minutes on 2 cores)"
  run_logged nice -n 19 ninja -C "$BUILD_DIR" -j"${DTLS13_JOBS:-2}" ssl crypto
  trap - ERR
  [[ -f "$BUILD_DIR/libssl.a" && -f "$BUILD_DIR/libcrypto.a" ]] || die "ninja built no libssl.a / libcrypto.a in $BUILD_DIR"
  printf '%s\nbuilt: %s in %ss\n' "$STAMP_CONTENT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(($(date +%s) - start_ts))" >"$LIB_STAMP.tmp"
  mv "$LIB_STAMP.tmp" "$LIB_STAMP"
  log "built libssl and libcrypto in $(($(date +%s) - start_ts))s"
else
  log "libssl and libcrypto already built in $BUILD_DIR"
fi

# ------------------------------------------------------- the peer program
log "compiling $PEER_SRC into $PEER_BIN"
rm -f "$BASE_DIR"/peer-*.tmp
# libssl is C++ inside, so the link goes through g++ (libstdc++).
nice -n 19 g++ -x c -std=c11 -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -I"$SRC_DIR/include" \
  -c "$PEER_SNAPSHOT" -o "$PEER_BIN.o.tmp"
nice -n 19 g++ -o "$PEER_BIN.tmp" "$PEER_BIN.o.tmp" "$BUILD_DIR/libssl.a" "$BUILD_DIR/libcrypto.a" -lpthread
rm -f "$PEER_BIN.o.tmp"

# Smoke test: the program names its BoringSSL and lists the features the tests rely on.
ver="$("$PEER_BIN.tmp" --version 2>&1 || true)"
grep -q '^boringssl-peer ' <<<"$ver" || die "$PEER_BIN.tmp --version printed: $ver"
mv -f "$PEER_BIN.tmp" "$PEER_BIN"
# Older peer binaries (other source hashes) are left for concurrent runs of older checkouts; keep the newest few.
ls -1t "$BASE_DIR"/peer-* 2>/dev/null | grep -v '\.tmp$' | tail -n +6 | xargs -r rm -f
log "peer program ready ($ver) in $(($(date +%s) - start_ts))s"
finish
