#!/usr/bin/env bash
# OpenJDK 17 (JSSE's DTLS, javax.net.ssl.SSLEngine) from Debian for tests/interop/jsse.test.ts, then the test's
# peer (tests/interop/jsse/DtlsPeer.java) compiled into ${DTLS13_CACHE:-$HOME/.cache/dtls13}/jsse-peer, outside the
# clone. Idempotent: installs the JDK only when javac is missing, compiles only when the source is newer.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${DTLS13_CACHE:-$HOME/.cache/dtls13}/jsse-peer"
if ! command -v javac >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null
fi
src="$here/jsse/DtlsPeer.java"
if [ ! -f "$out/DtlsPeer.class" ] || [ "$src" -nt "$out/DtlsPeer.class" ]; then
  mkdir -p "$out"
  javac -d "$out" "$src"
fi
