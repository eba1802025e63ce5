#!/usr/bin/env bash
# Erlang/OTP 25 from Debian (erlang-base, erlang-ssl and what ssl needs: crypto, public_key, asn1) for the
# Erlang DTLS peer of tests/interop/erlang.test.ts (tests/interop/erlang-peer.escript). Idempotent: installs
# only when escript or the ssl application is missing.
set -euo pipefail
if command -v escript >/dev/null && erl -noshell -eval 'case code:lib_dir(ssl) of {error, _} -> halt(1); _ -> halt(0) end.' >/dev/null 2>&1; then
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends erlang-base erlang-crypto erlang-asn1 erlang-public-key erlang-ssl >/dev/null
