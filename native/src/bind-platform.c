/* The N-API functions that report on the machine and the process (bind-platform.h). */
#include "bind-platform.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdbool.h>

#include <openssl/crypto.h>

#include "aes-gcm.h"
#include "chacha20-block.h"
#include "chacha20-poly1305.h"
#include "clock.h"
#include "napi-call.h"
#include "x25519.h"

/* What `direct` says (which implementation a primitive runs on) as a JavaScript boolean. */
static napi_value probe(napi_env env, int (*direct)(void)) {
  napi_value result = NULL;
  napi_get_boolean(env, direct(), &result);
  return result;
}

/* x25519Direct() -> boolean: whether shares use OpenSSL's X25519 functions directly (x25519.h) rather than EVP_PKEY. */
static napi_value x25519_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  return probe(env, x25519_direct);
}

/* chachaBlockOpenssl() -> boolean: whether one-block ChaCha20 (the mask, the Poly1305 key) runs on OpenSSL's ChaCha20 (chacha20-block.h). */
static napi_value chacha_block_openssl_js(napi_env env, napi_callback_info info) {
  (void)info;
  return probe(env, chacha20_block_openssl);
}

/* aesDirect() -> boolean: whether AES-GCM and the AES record number mask use node's AES-NI and GHASH routines directly (aes-gcm.h). */
static napi_value aes_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  return probe(env, aes_gcm_direct);
}

/* chachaDirect() -> boolean: whether ChaCha20-Poly1305 uses OpenSSL's primitives directly (chacha20-poly1305.h) rather than EVP. */
static napi_value chacha_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  return probe(env, chacha20_poly1305_direct);
}

/* threadCpuTime(): the calling thread's CPU time, ms (-1 where the platform has no such clock). */
static napi_value thread_cpu_time_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, thread_cpu_ms(), &result);
  return result;
}

/*
 * mallocTrim() -> whether the C library gave memory back: returns the
 * whole free pages inside the C heap to the system (glibc's malloc_trim;
 * false elsewhere). A handshake's temporary allocations leave free pages
 * between long-lived ones, which the process's RSS keeps counting.
 */
static napi_value malloc_trim_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#ifdef __GLIBC__
  napi_get_boolean(env, malloc_trim(0) == 1, &result);
#else
  napi_get_boolean(env, false, &result);
#endif
  return result;
}

int platform_bindings_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {
      {"mallocTrim", malloc_trim_js}, {"x25519Direct", x25519_direct_js}, {"chachaDirect", chacha_direct_js},
      {"aesDirect", aes_direct_js}, {"chachaBlockOpenssl", chacha_block_openssl_js},
      {"threadCpuTime", thread_cpu_time_js},
  };
  if (!call_export_all(env, exports, functions, sizeof functions / sizeof functions[0])) return 0;
  napi_value version;
  napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "openssl", version);
  return 1;
}
