#!/usr/bin/env bash
# Installs Debian's firefox-esr (ESR 153 from bookworm-security) for the WebRTC
# test tests/examples/webrtc-firefox.test.ts, which runs it headless on a fresh
# profile. Does nothing when it is already there. Needs root or password-less sudo.
set -euo pipefail
if command -v firefox-esr >/dev/null; then exit 0; fi
if [[ "$(id -u)" -eq 0 ]]; then as_root=(env DEBIAN_FRONTEND=noninteractive); else as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive); fi
install=("${as_root[@]}" apt-get install -y -qq --no-install-recommends firefox-esr)
"${install[@]}" </dev/null || { "${as_root[@]}" apt-get -q update </dev/null && "${install[@]}" </dev/null; }
