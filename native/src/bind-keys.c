/* The N-API functions of key exchange and signing (bind-keys.h). */
#include "bind-keys.h"

#include <stdlib.h>

#include <openssl/crypto.h>

#include "ecdsa.h"
#include "external-tag.h"
#include "napi-handles.h"
#include "x25519.h"
#include "x25519-ahead.h"

/* x25519Create(privateKey, publicOut): a share from a 32-byte private key, or a fresh one for an empty array; its public value into publicOut (32 bytes). */
static napi_value x25519_create_js(napi_env env, napi_callback_info info) {
  call c;
  size_t private_length = 0, public_size = 0;
  if (!call_begin(&c, env, info, "x25519Create", 2)) return NULL;
  const uint8_t *private_key = call_bytes(&c, 0, &private_length);
  uint8_t *public_key = call_bytes(&c, 1, &public_size);
  if (c.failed) return NULL;
  if (private_length != 0 && private_length != X25519_LENGTH) return call_fail(&c, "the private key must be 32 bytes (or none for a fresh one)"), NULL;
  if (public_size != X25519_LENGTH) return call_fail(&c, "the public value output must be 32 bytes"), NULL;
  uint32_t id = 0;
  handle *h = call_new_handle(&c, KIND_X25519, &id);
  if (h == NULL) return NULL;
  if (x25519_create(&h->u.x25519, private_length != 0 ? private_key : NULL, public_key) != 0) {
    call_drop_handle(&c, id);
    return call_fail(&c, "OpenSSL refused the key"), NULL;
  }
  return call_wrap_handle(&c, id);
}

/* x25519Derive(h, peer, out) -> boolean: the shared secret into out (32 bytes); false when OpenSSL refuses the peer value (zeroed out). */
static napi_value x25519_derive_js(napi_env env, napi_callback_info info) {
  call c;
  size_t peer_length = 0, out_size = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "x25519Derive", 3)) return NULL;
  handle *h = call_handle(&c, 0, KIND_X25519);
  const uint8_t *peer = call_bytes(&c, 1, &peer_length);
  uint8_t *out = call_bytes(&c, 2, &out_size);
  if (c.failed) return NULL;
  if (peer_length != X25519_LENGTH || out_size != X25519_LENGTH) return call_fail(&c, "the peer value and the output must be 32 bytes"), NULL;
  napi_get_boolean(env, x25519_derive(&h->u.x25519, peer, out) == 0, &result);
  return result;
}

/*
 * x25519Answer(peer, publicOut, secretOut) -> boolean: a fresh share used once, no handle: its public value and its
 * shared secret with `peer` (each 32 bytes); false when OpenSSL refuses (secretOut zeroed).
 */
static napi_value x25519_answer_js(napi_env env, napi_callback_info info) {
  call c;
  size_t peer_length = 0, public_size = 0, secret_size = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "x25519Answer", 3)) return NULL;
  const uint8_t *peer = call_bytes(&c, 0, &peer_length);
  uint8_t *public_key = call_bytes(&c, 1, &public_size);
  uint8_t *secret = call_bytes(&c, 2, &secret_size);
  if (c.failed) return NULL;
  if (peer_length != X25519_LENGTH || public_size != X25519_LENGTH || secret_size != X25519_LENGTH)
    return call_fail(&c, "the peer value and both outputs must be 32 bytes"), NULL;
  int ok = x25519_answer(peer, public_key, secret) == 0;
  if (!ok) OPENSSL_cleanse(secret, X25519_LENGTH);
  napi_get_boolean(env, ok, &result);
  return result;
}

/*
 * x25519Ahead(target, most) -> the number made: shares made until `target` (at most X25519_AHEAD_MAX) are held ahead
 * for x25519Answer and a fresh x25519Create, at most `most` in this call. x25519AheadCount() -> how many are held;
 * x25519AheadDrain() -> how many were cleansed and dropped.
 */
static napi_value x25519_ahead_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "x25519Ahead", 2)) return NULL;
  int32_t target = call_int(&c, 0);
  int32_t most = call_int(&c, 1);
  if (c.failed) return NULL;
  if (target > X25519_AHEAD_MAX) return call_fail(&c, "at most 64 shares are held ahead"), NULL;
  napi_create_uint32(env, (uint32_t)x25519_ahead_fill((size_t)target, (size_t)most), &result);
  return result;
}

static napi_value x25519_ahead_count_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_create_uint32(env, (uint32_t)x25519_ahead_count(), &result);
  return result;
}

static napi_value x25519_ahead_drain_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_create_uint32(env, (uint32_t)x25519_ahead_drain(), &result);
  return result;
}

/* An ECDSA key's external is collected (or its environment torn down): its key freed and cleansed. */
static void ecdsa_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  ecdsa_free((ecdsa_key *)data);
  free(data);
}

/*
 * ecdsaCreate(der) -> external: an EC private key from its PKCS #8 DER, kept ready to sign (ecdsa.h). Not in the
 * handle table: it lives as long as the application's key object it was made from, freed when collected, as that is.
 */
static napi_value ecdsa_create_js(napi_env env, napi_callback_info info) {
  call c;
  size_t length = 0;
  if (!call_begin(&c, env, info, "ecdsaCreate", 1)) return NULL;
  const uint8_t *der = call_bytes(&c, 0, &length);
  if (c.failed) return NULL;
  ecdsa_key *key = malloc(sizeof *key);
  if (key == NULL) return call_fail(&c, "out of memory"), NULL;
  if (ecdsa_create(key, der, length) != 0) {
    free(key);
    return call_fail(&c, "OpenSSL refused the key (not an EC private key in PKCS #8 DER)"), NULL;
  }
  int owned = 0;
  napi_value out = tagged_external(env, key, ecdsa_finalize, &EXTERNAL_ECDSA_KEY, &owned);
  if (out == NULL) {
    if (!owned) ecdsa_finalize(env, key, NULL);
    return call_fail(&c, "could not create the key"), NULL;
  }
  return out;
}

/* ecdsaSign(key, digest, out) -> the DER signature's length in out, or -1 when OpenSSL failed. */
static napi_value ecdsa_sign_js(napi_env env, napi_callback_info info) {
  call c;
  size_t digest_length = 0, out_size = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "ecdsaSign", 3)) return NULL;
  ecdsa_key *key = tagged_external_data(env, c.argv[0], &EXTERNAL_ECDSA_KEY);
  if (key == NULL) return throw_wrong_external(env, "ecdsaSign", "a key ecdsaCreate made"), NULL;
  const uint8_t *digest = call_bytes(&c, 1, &digest_length);
  uint8_t *out = call_bytes(&c, 2, &out_size);
  if (c.failed) return NULL;
  if (digest_length == 0 || digest_length > 64) return call_fail(&c, "the digest must be 1 to 64 bytes"), NULL;
  napi_create_int32(env, ecdsa_sign_digest(key, digest, digest_length, out, out_size), &result);
  return result;
}

/*
 * An environment torn down (the process or a worker ending): the shares held ahead are cleansed (others refill). The
 * hook's argument is a byte of its own per registration: node refuses a second hook with the same function and argument
 * in one environment, and the addon may be loaded twice into one (a test runner reloading modules).
 */
static void drain_ahead(void *arg) {
  free(arg);
  x25519_ahead_drain();
}

int key_bindings_register(napi_env env, napi_value exports) {
  void *mark = malloc(1);
  if (mark != NULL && napi_add_env_cleanup_hook(env, drain_ahead, mark) != napi_ok) free(mark);
  static const call_export functions[] = {
      {"x25519Answer", x25519_answer_js}, {"x25519Create", x25519_create_js}, {"x25519Derive", x25519_derive_js},
      {"x25519Ahead", x25519_ahead_js}, {"x25519AheadCount", x25519_ahead_count_js},
      {"x25519AheadDrain", x25519_ahead_drain_js},
      {"ecdsaCreate", ecdsa_create_js}, {"ecdsaSign", ecdsa_sign_js},
  };
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}
