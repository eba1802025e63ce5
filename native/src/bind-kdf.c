/* The N-API functions of the key schedule's primitives (bind-kdf.h). */
#include "bind-kdf.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include "kdf.h"
#include "napi-call.h"

/*
 * hmacIn(hash, scratch, keyLength, dataLength) and
 * hkdfExpandIn(hash, scratch, prkLength, infoLength, length) work inside one
 * buffer the caller keeps: the two inputs at scratch[0, a) and [a, a + b),
 * the output written right after them. A buffer made once and kept is
 * cheap to hand to N-API; fresh small Uint8Arrays (secrets, outputs) live
 * on V8's heap and are copied out to a backing store on every call.
 */
typedef struct {
  int32_t hash;
  uint8_t *scratch;
  size_t first;
  size_t second;
  size_t length;
} kdf_args;

static int kdf_arguments(call *c, napi_env env, napi_callback_info info, const char *fn, size_t argc, kdf_args *a) {
  size_t size = 0;
  if (!call_begin(c, env, info, fn, argc)) return 0;
  a->hash = call_int(c, 0);
  a->scratch = call_bytes(c, 1, &size);
  int32_t first = call_int(c, 2);
  int32_t second = call_int(c, 3);
  int32_t length = argc > 4 ? call_int(c, 4) : hash_length(a->hash);
  if (c->failed) return 0;
  if (hash_length(a->hash) < 0) return call_fail(c, "unknown hash id"), 0;
  if (length > 255 * hash_length(a->hash)) return call_fail(c, "more than 255 * HashLen bytes asked"), 0;
  if (!span_within(size, 0, (int64_t)first + second + length)) return call_fail(c, "the inputs and the output do not fit the scratch buffer"), 0;
  a->first = (size_t)first;
  a->second = (size_t)second;
  a->length = (size_t)length;
  return 1;
}

/* hmacIn(hash, scratch, keyLength, dataLength): HMAC-Hash(key, data), HashLen bytes after the data. */
static napi_value hmac_js(napi_env env, napi_callback_info info) {
  call c;
  kdf_args a;
  if (!kdf_arguments(&c, env, info, "hmacIn", 4, &a)) return NULL;
  uint8_t *data = a.scratch + a.first;
  if (kdf_hmac(a.hash, a.scratch, a.first, data, a.second, data + a.second) != 0) return call_fail(&c, "HMAC failed"), NULL;
  return NULL;
}

/* hkdfExpandIn(hash, scratch, prkLength, infoLength, length): HKDF-Expand(prk, info, length) after the info. */
static napi_value hkdf_expand_js(napi_env env, napi_callback_info info) {
  call c;
  kdf_args a;
  if (!kdf_arguments(&c, env, info, "hkdfExpandIn", 5, &a)) return NULL;
  uint8_t *label = a.scratch + a.first;
  if (kdf_hkdf_expand(a.hash, a.scratch, a.first, label, a.second, label + a.second, a.length) != 0) return call_fail(&c, "HKDF-Expand failed"), NULL;
  return NULL;
}

/* pHashIn(hash, scratch, secretLength, seedLength, length): P_hash(secret, seed) (RFC 5246 section 5), `length` bytes after the seed. */
static napi_value p_hash_js(napi_env env, napi_callback_info info) {
  call c;
  kdf_args a;
  if (!kdf_arguments(&c, env, info, "pHashIn", 5, &a)) return NULL;
  uint8_t *seed = a.scratch + a.first;
  if (kdf_p_hash(a.hash, a.scratch, a.first, seed, a.second, seed + a.second, a.length) != 0) return call_fail(&c, "P_hash failed"), NULL;
  return NULL;
}

/*
 * hkdfExpandLabelsIn(hash, scratch, prkLength, labelsLength, count) -> written: HKDF-Expand-Label `count` times with one
 * PRK (a traffic secret's key, iv and sn; a stage's secrets): scratch holds the PRK, then the HkdfLabels, then room for
 * the outputs one after another (kdf.h). One call where each label would be one.
 */
static napi_value hkdf_expand_labels_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "hkdfExpandLabelsIn", 5)) return NULL;
  int32_t hash = call_int(&c, 0);
  uint8_t *scratch = call_bytes(&c, 1, &size);
  int32_t prk_length = call_int(&c, 2);
  int32_t labels_length = call_int(&c, 3);
  int32_t count = call_int(&c, 4);
  if (c.failed) return NULL;
  if (hash_length(hash) < 0) return call_fail(&c, "unknown hash id"), NULL;
  if (!span_within(size, 0, (int64_t)prk_length + labels_length)) return call_fail(&c, "the PRK and the labels do not fit the scratch buffer"), NULL;
  size_t outputs = (size_t)prk_length + (size_t)labels_length;
  int written = kdf_hkdf_expand_labels(hash, scratch, (size_t)prk_length, scratch + prk_length, (size_t)labels_length, (size_t)count, scratch + outputs,
                                       size - outputs);
  if (written < 0) return call_fail(&c, "the labels are not `count` HkdfLabels, or their outputs do not fit the scratch buffer"), NULL;
  napi_create_int32(env, written, &result);
  return result;
}

/* A hash state argument: exactly hash_state_size() bytes, 8-byte aligned (it holds 64-bit words). */
static uint8_t *hash_state_arg(call *c, size_t i) {
  size_t size = 0;
  uint8_t *state = call_bytes(c, i, &size);
  if (state == NULL) return NULL;
  if (size != hash_state_size() || (uintptr_t)state % 8 != 0) return call_fail(c, "expected a hash state (hashStateLength bytes, 8-byte aligned)"), NULL;
  return state;
}

/* hashInit(hash, state): a fresh SHA-256 or SHA-384 state. */
static napi_value hash_init_js(napi_env env, napi_callback_info info) {
  call c;
  if (!call_begin(&c, env, info, "hashInit", 2)) return NULL;
  int32_t hash = call_int(&c, 0);
  uint8_t *state = hash_state_arg(&c, 1);
  if (c.failed) return NULL;
  if (hash_state_init(state, hash) != 0) return call_fail(&c, "unknown hash id"), NULL;
  return NULL;
}

/* hashUpdate(state, data) */
static napi_value hash_update_js(napi_env env, napi_callback_info info) {
  call c;
  size_t length = 0;
  if (!call_begin(&c, env, info, "hashUpdate", 2)) return NULL;
  uint8_t *state = hash_state_arg(&c, 0);
  const uint8_t *data = call_bytes(&c, 1, &length);
  if (c.failed) return NULL;
  if (hash_state_update(state, data, length) != 0) return call_fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/* hashDigest(state, out): the digest of everything so far into out[0, HashLen); the state keeps running. */
static napi_value hash_digest_js(napi_env env, napi_callback_info info) {
  call c;
  size_t out_size = 0;
  if (!call_begin(&c, env, info, "hashDigest", 2)) return NULL;
  const uint8_t *state = hash_state_arg(&c, 0);
  uint8_t *out = call_bytes(&c, 1, &out_size);
  if (c.failed) return NULL;
  if (out_size < MAX_HASH_LENGTH) return call_fail(&c, "the output needs 48 bytes"), NULL;
  if (hash_state_digest(state, out) != 0) return call_fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/*
 * hashAbsorb(state, data, length, out?): data[0, length) hashed into the state, then, given `out`, the digest so far
 * into out[0, HashLen) (the state keeps running): a transcript's messages since the last call and its digest in one.
 */
static napi_value hash_absorb_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0;
  if (!call_begin(&c, env, info, "hashAbsorb", 3)) return NULL;
  uint8_t *state = hash_state_arg(&c, 0);
  const uint8_t *data = call_bytes(&c, 1, &size);
  int32_t length = call_int(&c, 2);
  uint8_t *out = NULL;
  if (c.argc > 3) {
    napi_valuetype type = napi_undefined;
    napi_typeof(env, c.argv[3], &type);
    if (type != napi_undefined) out = call_bytes(&c, 3, &out_size);
  }
  if (c.failed) return NULL;
  if (!span_within(size, 0, length)) return call_fail(&c, "length is past the data"), NULL;
  if (out != NULL && out_size < MAX_HASH_LENGTH) return call_fail(&c, "the output needs 48 bytes"), NULL;
  if (hash_state_update(state, data, (size_t)length) != 0) return call_fail(&c, "the hash state is not one hashInit made"), NULL;
  if (out != NULL && hash_state_digest(state, out) != 0) return call_fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/* randomFill(out): out filled from OpenSSL's public random generator (node's randomBytes uses the same). */
static napi_value random_fill_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!call_begin(&c, env, info, "randomFill", 1)) return NULL;
  uint8_t *out = call_bytes(&c, 0, &size);
  if (c.failed) return NULL;
  if (size > INT32_MAX) return call_fail(&c, "at most 2^31 - 1 bytes at once"), NULL;
  if (size > 0 && RAND_bytes(out, (int)size) != 1) {
    ERR_clear_error();
    return call_fail(&c, "OpenSSL's random generator failed"), NULL;
  }
  return NULL;
}

int kdf_bindings_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {
      {"hmacIn", hmac_js}, {"hkdfExpandIn", hkdf_expand_js}, {"hkdfExpandLabelsIn", hkdf_expand_labels_js},
      {"pHashIn", p_hash_js}, {"hashAbsorb", hash_absorb_js}, {"randomFill", random_fill_js},
      {"hashInit", hash_init_js}, {"hashUpdate", hash_update_js}, {"hashDigest", hash_digest_js},
  };
  if (!call_export_all(env, exports, functions, sizeof functions / sizeof functions[0])) return 0;
  napi_value state_length;
  napi_create_uint32(env, (uint32_t)hash_state_size(), &state_length);
  napi_set_named_property(env, exports, "hashStateLength", state_length);
  return 1;
}
