#!/usr/bin/env bash
# Installs Debian's gtkwave for its vcd2fst/fst2vcd tools, which the VCD tests
# (tests/hwmodel/trace, tests/cli/simulate) use as an independent VCD reader.
# Does nothing when the tools are already there. Needs root or password-less sudo.
set -euo pipefail
if command -v vcd2fst >/dev/null && command -v fst2vcd >/dev/null; then exit 0; fi
if [[ "$(id -u)" -eq 0 ]]; then as_root=(env DEBIAN_FRONTEND=noninteractive); else as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive); fi
install=("${as_root[@]}" apt-get install -y -q --no-install-recommends gtkwave)
"${install[@]}" </dev/null || { "${as_root[@]}" apt-get -q update </dev/null && "${install[@]}" </dev/null; }
