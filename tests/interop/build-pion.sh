#!/usr/bin/env bash
# Build the pion/dtls peer program (tests/interop/pion/peer.go) over Debian's
# pion/dtls v2 (golang-github-pion-dtls.v2-dev) with Debian's Go, offline:
# GOPATH mode (GO111MODULE=off) over /usr/share/gocode, where Debian's Go
# library packages put their sources; nothing is downloaded but the two
# Debian packages.
#
# The binary lives outside the repository clone:
#     ${DTLS13_CACHE:-$HOME/.cache/dtls13}/pion-peer/<sha256 of peer.go and this script>/pion-peer
# and its path is printed as the LAST line of stdout (progress goes to
# stderr). Idempotent: when the binary for this source is there it prints
# the path and exits at once; a changed peer.go builds anew.
#
# Needs root (or password-less sudo) only when the packages are missing.
set -euo pipefail
exec 3>&1 1>&2

log() { printf '[build-pion] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
SOURCE="$SCRIPT_DIR/pion/peer.go"
[ -f "$SOURCE" ] || die "no $SOURCE"
CACHE_ROOT="${DTLS13_CACHE:-${HOME:?HOME is not set}/.cache/dtls13}"
HASH="$(cat "$SOURCE" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
OUT_DIR="$CACHE_ROOT/pion-peer/$HASH"
BINARY="$OUT_DIR/pion-peer"

if [ -x "$BINARY" ]; then
  echo "$BINARY" >&3
  exit 0
fi

readonly PACKAGES=(golang-go golang-github-pion-dtls.v2-dev)
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/pion/dtls/v2 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "needs root or sudo to install ${PACKAGES[*]}"
    SUDO="sudo -n"
  fi
  log "installing ${PACKAGES[*]} from Debian"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null ||
    { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null; } ||
    die "apt-get install ${PACKAGES[*]} failed"
fi

mkdir -p "$OUT_DIR"
WORK="$(mktemp -d "$OUT_DIR/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# A package main of its own in a writable GOPATH entry first; the pion sources come from /usr/share/gocode.
mkdir -p "$WORK/gopath/src/dtls13-pion-peer"
cp "$SOURCE" "$WORK/gopath/src/dtls13-pion-peer/peer.go"
log "building $(go version) against pion/dtls $(dpkg-query -W -f='${Version}' golang-github-pion-dtls.v2-dev 2>/dev/null || echo '?')"
(
  cd "$WORK/gopath/src/dtls13-pion-peer"
  GOPATH="$WORK/gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE="$WORK/cache" \
    go build -o "$WORK/pion-peer" .
) || die "go build failed"
# A smoke test: the program runs and knows its flags (-h prints them and exits 2).
usage="$("$WORK/pion-peer" -h 2>&1 || true)"
[[ "$usage" == *-sessions* ]] || die "the built peer does not run: $usage"
mv "$WORK/pion-peer" "$BINARY"
log "built $BINARY"
echo "$BINARY" >&3
