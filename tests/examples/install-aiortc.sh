#!/usr/bin/env bash
# Installs Debian's python3-aiortc (aiortc 1.4.0) for the WebRTC test
# tests/examples/webrtc-aiortc.test.ts, which runs tests/examples/aiortc-peer.py.
# Does nothing when Debian's python3 (/usr/bin/python3, not one on PATH such as pyenv's) already imports it. Needs root or password-less sudo.
set -euo pipefail
if /usr/bin/python3 -c 'import aiortc' 2>/dev/null; then exit 0; fi
if [[ "$(id -u)" -eq 0 ]]; then as_root=(env DEBIAN_FRONTEND=noninteractive); else as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive); fi
install=("${as_root[@]}" apt-get install -y -qq --no-install-recommends python3-aiortc)
"${install[@]}" </dev/null || { "${as_root[@]}" apt-get -q update </dev/null && "${install[@]}" </dev/null; }
