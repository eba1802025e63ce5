#!/usr/bin/env bash
# Installs Debian's libsystemc-dev (Accellera SystemC 2.3.4) and g++ for the
# hwmodel co-check (tests/hwmodel/cocheck) and the generated SystemC
# skeletons' compile test. Does nothing when they are already there. Needs
# root or password-less sudo.
set -euo pipefail
if [[ -e /usr/include/systemc ]] && command -v g++ >/dev/null; then exit 0; fi
if [[ "$(id -u)" -eq 0 ]]; then as_root=(env DEBIAN_FRONTEND=noninteractive); else as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive); fi
"${as_root[@]}" apt-get -q update </dev/null
"${as_root[@]}" apt-get install -y -q --no-install-recommends libsystemc-dev g++ </dev/null
