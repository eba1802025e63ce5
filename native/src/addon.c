/*
 * dtls13's native addon: the module's registration. Each bind-*.c file adds
 * the N-API functions over one part of the C below it (bind-record.c: the
 * DTLS 1.3 record path; bind-record12.c: DTLS 1.2's; bind-kdf.c: HMAC, HKDF,
 * hashes; bind-keys.c: X25519, ECDSA; bind-udp.c: batched UDP and
 * SO_REUSEPORT; bind-platform.c: what the addon runs on), napi-handles.c the
 * handle table they share, udp-receive.c reading with UDP GRO, and
 * owned-bytes.cc records' own ArrayBuffers.
 */
#include <node_api.h>

#include "bind-kdf.h"
#include "bind-keys.h"
#include "bind-platform.h"
#include "bind-record.h"
#include "bind-record12.h"
#include "bind-udp.h"
#include "napi-handles.h"
#include "owned-bytes.h"
#include "udp-receive.h"

static napi_value init(napi_env env, napi_value exports) {
  /* The handle table first: it throws when it cannot be set up. */
  if (!handle_bindings_register(env, exports) || !record_bindings_register(env, exports) ||
      !record12_bindings_register(env, exports) || !kdf_bindings_register(env, exports) ||
      !key_bindings_register(env, exports) || !udp_bindings_register(env, exports) ||
      !platform_bindings_register(env, exports))
    return NULL;
  udp_receive_register(env, exports); /* udp-receive.c: UDP GRO, reading the socket ourselves */
  /* owned-bytes.cc: records' own ArrayBuffers, pooled; without it, record.ts and record12.ts allocate them in JS. */
  if (owned_bytes_register(env, exports) &&
      (!record_owned_register(env, exports) || !record12_owned_register(env, exports)))
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
