#!/usr/bin/env bash
# Build NSS 3.110 (Firefox's TLS stack; the first Debian release whose DTLS 1.3
# speaks RFC 9147's final version number, 0xfefc) for interoperability tests:
# its test tools tstclnt (a DTLS client, or with -P server a one-connection
# DTLS server), certutil and pk12util, with the libraries they load.
#
# Only the upstream tarball of Debian's `trixie` source package is used
# (nss_3.110.orig.tar.gz, checked against the hash apt's index gives and the
# one pinned below), built with NSS's own gyp + ninja build against bookworm's
# NSPR 4.35 (libnspr4-dev) and SQLite: Debian's packaging is not needed.
#
# The build lives in a cache directory outside the repository clone:
#     ${DTLS13_CACHE:-$HOME/.cache/dtls13}/nss-3.110
# and the install directory (bin/tstclnt, lib/libssl3.so, ...: run the tools
# with LD_LIBRARY_PATH=<dir>/lib) is printed as the LAST line of stdout.  All
# progress output goes to stderr.
#
# Idempotent: a stamp file is written only after a successful build and a
# passing smoke test; when it is present (and matches this script's build
# settings) the script prints the path and exits at once.  An interrupted or
# failed build is redone from a fresh extraction of the downloaded tarball on
# the next run (the download itself is kept once complete and verified).
#
# Needs root (or password-less sudo) only for the apt steps: a deb-src entry
# for trixie (the one build-wolfssl.sh writes is used when present), `apt-get
# update`, and installing the build dependencies when one is missing.
#
# Environment:
#   DTLS13_CACHE          cache root (default: $HOME/.cache/dtls13)
#   DTLS13_JOBS           ninja parallelism (default: 2)
#   DTLS13_DEBIAN_MIRROR  Debian mirror URI for the trixie deb-src entry
#                         instead of the one derived from /etc/apt sources
#   DTLS13_VERBOSE=1      stream the build output to stderr instead of only
#                         writing it to the build log
set -euo pipefail

# Keep stdout for the final path only; everything else goes to stderr.
exec 3>&1 1>&2

readonly NSS_VERSION="3.110"
readonly ORIG_TARBALL="nss_${NSS_VERSION}.orig.tar.gz"
readonly ORIG_SHA256="9cd610c40422a07771b9b45166be2d052ea2f00b605a7928129e1f2071b3ae27"
readonly DEBIAN_SUITE="trixie"
readonly SRC_LIST_FILE="/etc/apt/sources.list.d/dtls13-trixie-src.sources"
# The ninja targets the interop tests need (NSS's build.sh builds everything,
# gtests included; these are a small part of it).  softokn3 and freeblpriv3
# are loaded at run time (dlopen), so no program depends on them at link time.
readonly TARGETS=(tstclnt certutil pk12util softokn3 freeblpriv3)
# gyp settings as NSS's build.sh passes them for `--opt --system-nspr --system-sqlite`.
readonly GYP_DEFINES=(-Dnspr_include_dir=/usr/include/nspr -Dnspr_lib_dir= -Duse_system_sqlite=1 -Denable_sslkeylogfile=1)

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

log() { printf '[build-nss] %s\n' "$*" >&2; }
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

BASE_DIR="$CACHE_ROOT/nss-$NSS_VERSION"
BUILD_DIR="$BASE_DIR/build"           # the extracted tarball: build/nss, build/dist
INSTALL_DIR="$BUILD_DIR/dist/Release" # bin/ and lib/; printed at the end
DOWNLOAD_DIR="$BASE_DIR/download"
DOWNLOAD_STAMP="$DOWNLOAD_DIR/.download-complete"
BUILD_STAMP="$BASE_DIR/.build-complete"
BUILD_LOG="$BASE_DIR/build.log"

# The stamp records the build settings so a change to them forces a rebuild.
STAMP_CONTENT="nss=$NSS_VERSION sha256=$ORIG_SHA256 targets=${TARGETS[*]} gyp=${GYP_DEFINES[*]}"

build_is_complete() {
  [[ -f "$BUILD_STAMP" ]] &&
    [[ "$(head -n 1 "$BUILD_STAMP")" == "$STAMP_CONTENT" ]] &&
    [[ -x "$INSTALL_DIR/bin/tstclnt" ]] &&
    [[ -x "$INSTALL_DIR/bin/certutil" ]] &&
    [[ -x "$INSTALL_DIR/bin/pk12util" ]] &&
    [[ -f "$INSTALL_DIR/lib/libfreeblpriv3.so" ]] &&
    [[ -f "$INSTALL_DIR/lib/libsoftokn3.so" ]]
}

finish() {
  printf '%s\n' "$INSTALL_DIR" >&3
  exit 0
}

# ---------------------------------------------------------------- fast path
if build_is_complete; then
  log "complete build already present in $INSTALL_DIR"
  finish
fi

mkdir -p "$BASE_DIR"

# Serialise concurrent runs (e.g. parallel CI jobs sharing a cache).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BASE_DIR/.lock"
  log "waiting for lock $BASE_DIR/.lock"
  flock 9
  if build_is_complete; then
    log "complete build present in $INSTALL_DIR (built by a concurrent run)"
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

APT_GET=(apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# ----------------------------------------------------------- build tools
# command or file that shows it is there -> Debian package
ensure_build_deps() {
  local missing=() pkgs=()
  command -v gcc >/dev/null 2>&1 || { missing+=(gcc); pkgs+=(build-essential); }
  command -v g++ >/dev/null 2>&1 || { missing+=(g++); pkgs+=(build-essential); }
  command -v gyp >/dev/null 2>&1 || { missing+=(gyp); pkgs+=(gyp); }
  command -v ninja >/dev/null 2>&1 || { missing+=(ninja); pkgs+=(ninja-build); }
  [[ -x /usr/bin/python3 ]] || { missing+=(python3); pkgs+=(python3); }
  [[ -f /usr/include/nspr/prinit.h ]] || { missing+=(nspr-headers); pkgs+=(libnspr4-dev); }
  [[ -f /usr/include/sqlite3.h ]] || { missing+=(sqlite3.h); pkgs+=(libsqlite3-dev); }
  [[ -f /usr/include/zlib.h ]] || { missing+=(zlib.h); pkgs+=(zlib1g-dev); }
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "build dependencies present"
    return
  fi
  log "installing build dependencies (missing: ${missing[*]})"
  as_root apt-get -q update
  as_root "${APT_GET[@]}" install $(printf '%s\n' "${pkgs[@]}" | sort -u)
}

# ----------------------------------------------------- deb-src for trixie
# The trixie deb-src entry build-wolfssl.sh writes serves here too; without it
# one is written the same way (first Debian mirror of the machine's sources).
ensure_trixie_deb_src() {
  local mirror signed content
  if [[ -f "$SRC_LIST_FILE" ]] && grep -q "^Suites: $DEBIAN_SUITE\$" "$SRC_LIST_FILE"; then
    log "using $SRC_LIST_FILE"
    return 1
  fi
  if [[ -n "${DTLS13_DEBIAN_MIRROR:-}" ]]; then
    mirror="$DTLS13_DEBIAN_MIRROR"
  else
    mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
      grep -Eo '(https?|ftp)://[^ ]+/debian/?( |$)' | sed -n '1s/[ /]*$//p' || true)"
  fi
  [[ -n "$mirror" ]] || die "could not find a Debian mirror in /etc/apt/sources.list{,.d/*}; set DTLS13_DEBIAN_MIRROR"
  signed=""
  if [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then signed=/usr/share/keyrings/debian-archive-keyring.gpg; fi
  log "writing $SRC_LIST_FILE (mirror $mirror)"
  content="# Added by tests/interop/build-nss.sh (NSS $NSS_VERSION for DTLS 1.3 interop)
Types: deb-src
URIs: $mirror
Suites: $DEBIAN_SUITE
Components: main"
  if [[ -n "$signed" ]]; then content+=$'\n'"Signed-By: $signed"; fi
  printf '%s\n' "$content" >"$BASE_DIR/apt-src.tmp"
  as_root install -m 0644 "$BASE_DIR/apt-src.tmp" "$SRC_LIST_FILE"
  rm -f "$BASE_DIR/apt-src.tmp"
  return 0
}

# "URI SHA256" of the upstream tarball of the highest nss 3.110 source package apt knows.
orig_uri() {
  local ver
  ver="$(apt-cache showsrc nss 2>/dev/null | awk '/^Version:/ { print $2 }' |
    grep -E "^([0-9]+:)?${NSS_VERSION//./\\.}-" | sort -V | sed -n '$p' || true)"
  [[ -n "$ver" ]] || return 0
  log "source package nss=$ver"
  (cd "$BASE_DIR" && apt-get -q source --print-uris --only-source "nss=$ver" </dev/null 2>/dev/null) |
    awk -v f="$ORIG_TARBALL" '$2 == f { gsub(/\047/, "", $1); sub(/^SHA256:/, "", $4); print $1, $4; exit }'
}

download_source() {
  local line uri sha tmp
  if ensure_trixie_deb_src; then
    log "apt-get update"
    as_root apt-get -q update
  fi
  line="$(orig_uri)"
  if [[ -z "$line" ]]; then
    log "no nss $NSS_VERSION source package known to apt; apt-get update"
    as_root apt-get -q update
    line="$(orig_uri)"
  fi
  [[ -n "$line" ]] || die "no nss $NSS_VERSION source package found (apt-cache showsrc nss: $(apt-cache showsrc nss 2>/dev/null | awk '/^Version:/{printf "%s ", $2}'))"
  uri="${line%% *}"
  sha="${line#* }"
  [[ "$sha" == "$ORIG_SHA256" ]] || die "apt's index gives $ORIG_TARBALL the SHA256 $sha, not the pinned $ORIG_SHA256"
  tmp="$BASE_DIR/download.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # Only the upstream tarball: Debian's packaging (the .debian.tar.xz) is not
  # used, and a point release's may already be gone from the mirror.
  log "downloading $uri"
  /usr/lib/apt/apt-helper download-file "$uri" "$tmp/$ORIG_TARBALL" "SHA256:$ORIG_SHA256" </dev/null >&2 ||
    die "download of $uri failed"
  printf '%s\n' "$(sha256sum "$tmp/$ORIG_TARBALL" | cut -d' ' -f1)" | grep -qx "$ORIG_SHA256" || die "$ORIG_TARBALL: SHA256 mismatch"
  printf '%s\n' "$uri" >"$tmp/.download-complete"
  rm -rf "$DOWNLOAD_DIR"
  mv "$tmp" "$DOWNLOAD_DIR"
  log "downloaded $ORIG_TARBALL into $DOWNLOAD_DIR"
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

ensure_build_deps

if [[ -f "$DOWNLOAD_STAMP" && -f "$DOWNLOAD_DIR/$ORIG_TARBALL" ]]; then
  log "using downloaded $ORIG_TARBALL ($(cat "$DOWNLOAD_STAMP"))"
else
  download_source
fi

# Always start from a fresh extraction: a previous attempt may have died half-way.
log "extracting $ORIG_TARBALL into $BUILD_DIR"
rm -rf "$BUILD_DIR" "$BUILD_DIR.tmp"
mkdir -p "$BUILD_DIR.tmp"
: >"$BUILD_LOG"
tar -xzf "$DOWNLOAD_DIR/$ORIG_TARBALL" -C "$BUILD_DIR.tmp" --strip-components=1 ||
  { on_build_error; die "extracting $ORIG_TARBALL failed"; }
mv "$BUILD_DIR.tmp" "$BUILD_DIR" # before building: gyp writes absolute paths
SRC="$BUILD_DIR/nss"
[[ -f "$SRC/nss.gyp" ]] || die "$SRC/nss.gyp missing"
grep -q "define NSS_VERSION \"$NSS_VERSION\"" "$SRC/lib/nss/nss.h" || die "$SRC/lib/nss/nss.h is not NSS $NSS_VERSION"
# RFC 9147's version number (0xfefc), not the drafts' (0x7f00 | draft): what makes this release worth testing.
grep -qE 'define SSL_LIBRARY_VERSION_DTLS_1_3_WIRE +\(\(~0x0103\) & 0xffff\)' "$SRC/lib/ssl/sslproto.h" ||
  die "$SRC/lib/ssl/sslproto.h does not give DTLS 1.3 RFC 9147's version number"

trap on_build_error ERR
cd "$SRC"
target_arch="$(/usr/bin/python3 coreconf/detect_host_arch.py)"
log "gyp (target_arch=$target_arch; log: $BUILD_LOG)"
run_logged gyp -f ninja --depth="$SRC" --generator-output=. "${GYP_DEFINES[@]}" -Dtarget_arch="$target_arch" \
  -Dnss_dist_dir="$BUILD_DIR/dist" -Dnss_dist_obj_dir="$INSTALL_DIR" "$SRC/nss.gyp"
log "ninja -j${DTLS13_JOBS:-2} ${TARGETS[*]}"
run_logged ninja -C out/Release -j"${DTLS13_JOBS:-2}" "${TARGETS[@]}"
trap - ERR

# ------------------------------------------------------------ smoke test
# A certificate database made by the new certutil proves libsoftokn3 and
# libfreeblpriv3 of this build load (the system's older ones must not).
export LD_LIBRARY_PATH="$INSTALL_DIR/lib"
smoke="$(mktemp -d)"
trap 'rm -rf "$smoke"' EXIT
"$INSTALL_DIR/bin/certutil" -N -d "sql:$smoke" --empty-password >>"$BUILD_LOG" 2>&1 ||
  die "certutil -N failed (see $BUILD_LOG)"
# ldd's whole output first: `grep -q` stops reading at its match, and under pipefail ldd's SIGPIPE would fail the check.
loaded="$(ldd "$INSTALL_DIR/bin/tstclnt")"
grep -qF "$INSTALL_DIR/lib/libssl3.so" <<<"$loaded" || die "tstclnt does not load $INSTALL_DIR/lib/libssl3.so"
help="$("$INSTALL_DIR/bin/tstclnt" -Y 2>&1 || true)"
grep -q -- '-P {client,server}' <<<"$help" || die "tstclnt -Y did not print the expected usage: $(head -n 3 <<<"$help")"
log "smoke test passed (certutil made a database; tstclnt has DTLS: -P {client,server})"

printf '%s\nsource: %s\nbuilt: %s\n' "$STAMP_CONTENT" "$(cat "$DOWNLOAD_STAMP")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$BUILD_STAMP.tmp"
mv "$BUILD_STAMP.tmp" "$BUILD_STAMP"
log "built NSS $NSS_VERSION in $(($(date +%s) - start_ts))s"
finish
