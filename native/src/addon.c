/*
 * dtls13's native addon: N-API bindings over cipher.c and record.c (the
 * record path), kdf.c (HMAC, HKDF), x25519.c (key shares), ecdsa.c (ECDSA
 * signing) and udp.c.
 * Every buffer argument is a Uint8Array; every offset and length is checked
 * against it here, whatever the TypeScript side already checked.
 */
#include <node_api.h>

#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "chacha20-block.h"
#include "chacha20-poly1305.h"
#include "ecdsa.h"
#include "external-tag.h"
#include "clock.h"
#include "handle-table.h"
#include "kdf.h"
#include "owned-bytes.h"
#include "record.h"
#include "record12.h"
#include "udp.h"
#include "udp-receive.h"
#include "reuseport.h"
#include "udp-socket.h"
#include "x25519.h"

#define MAX_ARGS 10

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  const char *fn;
  int failed;
} call;

static void fail(call *c, const char *what) {
  if (c->failed) return;
  c->failed = 1;
  char message[256];
  snprintf(message, sizeof message, "dtls13 native %s: %s", c->fn, what);
  napi_throw_range_error(c->env, "ERR_DTLS13_NATIVE", message);
}

static int begin(call *c, napi_env env, napi_callback_info info, const char *fn, size_t need) {
  c->env = env;
  c->fn = fn;
  c->failed = 0;
  c->argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) {
    fail(c, "could not read the arguments");
    return 0;
  }
  if (c->argc < need) {
    fail(c, "too few arguments");
    return 0;
  }
  return 1;
}

static uint8_t *bytes(call *c, size_t i, size_t *length) {
  napi_typedarray_type type;
  void *data = NULL;
  if (c->failed) return NULL;
  if (napi_get_typedarray_info(c->env, c->argv[i], &type, length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    fail(c, "expected a Uint8Array argument");
    return NULL;
  }
  /* An empty view may have no backing store: give callers a valid pointer. */
  return data != NULL ? (uint8_t *)data : (uint8_t *)"";
}

static int32_t int_arg(call *c, size_t i) {
  int32_t v = -1;
  if (c->failed) return -1;
  if (napi_get_value_int32(c->env, c->argv[i], &v) != napi_ok || v < 0) fail(c, "expected a non-negative integer argument");
  return v;
}

/* A sequence number or expected value: an integer in [0, 2^53]. */
static uint64_t seq_arg(call *c, size_t i) {
  double v = -1;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok || !(v >= 0) || v > 9007199254740992.0 || floor(v) != v) {
    fail(c, "expected a sequence number (an integer from 0 to 2^53)");
    return 0;
  }
  return (uint64_t)v;
}

/* This environment's handles (set up by init; worker threads each have their own). */
static handle_table *table_of(napi_env env) {
  void *t = NULL;
  return napi_get_instance_data(env, &t) == napi_ok ? (handle_table *)t : NULL;
}

/* A handle id: an integer from 0 to 2^32 - 1 (napi_get_value_uint32 would take 1.5 as 1, and -1 as 2^32 - 1). */
static int handle_id_arg(call *c, size_t i, uint32_t *id) {
  double v = -1;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok || !(v >= 0) || v > 4294967295.0 || floor(v) != v) return 0;
  *id = (uint32_t)v;
  return 1;
}

static handle *handle_arg(call *c, size_t i, int kind) {
  uint32_t id = 0;
  handle_table *t = table_of(c->env);
  if (c->failed) return NULL;
  if (t == NULL || !handle_id_arg(c, i, &id)) {
    fail(c, "expected a handle of the right kind");
    return NULL;
  }
  handle *h = handle_table_get(t, id);
  if (h == NULL) {
    fail(c, "no such handle: the key was released (or this was never a handle)");
    return NULL;
  }
  if (h->kind != kind) {
    fail(c, "expected a handle of the right kind");
    return NULL;
  }
  return h;
}

/* [offset, offset + length) lies within a buffer of `size` bytes. */
static int within(size_t size, int64_t offset, int64_t length) {
  return offset >= 0 && length >= 0 && (uint64_t)offset <= size && (uint64_t)length <= size - (uint64_t)offset;
}

static void release_handle(handle *h) {
  if (h->released) return;
  h->released = 1;
  switch (h->kind) {
    case KIND_AEAD:
      aead_free(&h->u.aead);
      break;
    case KIND_MASK:
      mask_free(&h->u.mask);
      break;
    case KIND_RECORD:
      aead_free(&h->u.record.aead);
      mask_free(&h->u.record.mask);
      OPENSSL_cleanse(h->u.record.iv, NONCE_LENGTH);
      break;
    case KIND_RECORD12:
      aead_free(&h->u.record12.aead);
      OPENSSL_cleanse(h->u.record12.iv, NONCE_LENGTH);
      break;
    case KIND_X25519:
      x25519_free(&h->u.x25519);
      break;
  }
}

/* The id of a handle new_handle made, as the number JavaScript holds. */
static napi_value wrap(call *c, uint32_t id) {
  napi_value out = NULL;
  if (napi_create_uint32(c->env, id, &out) != napi_ok) {
    handle_table *t = table_of(c->env);
    handle *h = t != NULL ? handle_table_get(t, id) : NULL;
    if (h != NULL) release_handle(h);
    if (t != NULL) handle_table_remove(t, id);
    fail(c, "could not create the handle");
    return NULL;
  }
  return out;
}

/* A zeroed handle of `kind` in this environment's table, its id in *id. */
static handle *new_handle(call *c, int kind, uint32_t *id) {
  handle_table *t = table_of(c->env);
  handle *h = t != NULL ? handle_table_add(t, kind, id) : NULL;
  if (h == NULL) fail(c, "out of memory (or handles)");
  return h;
}

/* Gives back the slot of a handle whose setup failed (it holds nothing). */
static void drop_handle(call *c, uint32_t id) {
  handle_table *t = table_of(c->env);
  if (t != NULL) handle_table_remove(t, id);
}

/* aeadCreate(alg, key) */
static napi_value aead_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0;
  const char *error = NULL;
  if (!begin(&c, env, info, "aeadCreate", 2)) return NULL;
  int32_t alg = int_arg(&c, 0);
  const uint8_t *key = bytes(&c, 1, &key_length);
  if (c.failed) return NULL;
  uint32_t id = 0;
  handle *h = new_handle(&c, KIND_AEAD, &id);
  if (h == NULL) return NULL;
  if (aead_init(&h->u.aead, alg, key, key_length, &error) != 0) {
    drop_handle(&c, id);
    fail(&c, error);
    return NULL;
  }
  return wrap(&c, id);
}

/* aeadSeal(h, nonce, aad, buffer, offset, length): seals buffer[offset, offset + length) in place, tag after it. */
static napi_value aead_seal_js(napi_env env, napi_callback_info info) {
  call c;
  size_t nonce_length = 0, aad_length = 0, size = 0;
  if (!begin(&c, env, info, "aeadSeal", 6)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_AEAD);
  const uint8_t *nonce = bytes(&c, 1, &nonce_length);
  const uint8_t *aad = bytes(&c, 2, &aad_length);
  uint8_t *buffer = bytes(&c, 3, &size);
  int32_t offset = int_arg(&c, 4);
  int32_t length = int_arg(&c, 5);
  if (c.failed) return NULL;
  if (nonce_length != NONCE_LENGTH) return fail(&c, "the nonce must be 12 bytes"), NULL;
  if (!within(size, offset, (int64_t)length + h->u.aead.tag_length)) return fail(&c, "plaintext and tag do not fit the buffer"), NULL;
  if (aead_seal(&h->u.aead, nonce, aad, aad_length, buffer + offset, (size_t)length) != 0) return fail(&c, "OpenSSL refused to seal"), NULL;
  return NULL;
}

/* aeadOpen(h, nonce, aad, input, inputOffset, length, out, outOffset) -> boolean; length counts the tag. */
static napi_value aead_open_js(napi_env env, napi_callback_info info) {
  call c;
  size_t nonce_length = 0, aad_length = 0, in_size = 0, out_size = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, "aeadOpen", 8)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_AEAD);
  const uint8_t *nonce = bytes(&c, 1, &nonce_length);
  const uint8_t *aad = bytes(&c, 2, &aad_length);
  const uint8_t *in = bytes(&c, 3, &in_size);
  int32_t in_offset = int_arg(&c, 4);
  int32_t length = int_arg(&c, 5);
  uint8_t *out = bytes(&c, 6, &out_size);
  int32_t out_offset = int_arg(&c, 7);
  if (c.failed) return NULL;
  int tag = h->u.aead.tag_length;
  if (nonce_length != NONCE_LENGTH) return fail(&c, "the nonce must be 12 bytes"), NULL;
  if (!within(in_size, in_offset, length)) return fail(&c, "the ciphertext does not fit its buffer"), NULL;
  int ok = 0;
  if (length >= tag) {
    if (!within(out_size, out_offset, length - tag)) return fail(&c, "the plaintext does not fit the output buffer"), NULL;
    ok = aead_open(&h->u.aead, nonce, aad, aad_length, in + in_offset, (size_t)(length - tag), out + out_offset) == 0;
  }
  napi_get_boolean(env, ok, &result);
  return result;
}

/* maskCreate(alg, snKey) */
static napi_value mask_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0;
  const char *error = NULL;
  if (!begin(&c, env, info, "maskCreate", 2)) return NULL;
  int32_t alg = int_arg(&c, 0);
  const uint8_t *key = bytes(&c, 1, &key_length);
  if (c.failed) return NULL;
  uint32_t id = 0;
  handle *h = new_handle(&c, KIND_MASK, &id);
  if (h == NULL) return NULL;
  if (mask_init(&h->u.mask, alg, key, key_length, &error) != 0) {
    drop_handle(&c, id);
    fail(&c, error);
    return NULL;
  }
  return wrap(&c, id);
}

/* maskCompute(h, sample, sampleOffset, out): 16 mask bytes into out[0, 16). */
static napi_value mask_compute_js(napi_env env, napi_callback_info info) {
  call c;
  size_t sample_size = 0, out_size = 0;
  if (!begin(&c, env, info, "maskCompute", 4)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_MASK);
  const uint8_t *sample = bytes(&c, 1, &sample_size);
  int32_t offset = int_arg(&c, 2);
  uint8_t *out = bytes(&c, 3, &out_size);
  if (c.failed) return NULL;
  if (!within(sample_size, offset, MASK_SAMPLE)) return fail(&c, "the sample needs 16 bytes"), NULL;
  if (out_size < MASK_SAMPLE) return fail(&c, "the output needs 16 bytes"), NULL;
  if (mask_compute(&h->u.mask, sample + offset, out) != 0) return fail(&c, "OpenSSL refused to compute the mask"), NULL;
  return NULL;
}

/* recordCreate(aeadAlg, key, iv, maskAlg, snKey) */
static napi_value record_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0, iv_length = 0, sn_length = 0;
  const char *error = NULL;
  if (!begin(&c, env, info, "recordCreate", 5)) return NULL;
  int32_t aead_alg = int_arg(&c, 0);
  const uint8_t *key = bytes(&c, 1, &key_length);
  const uint8_t *iv = bytes(&c, 2, &iv_length);
  int32_t mask_alg = int_arg(&c, 3);
  const uint8_t *sn_key = bytes(&c, 4, &sn_length);
  if (c.failed) return NULL;
  if (iv_length != NONCE_LENGTH) return fail(&c, "the IV must be 12 bytes"), NULL;
  uint32_t id = 0;
  handle *h = new_handle(&c, KIND_RECORD, &id);
  if (h == NULL) return NULL;
  if (aead_init(&h->u.record.aead, aead_alg, key, key_length, &error) != 0 || mask_init(&h->u.record.mask, mask_alg, sn_key, sn_length, &error) != 0) {
    aead_free(&h->u.record.aead);
    drop_handle(&c, id);
    fail(&c, error);
    return NULL;
  }
  memcpy(h->u.record.iv, iv, NONCE_LENGTH);
  return wrap(&c, id);
}

/* Checks one record's layout in a buffer of `size` bytes and seals it. */
static int seal_one(call *c, handle *h, uint8_t *buffer, size_t size, int64_t at, int64_t header_length, int64_t plaintext_length, uint64_t seq,
                    int64_t sn_offset, int64_t sn_bytes) {
  if (header_length < 1 || plaintext_length < 0 || !within(size, at, header_length + plaintext_length + h->u.record.aead.tag_length))
    return fail(c, "the record does not fit the buffer"), -1;
  if ((sn_bytes != 1 && sn_bytes != 2) || sn_offset < 0 || sn_offset + sn_bytes > header_length)
    return fail(c, "the record number bytes lie outside the header"), -1;
  if (plaintext_length + h->u.record.aead.tag_length < MASK_SAMPLE) return fail(c, "a record needs 16 bytes of ciphertext for its mask"), -1;
  if (record_seal(&h->u.record, seq, buffer + at, (size_t)header_length, (size_t)plaintext_length, (size_t)sn_offset, (int)sn_bytes) != 0)
    return fail(c, "OpenSSL refused to seal"), -1;
  return 0;
}

/* recordSeal(h, buffer, at, headerLength, plaintextLength, seq, snOffset, snBytes) */
static napi_value record_seal_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!begin(&c, env, info, "recordSeal", 8)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD);
  uint8_t *buffer = bytes(&c, 1, &size);
  int32_t at = int_arg(&c, 2);
  int32_t header_length = int_arg(&c, 3);
  int32_t plaintext_length = int_arg(&c, 4);
  uint64_t seq = seq_arg(&c, 5);
  int32_t sn_offset = int_arg(&c, 6);
  int32_t sn_bytes = int_arg(&c, 7);
  if (c.failed) return NULL;
  seal_one(&c, h, buffer, size, at, header_length, plaintext_length, seq, sn_offset, sn_bytes);
  return NULL;
}

#define BATCH_STRIDE 6

/*
 * recordSealBatch(h, buffer, layout, count): `layout` (a Float64Array) holds
 * six numbers per record, as recordSeal takes them: at, headerLength,
 * plaintextLength, seq, snOffset, snBytes. All records are checked before
 * any is sealed.
 */
static napi_value record_seal_batch(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, layout_length = 0;
  napi_typedarray_type type;
  void *data = NULL;
  if (!begin(&c, env, info, "recordSealBatch", 4)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD);
  uint8_t *buffer = bytes(&c, 1, &size);
  int32_t count = int_arg(&c, 3);
  if (c.failed) return NULL;
  if (napi_get_typedarray_info(env, c.argv[2], &type, &layout_length, &data, NULL, NULL) != napi_ok || type != napi_float64_array)
    return fail(&c, "the layout must be a Float64Array"), NULL;
  if ((size_t)count > layout_length / BATCH_STRIDE) return fail(&c, "the layout holds fewer records than the count"), NULL;
  const double *layout = data;
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * BATCH_STRIDE;
    for (int j = 0; j < BATCH_STRIDE; j++)
      if (!(r[j] >= 0) || r[j] > 9007199254740992.0 || floor(r[j]) != r[j]) return fail(&c, "the layout holds a value that is not a non-negative integer"), NULL;
  }
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * BATCH_STRIDE;
    if (seal_one(&c, h, buffer, size, (int64_t)r[0], (int64_t)r[1], (int64_t)r[2], (uint64_t)r[3], (int64_t)r[4], (int64_t)r[5]) != 0) return NULL;
  }
  return NULL;
}

/* The arguments recordOpen and recordOpenOwned share: the key and the record's place in the datagram. */
typedef struct {
  handle *h;
  const uint8_t *record;
  int32_t header_length;
  int32_t ciphertext_length;
  int32_t sn_offset;
  int32_t sn_bytes;
  uint64_t expected;
} open_args;

/* Reads arguments 0..7 (h, datagram, at, headerLength, ciphertextLength, snOffset, snBytes, expected) and checks them. */
static int open_args_read(call *c, open_args *a) {
  size_t size = 0;
  a->h = handle_arg(c, 0, KIND_RECORD);
  const uint8_t *datagram = bytes(c, 1, &size);
  int32_t at = int_arg(c, 2);
  a->header_length = int_arg(c, 3);
  a->ciphertext_length = int_arg(c, 4);
  a->sn_offset = int_arg(c, 5);
  a->sn_bytes = int_arg(c, 6);
  a->expected = seq_arg(c, 7);
  if (c->failed) return 0;
  int tag = a->h->u.record.aead.tag_length;
  if (a->header_length < 1 || !within(size, at, (int64_t)a->header_length + a->ciphertext_length)) return fail(c, "the record does not fit the datagram"), 0;
  if ((a->sn_bytes != 1 && a->sn_bytes != 2) || a->sn_offset + a->sn_bytes > a->header_length)
    return fail(c, "the record number bytes lie outside the header"), 0;
  if (a->ciphertext_length < MASK_SAMPLE || a->ciphertext_length < tag) return fail(c, "a record needs 16 bytes of ciphertext"), 0;
  a->record = datagram + at;
  return 1;
}

static int open_with(open_args *a, uint8_t *out, uint64_t *seq) {
  return record_open(&a->h->u.record, a->record, (size_t)a->header_length, (size_t)a->ciphertext_length, (size_t)a->sn_offset, a->sn_bytes, a->expected, out,
                     seq);
}

/*
 * recordOpen(h, datagram, at, headerLength, ciphertextLength, snOffset,
 * snBytes, expected, out, outOffset) -> the sequence number, or -1 when the
 * record does not authenticate. The datagram is not written to.
 */
static napi_value record_open_js(napi_env env, napi_callback_info info) {
  call c;
  open_args a;
  size_t out_size = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, "recordOpen", 10) || !open_args_read(&c, &a)) return NULL;
  uint8_t *out = bytes(&c, 8, &out_size);
  int32_t out_offset = int_arg(&c, 9);
  if (c.failed) return NULL;
  if (!within(out_size, out_offset, a.ciphertext_length - a.h->u.record.aead.tag_length)) return fail(&c, "the plaintext does not fit the output buffer"), NULL;
  uint64_t seq = 0;
  int ok = open_with(&a, out + out_offset, &seq) == 0;
  napi_create_double(env, ok ? (double)seq : -1.0, &result);
  return result;
}

/*
 * recordOpenOwned(h, datagram, at, headerLength, ciphertextLength, snOffset,
 * snBytes, expected, sequence) -> the plaintext, in a Uint8Array over an
 * ArrayBuffer of its own (owned-bytes.h), with its sequence number in
 * sequence[0]; undefined when the record does not authenticate.
 */
static napi_value record_open_owned_js(napi_env env, napi_callback_info info) {
  call c;
  open_args a;
  napi_value result = NULL;
  napi_typedarray_type type;
  size_t sequence_length = 0;
  void *sequence = NULL;
  if (!begin(&c, env, info, "recordOpenOwned", 9) || !open_args_read(&c, &a)) return NULL;
  if (napi_get_typedarray_info(env, c.argv[8], &type, &sequence_length, &sequence, NULL, NULL) != napi_ok || type != napi_float64_array || sequence_length < 1)
    return fail(&c, "expected a Float64Array for the sequence number"), NULL;
  size_t length = (size_t)(a.ciphertext_length - a.h->u.record.aead.tag_length);
  uint8_t *out = owned_take(length);
  if (out == NULL) return fail(&c, "out of memory for the plaintext"), NULL;
  uint64_t seq = 0;
  if (open_with(&a, out, &seq) != 0) {
    owned_give_back(out, length);
    napi_get_undefined(env, &result);
    return result;
  }
  ((double *)sequence)[0] = (double)seq;
  return owned_wrap(env, out, length);
}

/*
 * The run calls' Float64Arrays: `pairs` (argument `pairs_at`, two numbers for each of `count` datagrams) and `results`
 * (argument `results_at`); false, with the call failed, when either is not a Float64Array or the pairs are too few.
 */
static int run_arrays(call *c, size_t pairs_at, size_t results_at, int32_t count, void **pairs, void **results, size_t *results_length) {
  napi_typedarray_type type;
  size_t pairs_length = 0;
  if (napi_get_typedarray_info(c->env, c->argv[pairs_at], &type, &pairs_length, pairs, NULL, NULL) != napi_ok || type != napi_float64_array)
    return fail(c, "the pairs must be a Float64Array"), 0;
  if (napi_get_typedarray_info(c->env, c->argv[results_at], &type, results_length, results, NULL, NULL) != napi_ok || type != napi_float64_array)
    return fail(c, "the results must be a Float64Array"), 0;
  if (count < 0 || (size_t)count > pairs_length / 2) return fail(c, "the pairs hold fewer datagrams than the count"), 0;
  return 1;
}

/*
 * recordOpenRun(h, buffer, pairs, count, cid, epochBits, expected, out,
 * results) -> how many records it opened. `pairs` (a Float64Array) holds
 * `at, length` of `count` datagrams in `buffer`; each that is one
 * DTLSCiphertext (unified header: of `epochBits`, with the connection ID
 * `cid` when it is not empty, none when it is; a length, when present, equal
 * to the rest of the datagram; 16 to 2^14 + 256 bytes of ciphertext) is
 * opened as recordOpen opens it, expecting what a replay window would then:
 * `expected`, or one past the newest record before it that authenticated
 * (replays and forgeries do not move it); its plaintext written after the previous one's in `out`; the others are skipped. For the
 * k-th record results[4k..4k+3] = the datagram's index in `pairs`, where its
 * plaintext starts in `out`, its length, and the sequence number (-1 minus it
 * when it does not authenticate: its plaintext then zeroed). It stops when `out`,
 * `results` or the records run out. `buffer` is not written to.
 */
static napi_value record_open_run(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0, cid_length = 0, results_length = 0;
  void *pairs_data = NULL, *results_data = NULL;
  napi_value result = NULL;
  if (!begin(&c, env, info, "recordOpenRun", 9)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD);
  const uint8_t *buffer = bytes(&c, 1, &size);
  int32_t count = int_arg(&c, 3);
  const uint8_t *cid = bytes(&c, 4, &cid_length);
  int32_t epoch_bits = int_arg(&c, 5);
  uint64_t expected = seq_arg(&c, 6);
  uint8_t *out = bytes(&c, 7, &out_size);
  if (c.failed) return NULL;
  if (!run_arrays(&c, 2, 8, count, &pairs_data, &results_data, &results_length)) return NULL;
  if (cid_length > 255 || epoch_bits > 3) return fail(&c, "a connection ID is at most 255 bytes, the epoch bits at most 3"), NULL;
  const double *pairs = pairs_data;
  double *results = results_data;
  size_t tag = (size_t)h->u.record.aead.tag_length;
  size_t used = 0;
  int32_t k = 0;
  /* What the replay window will expect when the k-th record is taken: one past the newest that authenticated before it. */
  uint64_t next = expected;
  for (int32_t i = 0; i < count && (size_t)(4 * (k + 1)) <= results_length; i++) {
    double at_d = pairs[2 * i], length_d = pairs[2 * i + 1];
    if (!(at_d >= 0) || !(length_d >= 1) || at_d > (double)size || length_d > (double)size - at_d) return fail(&c, "a datagram lies outside the buffer"), NULL;
    const uint8_t *d = buffer + (size_t)at_d;
    size_t length = (size_t)length_d;
    uint8_t b0 = d[0];
    int has_cid = (b0 & 0x10) != 0, seq16 = (b0 & 0x08) != 0, has_length = (b0 & 0x04) != 0;
    if ((b0 & 0xe0) != 0x20 || (b0 & 3) != epoch_bits || has_cid != (cid_length > 0)) continue;
    size_t header = 1 + cid_length + (seq16 ? 2 : 1) + (has_length ? 2 : 0);
    if (length < header + MASK_SAMPLE || length - header > 16384 + 256 || length - header < tag) continue;
    size_t ciphertext = length - header;
    if (has_length && (((size_t)d[header - 2] << 8) | d[header - 1]) != ciphertext) continue;
    if (cid_length > 0 && memcmp(d + 1, cid, cid_length) != 0) continue;
    size_t plaintext = ciphertext - tag;
    if (plaintext > out_size - used) break;
    uint64_t seq = 0;
    int ok = record_open(&h->u.record, d, header, ciphertext, 1 + cid_length, seq16 ? 2 : 1, next, out + used, &seq) == 0;
    if (ok && seq >= next) next = seq + 1;
    results[4 * k] = (double)i;
    results[4 * k + 1] = (double)used;
    results[4 * k + 2] = (double)plaintext;
    results[4 * k + 3] = ok ? (double)seq : -1.0 - (double)seq;
    used += plaintext;
    k++;
  }
  napi_create_int32(env, k, &result);
  return result;
}

/* record12Create(aeadAlg, key, iv, epoch, cid): iv is 4 bytes (explicit nonces: GCM, CCM) or 12 (XOR: ChaCha20-Poly1305); cid empty for plain records. */
static napi_value record12_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0, iv_length = 0, cid_length = 0;
  const char *error = NULL;
  if (!begin(&c, env, info, "record12Create", 5)) return NULL;
  int32_t aead_alg = int_arg(&c, 0);
  const uint8_t *key = bytes(&c, 1, &key_length);
  const uint8_t *iv = bytes(&c, 2, &iv_length);
  int32_t epoch = int_arg(&c, 3);
  const uint8_t *cid = bytes(&c, 4, &cid_length);
  if (c.failed) return NULL;
  if (iv_length != 4 && iv_length != NONCE_LENGTH) return fail(&c, "the IV must be 4 or 12 bytes"), NULL;
  if (epoch < 1 || epoch > 0xffff) return fail(&c, "the epoch must be 1..65535"), NULL;
  if (cid_length > RECORD12_MAX_CID) return fail(&c, "a CID is at most 255 bytes"), NULL;
  uint32_t id = 0;
  handle *h = new_handle(&c, KIND_RECORD12, &id);
  if (h == NULL) return NULL;
  record12_key *k = &h->u.record12;
  if (aead_init(&k->aead, aead_alg, key, key_length, &error) != 0) {
    drop_handle(&c, id);
    fail(&c, error);
    return NULL;
  }
  memcpy(k->iv, iv, iv_length);
  k->explicit_length = iv_length == 4 ? RECORD12_EXPLICIT : 0;
  k->epoch = (uint16_t)epoch;
  k->cid_length = (int)cid_length;
  memcpy(k->cid, cid, cid_length);
  return wrap(&c, id);
}

/*
 * record12Seal(h, buffer, at, type, seq, plaintextLength, explicitGiven):
 * the record at buffer[at..]: header and explicit nonce written here (the
 * explicit nonce kept as the caller put it when explicitGiven is 1), the
 * plaintext already in place after them, sealed in place, tag after it.
 */
static napi_value record12_seal_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!begin(&c, env, info, "record12Seal", 7)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD12);
  uint8_t *buffer = bytes(&c, 1, &size);
  int32_t at = int_arg(&c, 2);
  int32_t type = int_arg(&c, 3);
  uint64_t seq = seq_arg(&c, 4);
  int32_t plaintext_length = int_arg(&c, 5);
  int32_t explicit_given = int_arg(&c, 6);
  if (c.failed) return NULL;
  record12_key *k = &h->u.record12;
  if (type > 255) return fail(&c, "a content type is 0..255"), NULL;
  if (seq >= ((uint64_t)1 << 48)) return fail(&c, "a DTLS 1.2 sequence number is 48 bits"), NULL;
  int64_t length = (int64_t)record12_header_length(k) + k->explicit_length + plaintext_length + k->aead.tag_length;
  if (!within(size, at, length)) return fail(&c, "the record does not fit the buffer"), NULL;
  if (record12_seal(k, seq, type, buffer + at, (size_t)plaintext_length, explicit_given != 0) != 0) return fail(&c, "OpenSSL refused to seal"), NULL;
  return NULL;
}

/*
 * record12SealBatch(h, buffer, layout, count): record12Seal for `count` records of `buffer` laid out as recordSealBatch's
 * (BATCH_STRIDE numbers each: at, header length, plaintext length, sequence number, and two 1.3 fields not read here),
 * each record's type its first byte as laid out, its explicit nonce from its sequence number. Every entry is checked
 * before any record is sealed; a seal OpenSSL refuses throws, the records before it sealed.
 */
static napi_value record12_seal_batch(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, layout_length = 0;
  napi_typedarray_type type;
  void *data = NULL;
  if (!begin(&c, env, info, "record12SealBatch", 4)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD12);
  uint8_t *buffer = bytes(&c, 1, &size);
  int32_t count = int_arg(&c, 3);
  if (c.failed) return NULL;
  if (napi_get_typedarray_info(env, c.argv[2], &type, &layout_length, &data, NULL, NULL) != napi_ok || type != napi_float64_array)
    return fail(&c, "the layout must be a Float64Array"), NULL;
  if ((size_t)count > layout_length / BATCH_STRIDE) return fail(&c, "the layout holds fewer records than the count"), NULL;
  record12_key *k = &h->u.record12;
  const double *layout = data;
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * BATCH_STRIDE;
    for (int j = 0; j < 4; j++)
      if (!(r[j] >= 0) || r[j] > 9007199254740992.0 || floor(r[j]) != r[j]) return fail(&c, "the layout holds a value that is not a non-negative integer"), NULL;
    if (r[2] > 0xffff || r[3] >= (double)((uint64_t)1 << 48)) return fail(&c, "a plaintext length or sequence number is out of range"), NULL;
    int64_t length = (int64_t)record12_header_length(k) + k->explicit_length + (int64_t)r[2] + k->aead.tag_length;
    if (!within(size, (int64_t)r[0], length)) return fail(&c, "a record does not fit the buffer"), NULL;
  }
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * BATCH_STRIDE;
    uint8_t *record = buffer + (size_t)r[0];
    if (record12_seal(k, (uint64_t)r[3], record[0], record, (size_t)r[2], 0) != 0) return fail(&c, "OpenSSL refused to seal"), NULL;
  }
  return NULL;
}

/* The arguments record12Open and record12OpenOwned share: the key, the fragment, its type and sequence number. */
typedef struct {
  record12_key *k;
  const uint8_t *fragment;
  int32_t fragment_length;
  int32_t type;
  uint64_t seq;
  int64_t overhead; /* explicit nonce and tag */
} open12_args;

/* Reads arguments 0..5 (h, buffer, at, fragmentLength, type, seq) and checks them. */
static int open12_args_read(call *c, open12_args *a) {
  size_t size = 0;
  handle *h = handle_arg(c, 0, KIND_RECORD12);
  const uint8_t *buffer = bytes(c, 1, &size);
  int32_t at = int_arg(c, 2);
  a->fragment_length = int_arg(c, 3);
  a->type = int_arg(c, 4);
  a->seq = seq_arg(c, 5);
  if (c->failed) return 0;
  if (a->type > 255) return fail(c, "a content type is 0..255"), 0;
  if (!within(size, at, a->fragment_length)) return fail(c, "the fragment does not fit the buffer"), 0;
  a->k = &h->u.record12;
  a->fragment = buffer + at;
  a->overhead = (int64_t)a->k->explicit_length + a->k->aead.tag_length;
  return 1;
}

/*
 * record12OpenRun(h, buffer, pairs, count, out, results) -> how many records
 * it opened: recordOpenRun for DTLS 1.2 keys without a connection ID. Each
 * datagram that is one DTLSCiphertext of application_data, version 0xfefd,
 * the key's epoch and a length equal to the rest of the datagram (at most
 * 2^14 + 2048), with room for the explicit nonce and tag, is opened with the
 * sequence number of its header; results[4k..4k+3] as recordOpenRun's.
 */
static napi_value record12_open_run(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0, results_length = 0;
  void *pairs_data = NULL, *results_data = NULL;
  napi_value result = NULL;
  if (!begin(&c, env, info, "record12OpenRun", 6)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_RECORD12);
  const uint8_t *buffer = bytes(&c, 1, &size);
  int32_t count = int_arg(&c, 3);
  uint8_t *out = bytes(&c, 4, &out_size);
  if (c.failed) return NULL;
  if (!run_arrays(&c, 2, 5, count, &pairs_data, &results_data, &results_length)) return NULL;
  record12_key *k = &h->u.record12;
  const double *pairs = pairs_data;
  double *results = results_data;
  size_t overhead = (size_t)k->explicit_length + (size_t)k->aead.tag_length;
  size_t used = 0;
  int32_t n = 0;
  for (int32_t i = 0; i < count && (size_t)(4 * (n + 1)) <= results_length; i++) {
    double at_d = pairs[2 * i], length_d = pairs[2 * i + 1];
    if (!(at_d >= 0) || !(length_d >= 1) || at_d > (double)size || length_d > (double)size - at_d) return fail(&c, "a datagram lies outside the buffer"), NULL;
    if (k->cid_length != 0) break;
    const uint8_t *d = buffer + (size_t)at_d;
    size_t length = (size_t)length_d;
    if (length < RECORD12_HEADER + overhead || d[0] != 23 || d[1] != (RECORD12_VERSION >> 8) || d[2] != (RECORD12_VERSION & 0xff)) continue;
    if ((((unsigned)d[3] << 8) | d[4]) != k->epoch) continue;
    size_t fragment = length - RECORD12_HEADER;
    if (fragment > 16384 + 2048 || (((size_t)d[11] << 8) | d[12]) != fragment) continue;
    size_t plaintext = fragment - overhead;
    if (plaintext > 16384) continue;
    if (plaintext > out_size - used) break;
    uint64_t seq = 0;
    for (int b = 5; b < 11; b++) seq = (seq << 8) | d[b];
    long opened = record12_open(k, seq, 23, d + RECORD12_HEADER, fragment, out + used);
    results[4 * n] = (double)i;
    results[4 * n + 1] = (double)used;
    results[4 * n + 2] = (double)plaintext;
    results[4 * n + 3] = opened == (long)plaintext ? (double)seq : -1.0 - (double)seq;
    if (opened != (long)plaintext) OPENSSL_cleanse(out + used, plaintext);
    used += plaintext;
    n++;
  }
  napi_create_int32(env, n, &result);
  return result;
}

/*
 * record12Open(h, buffer, at, fragmentLength, type, seq, out, outOffset) ->
 * the plaintext length, or -1 when the fragment at buffer[at..] is too
 * short or does not authenticate. The buffer is not written to.
 */
static napi_value record12_open_js(napi_env env, napi_callback_info info) {
  call c;
  open12_args a;
  size_t out_size = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, "record12Open", 8) || !open12_args_read(&c, &a)) return NULL;
  uint8_t *out = bytes(&c, 6, &out_size);
  int32_t out_offset = int_arg(&c, 7);
  if (c.failed) return NULL;
  long n = -1;
  if (a.fragment_length >= a.overhead) {
    if (!within(out_size, out_offset, a.fragment_length - a.overhead)) return fail(&c, "the plaintext does not fit the output buffer"), NULL;
    n = record12_open(a.k, a.seq, a.type, a.fragment, (size_t)a.fragment_length, out + out_offset);
  }
  napi_create_double(env, (double)n, &result);
  return result;
}

/*
 * record12OpenOwned(h, buffer, at, fragmentLength, type, seq) -> the
 * plaintext in a Uint8Array over an ArrayBuffer of its own (owned-bytes.h),
 * or undefined when the fragment is too short or does not authenticate.
 */
static napi_value record12_open_owned_js(napi_env env, napi_callback_info info) {
  call c;
  open12_args a;
  napi_value result = NULL;
  if (!begin(&c, env, info, "record12OpenOwned", 6) || !open12_args_read(&c, &a)) return NULL;
  napi_get_undefined(env, &result);
  if (a.fragment_length < a.overhead) return result;
  size_t length = (size_t)(a.fragment_length - a.overhead);
  uint8_t *out = owned_take(length);
  if (out == NULL) return fail(&c, "out of memory for the plaintext"), NULL;
  if (record12_open(a.k, a.seq, a.type, a.fragment, (size_t)a.fragment_length, out) != (long)length) {
    owned_give_back(out, length);
    return result;
  }
  return owned_wrap(env, out, length);
}

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
  if (!begin(c, env, info, fn, argc)) return 0;
  a->hash = int_arg(c, 0);
  a->scratch = bytes(c, 1, &size);
  int32_t first = int_arg(c, 2);
  int32_t second = int_arg(c, 3);
  int32_t length = argc > 4 ? int_arg(c, 4) : hash_length(a->hash);
  if (c->failed) return 0;
  if (hash_length(a->hash) < 0) return fail(c, "unknown hash id"), 0;
  if (length > 255 * hash_length(a->hash)) return fail(c, "more than 255 * HashLen bytes asked"), 0;
  if (!within(size, 0, (int64_t)first + second + length)) return fail(c, "the inputs and the output do not fit the scratch buffer"), 0;
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
  if (kdf_hmac(a.hash, a.scratch, a.first, data, a.second, data + a.second) != 0) return fail(&c, "HMAC failed"), NULL;
  return NULL;
}

/* hkdfExpandIn(hash, scratch, prkLength, infoLength, length): HKDF-Expand(prk, info, length) after the info. */
static napi_value hkdf_expand_js(napi_env env, napi_callback_info info) {
  call c;
  kdf_args a;
  if (!kdf_arguments(&c, env, info, "hkdfExpandIn", 5, &a)) return NULL;
  uint8_t *label = a.scratch + a.first;
  if (kdf_hkdf_expand(a.hash, a.scratch, a.first, label, a.second, label + a.second, a.length) != 0) return fail(&c, "HKDF-Expand failed"), NULL;
  return NULL;
}

/* pHashIn(hash, scratch, secretLength, seedLength, length): P_hash(secret, seed) (RFC 5246 section 5), `length` bytes after the seed. */
static napi_value p_hash_js(napi_env env, napi_callback_info info) {
  call c;
  kdf_args a;
  if (!kdf_arguments(&c, env, info, "pHashIn", 5, &a)) return NULL;
  uint8_t *seed = a.scratch + a.first;
  if (kdf_p_hash(a.hash, a.scratch, a.first, seed, a.second, seed + a.second, a.length) != 0) return fail(&c, "P_hash failed"), NULL;
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
  if (!begin(&c, env, info, "hkdfExpandLabelsIn", 5)) return NULL;
  int32_t hash = int_arg(&c, 0);
  uint8_t *scratch = bytes(&c, 1, &size);
  int32_t prk_length = int_arg(&c, 2);
  int32_t labels_length = int_arg(&c, 3);
  int32_t count = int_arg(&c, 4);
  if (c.failed) return NULL;
  if (hash_length(hash) < 0) return fail(&c, "unknown hash id"), NULL;
  if (!within(size, 0, (int64_t)prk_length + labels_length)) return fail(&c, "the PRK and the labels do not fit the scratch buffer"), NULL;
  size_t outputs = (size_t)prk_length + (size_t)labels_length;
  int written = kdf_hkdf_expand_labels(hash, scratch, (size_t)prk_length, scratch + prk_length, (size_t)labels_length, (size_t)count, scratch + outputs,
                                       size - outputs);
  if (written < 0) return fail(&c, "the labels are not `count` HkdfLabels, or their outputs do not fit the scratch buffer"), NULL;
  napi_create_int32(env, written, &result);
  return result;
}

/* A hash state argument: exactly hash_state_size() bytes, 8-byte aligned (it holds 64-bit words). */
static uint8_t *hash_state_arg(call *c, size_t i) {
  size_t size = 0;
  uint8_t *state = bytes(c, i, &size);
  if (state == NULL) return NULL;
  if (size != hash_state_size() || (uintptr_t)state % 8 != 0) return fail(c, "expected a hash state (hashStateLength bytes, 8-byte aligned)"), NULL;
  return state;
}

/* hashInit(hash, state): a fresh SHA-256 or SHA-384 state. */
static napi_value hash_init_js(napi_env env, napi_callback_info info) {
  call c;
  if (!begin(&c, env, info, "hashInit", 2)) return NULL;
  int32_t hash = int_arg(&c, 0);
  uint8_t *state = hash_state_arg(&c, 1);
  if (c.failed) return NULL;
  if (hash_state_init(state, hash) != 0) return fail(&c, "unknown hash id"), NULL;
  return NULL;
}

/* hashUpdate(state, data) */
static napi_value hash_update_js(napi_env env, napi_callback_info info) {
  call c;
  size_t length = 0;
  if (!begin(&c, env, info, "hashUpdate", 2)) return NULL;
  uint8_t *state = hash_state_arg(&c, 0);
  const uint8_t *data = bytes(&c, 1, &length);
  if (c.failed) return NULL;
  if (hash_state_update(state, data, length) != 0) return fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/* hashDigest(state, out): the digest of everything so far into out[0, HashLen); the state keeps running. */
static napi_value hash_digest_js(napi_env env, napi_callback_info info) {
  call c;
  size_t out_size = 0;
  if (!begin(&c, env, info, "hashDigest", 2)) return NULL;
  const uint8_t *state = hash_state_arg(&c, 0);
  uint8_t *out = bytes(&c, 1, &out_size);
  if (c.failed) return NULL;
  if (out_size < MAX_HASH_LENGTH) return fail(&c, "the output needs 48 bytes"), NULL;
  if (hash_state_digest(state, out) != 0) return fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/*
 * hashAbsorb(state, data, length, out?): data[0, length) hashed into the state, then, given `out`, the digest so far
 * into out[0, HashLen) (the state keeps running): a transcript's messages since the last call and its digest in one.
 */
static napi_value hash_absorb_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0;
  if (!begin(&c, env, info, "hashAbsorb", 3)) return NULL;
  uint8_t *state = hash_state_arg(&c, 0);
  const uint8_t *data = bytes(&c, 1, &size);
  int32_t length = int_arg(&c, 2);
  uint8_t *out = NULL;
  if (c.argc > 3) {
    napi_valuetype type = napi_undefined;
    napi_typeof(env, c.argv[3], &type);
    if (type != napi_undefined) out = bytes(&c, 3, &out_size);
  }
  if (c.failed) return NULL;
  if (!within(size, 0, length)) return fail(&c, "length is past the data"), NULL;
  if (out != NULL && out_size < MAX_HASH_LENGTH) return fail(&c, "the output needs 48 bytes"), NULL;
  if (hash_state_update(state, data, (size_t)length) != 0) return fail(&c, "the hash state is not one hashInit made"), NULL;
  if (out != NULL && hash_state_digest(state, out) != 0) return fail(&c, "the hash state is not one hashInit made"), NULL;
  return NULL;
}

/* randomFill(out): out filled from OpenSSL's public random generator (node's randomBytes uses the same). */
static napi_value random_fill_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!begin(&c, env, info, "randomFill", 1)) return NULL;
  uint8_t *out = bytes(&c, 0, &size);
  if (c.failed) return NULL;
  if (size > INT32_MAX) return fail(&c, "at most 2^31 - 1 bytes at once"), NULL;
  if (size > 0 && RAND_bytes(out, (int)size) != 1) {
    ERR_clear_error();
    return fail(&c, "OpenSSL's random generator failed"), NULL;
  }
  return NULL;
}

/* x25519Create(privateKey, publicOut): a share from a 32-byte private key, or a fresh one for an empty array; its public value into publicOut (32 bytes). */
static napi_value x25519_create_js(napi_env env, napi_callback_info info) {
  call c;
  size_t private_length = 0, public_size = 0;
  if (!begin(&c, env, info, "x25519Create", 2)) return NULL;
  const uint8_t *private_key = bytes(&c, 0, &private_length);
  uint8_t *public_key = bytes(&c, 1, &public_size);
  if (c.failed) return NULL;
  if (private_length != 0 && private_length != X25519_LENGTH) return fail(&c, "the private key must be 32 bytes (or none for a fresh one)"), NULL;
  if (public_size != X25519_LENGTH) return fail(&c, "the public value output must be 32 bytes"), NULL;
  uint32_t id = 0;
  handle *h = new_handle(&c, KIND_X25519, &id);
  if (h == NULL) return NULL;
  if (x25519_create(&h->u.x25519, private_length != 0 ? private_key : NULL, public_key) != 0) {
    drop_handle(&c, id);
    return fail(&c, "OpenSSL refused the key"), NULL;
  }
  return wrap(&c, id);
}

/* x25519Derive(h, peer, out) -> boolean: the shared secret into out (32 bytes); false when OpenSSL refuses the peer value (zeroed out). */
static napi_value x25519_derive_js(napi_env env, napi_callback_info info) {
  call c;
  size_t peer_length = 0, out_size = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, "x25519Derive", 3)) return NULL;
  handle *h = handle_arg(&c, 0, KIND_X25519);
  const uint8_t *peer = bytes(&c, 1, &peer_length);
  uint8_t *out = bytes(&c, 2, &out_size);
  if (c.failed) return NULL;
  if (peer_length != X25519_LENGTH || out_size != X25519_LENGTH) return fail(&c, "the peer value and the output must be 32 bytes"), NULL;
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
  if (!begin(&c, env, info, "x25519Answer", 3)) return NULL;
  const uint8_t *peer = bytes(&c, 0, &peer_length);
  uint8_t *public_key = bytes(&c, 1, &public_size);
  uint8_t *secret = bytes(&c, 2, &secret_size);
  if (c.failed) return NULL;
  if (peer_length != X25519_LENGTH || public_size != X25519_LENGTH || secret_size != X25519_LENGTH)
    return fail(&c, "the peer value and both outputs must be 32 bytes"), NULL;
  int ok = x25519_answer(peer, public_key, secret) == 0;
  if (!ok) OPENSSL_cleanse(secret, X25519_LENGTH);
  napi_get_boolean(env, ok, &result);
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
  if (!begin(&c, env, info, "ecdsaCreate", 1)) return NULL;
  const uint8_t *der = bytes(&c, 0, &length);
  if (c.failed) return NULL;
  ecdsa_key *key = malloc(sizeof *key);
  if (key == NULL) return fail(&c, "out of memory"), NULL;
  if (ecdsa_create(key, der, length) != 0) {
    free(key);
    return fail(&c, "OpenSSL refused the key (not an EC private key in PKCS #8 DER)"), NULL;
  }
  int owned = 0;
  napi_value out = tagged_external(env, key, ecdsa_finalize, &EXTERNAL_ECDSA_KEY, &owned);
  if (out == NULL) {
    if (!owned) ecdsa_finalize(env, key, NULL);
    return fail(&c, "could not create the key"), NULL;
  }
  return out;
}

/* ecdsaSign(key, digest, out) -> the DER signature's length in out, or -1 when OpenSSL failed. */
static napi_value ecdsa_sign_js(napi_env env, napi_callback_info info) {
  call c;
  size_t digest_length = 0, out_size = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, "ecdsaSign", 3)) return NULL;
  ecdsa_key *key = tagged_external_data(env, c.argv[0], &EXTERNAL_ECDSA_KEY);
  if (key == NULL) return throw_wrong_external(env, "ecdsaSign", "a key ecdsaCreate made"), NULL;
  const uint8_t *digest = bytes(&c, 1, &digest_length);
  uint8_t *out = bytes(&c, 2, &out_size);
  if (c.failed) return NULL;
  if (digest_length == 0 || digest_length > 64) return fail(&c, "the digest must be 1 to 64 bytes"), NULL;
  napi_create_int32(env, ecdsa_sign_digest(key, digest, digest_length, out, out_size), &result);
  return result;
}

/* x25519Direct() -> boolean: whether shares use OpenSSL's X25519 functions directly (x25519.h) rather than EVP_PKEY. */
static napi_value x25519_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_get_boolean(env, x25519_direct(), &result);
  return result;
}

/* chachaBlockOpenssl() -> boolean: whether one-block ChaCha20 (the mask, the Poly1305 key) runs on OpenSSL's ChaCha20 (chacha20-block.h). */
static napi_value chacha_block_openssl_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_get_boolean(env, chacha20_block_openssl(), &result);
  return result;
}

/* aesDirect() -> boolean: whether AES-GCM and the AES record number mask use node's AES-NI and GHASH routines directly (aes-gcm.h). */
static napi_value aes_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_get_boolean(env, aes_gcm_direct(), &result);
  return result;
}

/* chachaDirect() -> boolean: whether ChaCha20-Poly1305 uses OpenSSL's primitives directly (chacha20-poly1305.h) rather than EVP. */
static napi_value chacha_direct_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result = NULL;
  napi_get_boolean(env, chacha20_poly1305_direct(), &result);
  return result;
}

#define MAX_SEND_BATCH 1024

/*
 * udpSendBatch(fd, datagrams, count, ipv4, port[, status]) -> how many were sent (the
 * first ones), or -errno: `datagrams` is an array of Uint8Array, `ipv4` the
 * peer's address as a 32-bit number; port 0 sends to a connected socket's peer.
 * `status` (an Int32Array) gets in [0] the errno that stopped the batch at the
 * datagram after those sent (EMSGSIZE: refused as too large for the path), or 0.
 */
static napi_value udp_send_batch_js(napi_env env, napi_callback_info info) {
  call c;
  struct udp_datagram batch[MAX_SEND_BATCH]; /* on the stack: worker threads may call in at once */
  napi_value result = NULL;
  uint32_t ipv4 = 0;
  if (!begin(&c, env, info, "udpSendBatch", 5)) return NULL;
  int32_t fd = int_arg(&c, 0);
  int32_t count = int_arg(&c, 2);
  int32_t port = int_arg(&c, 4);
  if (c.failed) return NULL;
  if (napi_get_value_uint32(env, c.argv[3], &ipv4) != napi_ok) return fail(&c, "expected an IPv4 address as a number"), NULL;
  if (count > MAX_SEND_BATCH || port > 65535) return fail(&c, "count or port out of range"), NULL;
  for (int32_t i = 0; i < count; i++) {
    napi_value element;
    napi_typedarray_type type;
    size_t length = 0;
    void *data = NULL;
    if (napi_get_element(env, c.argv[1], (uint32_t)i, &element) != napi_ok ||
        napi_get_typedarray_info(env, element, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
      return fail(&c, "every datagram must be a Uint8Array"), NULL;
    batch[i].data = data != NULL ? data : (const uint8_t *)"";
    batch[i].length = length;
  }
  int stopped = 0;
  napi_create_int32(env, udp_send_batch(fd, batch, count, ipv4, (uint16_t)port, &stopped), &result);
  if (c.argc > 5) { /* status: stopped[0] = the errno that stopped the batch at the datagram after those sent, or 0 */
    napi_typedarray_type type;
    size_t length = 0;
    void *data = NULL;
    if (napi_get_typedarray_info(env, c.argv[5], &type, &length, &data, NULL, NULL) == napi_ok && type == napi_int32_array && length > 0)
      ((int32_t *)data)[0] = stopped;
  }
  return result;
}

/*
 * udpRecvBatch(fd, slab, stride, meta) -> how many datagrams were waiting and
 * are now in `slab` (datagram i at i * stride; `stride` at least 65,536),
 * 0 when none, or -errno; `meta` (a Uint32Array of 3 per datagram) gets each
 * one's length, IPv4 address and port. As many as `meta` has room for, at
 * most UDP_MAX_BATCH.
 */
static napi_value udp_recv_batch_js(napi_env env, napi_callback_info info) {
  call c;
  size_t slab_length = 0, meta_length = 0;
  napi_typedarray_type type;
  void *meta = NULL;
  napi_value result = NULL;
  if (!begin(&c, env, info, "udpRecvBatch", 4)) return NULL;
  int32_t fd = int_arg(&c, 0);
  uint8_t *slab = bytes(&c, 1, &slab_length);
  int32_t stride = int_arg(&c, 2);
  if (c.failed) return NULL;
  if (napi_get_typedarray_info(env, c.argv[3], &type, &meta_length, &meta, NULL, NULL) != napi_ok || type != napi_uint32_array)
    return fail(&c, "expected a Uint32Array for the datagrams' lengths and addresses"), NULL;
  if (stride < 65536) return fail(&c, "the stride must be at least 65,536 bytes"), NULL;
  size_t count = meta_length / 3;
  if (count > slab_length / (size_t)stride) count = slab_length / (size_t)stride;
  if (count > UDP_MAX_BATCH) count = UDP_MAX_BATCH;
  napi_create_int32(env, udp_recv_batch(fd, slab, (size_t)stride, (int)count, (uint32_t *)meta), &result);
  return result;
}

/*
 * reuseportBind(address, port, v6only) -> fd or -errno: a SO_REUSEPORT UDP socket bound to `address` (4 or 16 bytes) and
 * `port`, joining the group there; reuseportBindFirst(address, port, v6only): a group's first socket, bound where no
 * socket is (udp-socket.h); reuseportSteer(fd, workerOffset) -> 0 or -errno; reuseportLocalPort(fd); reuseportClose(fd); reuseportDup(fd) -> a second descriptor or -errno (reuseport.c).
 * udpSocketBind(address, port, v6only) -> fd or -errno: the same without SO_REUSEPORT, a client's socket (udp-socket.c).
 */
static napi_value bind_js(napi_env env, napi_callback_info info, const char *name, int reuse_port) {
  call c;
  size_t length = 0;
  napi_value result = NULL;
  if (!begin(&c, env, info, name, 3)) return NULL;
  const uint8_t *address = bytes(&c, 0, &length);
  int32_t port = int_arg(&c, 1);
  int32_t v6only = int_arg(&c, 2);
  if (c.failed) return NULL;
  if ((length != 4 && length != 16) || port < 0 || port > 65535) return fail(&c, "expected a 4- or 16-byte address and a port"), NULL;
  napi_create_int32(env, udp_socket_bind(address, (int)length, port, v6only != 0, reuse_port), &result);
  return result;
}

static napi_value reuseport_bind_js(napi_env env, napi_callback_info info) { return bind_js(env, info, "reuseportBind", UDP_REUSE_PORT_JOIN); }

static napi_value reuseport_bind_first_js(napi_env env, napi_callback_info info) {
  return bind_js(env, info, "reuseportBindFirst", UDP_REUSE_PORT_FIRST);
}

static napi_value udp_socket_bind_js(napi_env env, napi_callback_info info) { return bind_js(env, info, "udpSocketBind", UDP_REUSE_PORT_NONE); }

static napi_value reuseport_steer_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!begin(&c, env, info, "reuseportSteer", 2)) return NULL;
  int32_t fd = int_arg(&c, 0);
  int32_t offset = int_arg(&c, 1);
  if (c.failed) return NULL;
  napi_create_int32(env, reuseport_steer(fd, offset), &result);
  return result;
}

static napi_value reuseport_local_port_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!begin(&c, env, info, "reuseportLocalPort", 1)) return NULL;
  int32_t fd = int_arg(&c, 0);
  if (c.failed) return NULL;
  napi_create_int32(env, reuseport_local_port(fd), &result);
  return result;
}

static napi_value reuseport_close_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!begin(&c, env, info, "reuseportClose", 1)) return NULL;
  int32_t fd = int_arg(&c, 0);
  if (c.failed) return NULL;
  napi_create_int32(env, reuseport_close(fd), &result);
  return result;
}

static napi_value reuseport_dup_js(napi_env env, napi_callback_info info) {
  call c;
  napi_value result = NULL;
  if (!begin(&c, env, info, "reuseportDup", 1)) return NULL;
  int32_t fd = int_arg(&c, 0);
  if (c.failed) return NULL;
  napi_create_int32(env, reuseport_dup(fd), &result);
  return result;
}

/* threadCpuTime(): the calling thread's CPU time, ms (-1 where the platform has no such clock). */
static napi_value thread_cpu_time_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, thread_cpu_ms(), &result);
  return result;
}

/* The handle of any kind argument i names, its id in *id; NULL (not thrown) when it names none in use. */
static handle *any_handle_arg(call *c, size_t i, uint32_t *id) {
  handle_table *t = table_of(c->env);
  if (t == NULL || !handle_id_arg(c, i, id)) {
    fail(c, "expected a handle");
    return NULL;
  }
  return handle_table_get(t, *id);
}

/* release(h): frees the key's contexts now (OpenSSL cleanses them) and its slot; later use throws; again does nothing. */
static napi_value release_js(napi_env env, napi_callback_info info) {
  call c;
  uint32_t id = 0;
  if (!begin(&c, env, info, "release", 1)) return NULL;
  handle *h = any_handle_arg(&c, 0, &id);
  if (h == NULL) return NULL;
  release_handle(h);
  handle_table_remove(table_of(env), id);
  return NULL;
}

/* handleCount(): the handles this thread holds (made and not yet released). */
static napi_value handle_count_js(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  handle_table *t = table_of(env);
  napi_create_uint32(env, t != NULL ? handle_table_count(t) : 0, &result);
  return result;
}

/* park(h): frees the key's OpenSSL contexts but keeps the key (a quiet session's); the next use makes them again. */
static napi_value park_js(napi_env env, napi_callback_info info) {
  call c;
  uint32_t id = 0;
  if (!begin(&c, env, info, "park", 1)) return NULL;
  handle *h = any_handle_arg(&c, 0, &id);
  if (h == NULL) return NULL; /* released (its slot freed) or never made: nothing to park */
  switch (h->kind) {
    case KIND_AEAD:
      aead_park(&h->u.aead);
      break;
    case KIND_MASK:
      mask_park(&h->u.mask);
      break;
    case KIND_RECORD:
      aead_park(&h->u.record.aead);
      mask_park(&h->u.record.mask);
      break;
    case KIND_RECORD12:
      aead_park(&h->u.record12.aead);
      break;
    default:
      break; /* an X25519 share has no context to park */
  }
  return NULL;
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

/* When the environment ends (a worker thread's, or the process's): every handle still held is released and the table freed. */
static void free_table(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_table_free((handle_table *)data, release_handle);
}

static napi_value init(napi_env env, napi_value exports) {
  handle_table *table = handle_table_new();
  if (table == NULL || napi_set_instance_data(env, table, free_table, NULL) != napi_ok) {
    handle_table_free(table, release_handle);
    napi_throw_error(env, "ERR_DTLS13_NATIVE", "dtls13 native: could not set up its handle table");
    return NULL;
  }
  static const struct {
    const char *name;
    napi_callback fn;
  } functions[] = {
      {"aeadCreate", aead_create},   {"aeadSeal", aead_seal_js},       {"aeadOpen", aead_open_js},   {"maskCreate", mask_create},
      {"maskCompute", mask_compute_js}, {"recordCreate", record_create}, {"recordSeal", record_seal_js}, {"recordSealBatch", record_seal_batch},
      {"recordOpen", record_open_js}, {"recordOpenRun", record_open_run}, {"record12Create", record12_create}, {"record12Seal", record12_seal_js}, {"record12SealBatch", record12_seal_batch}, {"record12Open", record12_open_js}, {"record12OpenRun", record12_open_run}, {"release", release_js}, {"park", park_js}, {"handleCount", handle_count_js}, {"mallocTrim", malloc_trim_js}, {"udpSendBatch", udp_send_batch_js}, {"udpRecvBatch", udp_recv_batch_js},   {"hmacIn", hmac_js},
      {"hkdfExpandIn", hkdf_expand_js}, {"hkdfExpandLabelsIn", hkdf_expand_labels_js}, {"pHashIn", p_hash_js}, {"x25519Answer", x25519_answer_js}, {"hashAbsorb", hash_absorb_js},  {"x25519Create", x25519_create_js}, {"x25519Derive", x25519_derive_js}, {"x25519Direct", x25519_direct_js}, {"ecdsaCreate", ecdsa_create_js}, {"ecdsaSign", ecdsa_sign_js}, {"chachaDirect", chacha_direct_js}, {"aesDirect", aes_direct_js}, {"chachaBlockOpenssl", chacha_block_openssl_js}, {"randomFill", random_fill_js},
      {"hashInit", hash_init_js},      {"hashUpdate", hash_update_js},     {"hashDigest", hash_digest_js}, {"threadCpuTime", thread_cpu_time_js},
      {"reuseportBind", reuseport_bind_js}, {"reuseportBindFirst", reuseport_bind_first_js}, {"reuseportSteer", reuseport_steer_js}, {"reuseportLocalPort", reuseport_local_port_js}, {"reuseportClose", reuseport_close_js}, {"reuseportDup", reuseport_dup_js},
      {"udpSocketBind", udp_socket_bind_js},
  };
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value f;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, f) != napi_ok)
      return NULL;
  }
  napi_value state_length;
  napi_create_uint32(env, (uint32_t)hash_state_size(), &state_length);
  napi_set_named_property(env, exports, "hashStateLength", state_length);
  napi_value version;
  napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "openssl", version);
  udp_receive_register(env, exports); /* udp-receive.c: UDP GRO, reading the socket ourselves */
  /* owned-bytes.cc: records' own ArrayBuffers, pooled; without it, record.ts and record12.ts allocate them in JavaScript. */
  if (owned_bytes_register(env, exports)) {
    static const struct {
      const char *name;
      napi_callback fn;
    } owned[] = {{"recordOpenOwned", record_open_owned_js}, {"record12OpenOwned", record12_open_owned_js}};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
      napi_value f;
      if (napi_create_function(env, owned[i].name, NAPI_AUTO_LENGTH, owned[i].fn, NULL, &f) != napi_ok ||
          napi_set_named_property(env, exports, owned[i].name, f) != napi_ok)
        return NULL;
    }
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
