/* The N-API functions of DTLS 1.3 record protection (bind-record.h). */
#include "bind-record.h"

#include <math.h>
#include <string.h>

#include "napi-handles.h"
#include "owned-bytes.h"
#include "record.h"

/* aeadCreate(alg, key) */
static napi_value aead_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0;
  const char *error = NULL;
  if (!call_begin(&c, env, info, "aeadCreate", 2)) return NULL;
  int32_t alg = call_int(&c, 0);
  const uint8_t *key = call_bytes(&c, 1, &key_length);
  if (c.failed) return NULL;
  uint32_t id = 0;
  handle *h = call_new_handle(&c, KIND_AEAD, &id);
  if (h == NULL) return NULL;
  if (aead_init(&h->u.aead, alg, key, key_length, &error) != 0) {
    call_drop_handle(&c, id);
    call_fail(&c, error);
    return NULL;
  }
  return call_wrap_handle(&c, id);
}

/* aeadSeal(h, nonce, aad, buffer, offset, length): seals buffer[offset, offset + length) in place, tag after it. */
static napi_value aead_seal_js(napi_env env, napi_callback_info info) {
  call c;
  size_t nonce_length = 0, aad_length = 0, size = 0;
  if (!call_begin(&c, env, info, "aeadSeal", 6)) return NULL;
  handle *h = call_handle(&c, 0, KIND_AEAD);
  const uint8_t *nonce = call_bytes(&c, 1, &nonce_length);
  const uint8_t *aad = call_bytes(&c, 2, &aad_length);
  uint8_t *buffer = call_bytes(&c, 3, &size);
  int32_t offset = call_int(&c, 4);
  int32_t length = call_int(&c, 5);
  if (c.failed) return NULL;
  if (nonce_length != NONCE_LENGTH) return call_fail(&c, "the nonce must be 12 bytes"), NULL;
  if (!span_within(size, offset, (int64_t)length + h->u.aead.tag_length)) return call_fail(&c, "plaintext and tag do not fit the buffer"), NULL;
  if (aead_seal(&h->u.aead, nonce, aad, aad_length, buffer + offset, (size_t)length) != 0) return call_fail(&c, "OpenSSL refused to seal"), NULL;
  return NULL;
}

/* aeadOpen(h, nonce, aad, input, inputOffset, length, out, outOffset) -> boolean; length counts the tag. */
static napi_value aead_open_js(napi_env env, napi_callback_info info) {
  call c;
  size_t nonce_length = 0, aad_length = 0, in_size = 0, out_size = 0;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "aeadOpen", 8)) return NULL;
  handle *h = call_handle(&c, 0, KIND_AEAD);
  const uint8_t *nonce = call_bytes(&c, 1, &nonce_length);
  const uint8_t *aad = call_bytes(&c, 2, &aad_length);
  const uint8_t *in = call_bytes(&c, 3, &in_size);
  int32_t in_offset = call_int(&c, 4);
  int32_t length = call_int(&c, 5);
  uint8_t *out = call_bytes(&c, 6, &out_size);
  int32_t out_offset = call_int(&c, 7);
  if (c.failed) return NULL;
  int tag = h->u.aead.tag_length;
  if (nonce_length != NONCE_LENGTH) return call_fail(&c, "the nonce must be 12 bytes"), NULL;
  if (!span_within(in_size, in_offset, length)) return call_fail(&c, "the ciphertext does not fit its buffer"), NULL;
  int ok = 0;
  if (length >= tag) {
    if (!span_within(out_size, out_offset, length - tag)) return call_fail(&c, "the plaintext does not fit the output buffer"), NULL;
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
  if (!call_begin(&c, env, info, "maskCreate", 2)) return NULL;
  int32_t alg = call_int(&c, 0);
  const uint8_t *key = call_bytes(&c, 1, &key_length);
  if (c.failed) return NULL;
  uint32_t id = 0;
  handle *h = call_new_handle(&c, KIND_MASK, &id);
  if (h == NULL) return NULL;
  if (mask_init(&h->u.mask, alg, key, key_length, &error) != 0) {
    call_drop_handle(&c, id);
    call_fail(&c, error);
    return NULL;
  }
  return call_wrap_handle(&c, id);
}

/* maskCompute(h, sample, sampleOffset, out): 16 mask bytes into out[0, 16). */
static napi_value mask_compute_js(napi_env env, napi_callback_info info) {
  call c;
  size_t sample_size = 0, out_size = 0;
  if (!call_begin(&c, env, info, "maskCompute", 4)) return NULL;
  handle *h = call_handle(&c, 0, KIND_MASK);
  const uint8_t *sample = call_bytes(&c, 1, &sample_size);
  int32_t offset = call_int(&c, 2);
  uint8_t *out = call_bytes(&c, 3, &out_size);
  if (c.failed) return NULL;
  if (!span_within(sample_size, offset, MASK_SAMPLE)) return call_fail(&c, "the sample needs 16 bytes"), NULL;
  if (out_size < MASK_SAMPLE) return call_fail(&c, "the output needs 16 bytes"), NULL;
  if (mask_compute(&h->u.mask, sample + offset, out) != 0) return call_fail(&c, "OpenSSL refused to compute the mask"), NULL;
  return NULL;
}

/* recordCreate(aeadAlg, key, iv, maskAlg, snKey) */
static napi_value record_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0, iv_length = 0, sn_length = 0;
  const char *error = NULL;
  if (!call_begin(&c, env, info, "recordCreate", 5)) return NULL;
  int32_t aead_alg = call_int(&c, 0);
  const uint8_t *key = call_bytes(&c, 1, &key_length);
  const uint8_t *iv = call_bytes(&c, 2, &iv_length);
  int32_t mask_alg = call_int(&c, 3);
  const uint8_t *sn_key = call_bytes(&c, 4, &sn_length);
  if (c.failed) return NULL;
  if (iv_length != NONCE_LENGTH) return call_fail(&c, "the IV must be 12 bytes"), NULL;
  uint32_t id = 0;
  handle *h = call_new_handle(&c, KIND_RECORD, &id);
  if (h == NULL) return NULL;
  if (aead_init(&h->u.record.aead, aead_alg, key, key_length, &error) != 0 || mask_init(&h->u.record.mask, mask_alg, sn_key, sn_length, &error) != 0) {
    aead_free(&h->u.record.aead);
    call_drop_handle(&c, id);
    call_fail(&c, error);
    return NULL;
  }
  memcpy(h->u.record.iv, iv, NONCE_LENGTH);
  return call_wrap_handle(&c, id);
}

/* Checks one record's layout in a buffer of `size` bytes and seals it. */
static int seal_one(call *c, handle *h, uint8_t *buffer, size_t size, int64_t at, int64_t header_length, int64_t plaintext_length, uint64_t seq,
                    int64_t sn_offset, int64_t sn_bytes) {
  if (header_length < 1 || plaintext_length < 0 || !span_within(size, at, header_length + plaintext_length + h->u.record.aead.tag_length))
    return call_fail(c, "the record does not fit the buffer"), -1;
  if ((sn_bytes != 1 && sn_bytes != 2) || sn_offset < 0 || sn_offset + sn_bytes > header_length)
    return call_fail(c, "the record number bytes lie outside the header"), -1;
  if (plaintext_length + h->u.record.aead.tag_length < MASK_SAMPLE) return call_fail(c, "a record needs 16 bytes of ciphertext for its mask"), -1;
  if (record_seal(&h->u.record, seq, buffer + at, (size_t)header_length, (size_t)plaintext_length, (size_t)sn_offset, (int)sn_bytes) != 0)
    return call_fail(c, "OpenSSL refused to seal"), -1;
  return 0;
}

/* recordSeal(h, buffer, at, headerLength, plaintextLength, seq, snOffset, snBytes) */
static napi_value record_seal_js(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!call_begin(&c, env, info, "recordSeal", 8)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD);
  uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t at = call_int(&c, 2);
  int32_t header_length = call_int(&c, 3);
  int32_t plaintext_length = call_int(&c, 4);
  uint64_t seq = call_seq(&c, 5);
  int32_t sn_offset = call_int(&c, 6);
  int32_t sn_bytes = call_int(&c, 7);
  if (c.failed) return NULL;
  seal_one(&c, h, buffer, size, at, header_length, plaintext_length, seq, sn_offset, sn_bytes);
  return NULL;
}

/*
 * recordSealBatch(h, buffer, layout, count): `layout` (a Float64Array) holds
 * six numbers per record, as recordSeal takes them: at, headerLength,
 * plaintextLength, seq, snOffset, snBytes. All records are checked before
 * any is sealed.
 */
static napi_value record_seal_batch(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!call_begin(&c, env, info, "recordSealBatch", 4)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD);
  uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t count = call_int(&c, 3);
  if (c.failed) return NULL;
  const double *layout = record_batch_layout(&c, 2, count);
  if (layout == NULL) return NULL;
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * RECORD_BATCH_STRIDE;
    for (int j = 0; j < RECORD_BATCH_STRIDE; j++)
      if (!is_seq_number(r[j]))
        return call_fail(&c, "the layout holds a value that is not a non-negative integer"), NULL;
  }
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * RECORD_BATCH_STRIDE;
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
  a->h = call_handle(c, 0, KIND_RECORD);
  const uint8_t *datagram = call_bytes(c, 1, &size);
  int32_t at = call_int(c, 2);
  a->header_length = call_int(c, 3);
  a->ciphertext_length = call_int(c, 4);
  a->sn_offset = call_int(c, 5);
  a->sn_bytes = call_int(c, 6);
  a->expected = call_seq(c, 7);
  if (c->failed) return 0;
  int tag = a->h->u.record.aead.tag_length;
  if (a->header_length < 1 || !span_within(size, at, (int64_t)a->header_length + a->ciphertext_length)) return call_fail(c, "the record does not fit the datagram"), 0;
  if ((a->sn_bytes != 1 && a->sn_bytes != 2) || a->sn_offset + a->sn_bytes > a->header_length)
    return call_fail(c, "the record number bytes lie outside the header"), 0;
  if (a->ciphertext_length < MASK_SAMPLE || a->ciphertext_length < tag) return call_fail(c, "a record needs 16 bytes of ciphertext"), 0;
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
  if (!call_begin(&c, env, info, "recordOpen", 10) || !open_args_read(&c, &a)) return NULL;
  uint8_t *out = call_bytes(&c, 8, &out_size);
  int32_t out_offset = call_int(&c, 9);
  if (c.failed) return NULL;
  if (!span_within(out_size, out_offset, a.ciphertext_length - a.h->u.record.aead.tag_length)) return call_fail(&c, "the plaintext does not fit the output buffer"), NULL;
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
  if (!call_begin(&c, env, info, "recordOpenOwned", 9) || !open_args_read(&c, &a)) return NULL;
  if (napi_get_typedarray_info(env, c.argv[8], &type, &sequence_length, &sequence, NULL, NULL) != napi_ok || type != napi_float64_array || sequence_length < 1)
    return call_fail(&c, "expected a Float64Array for the sequence number"), NULL;
  size_t length = (size_t)(a.ciphertext_length - a.h->u.record.aead.tag_length);
  uint8_t *out = owned_take(length);
  if (out == NULL) return call_fail(&c, "out of memory for the plaintext"), NULL;
  uint64_t seq = 0;
  if (open_with(&a, out, &seq) != 0) {
    owned_give_back(out, length);
    napi_get_undefined(env, &result);
    return result;
  }
  ((double *)sequence)[0] = (double)seq;
  return owned_wrap(env, out, length);
}

const double *record_batch_layout(call *c, size_t i, int32_t count) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(c->env, c->argv[i], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array)
    return call_fail(c, "the layout must be a Float64Array"), NULL;
  if ((size_t)count > length / RECORD_BATCH_STRIDE)
    return call_fail(c, "the layout holds fewer records than the count"), NULL;
  return data;
}

int record_run_arrays(call *c, size_t pairs_at, size_t results_at, int32_t count, void **pairs, void **results,
                      size_t *results_length) {
  napi_typedarray_type type;
  size_t pairs_length = 0;
  if (napi_get_typedarray_info(c->env, c->argv[pairs_at], &type, &pairs_length, pairs, NULL, NULL) != napi_ok || type != napi_float64_array)
    return call_fail(c, "the pairs must be a Float64Array"), 0;
  if (napi_get_typedarray_info(c->env, c->argv[results_at], &type, results_length, results, NULL, NULL) != napi_ok || type != napi_float64_array)
    return call_fail(c, "the results must be a Float64Array"), 0;
  if (count < 0 || (size_t)count > pairs_length / 2) return call_fail(c, "the pairs hold fewer datagrams than the count"), 0;
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
 * (replays and forgeries do not move it); its plaintext written after the
 * previous one's in `out`; the others are skipped. For the k-th record,
 * RUN_RESULT_STRIDE numbers from results[6k] (bind-record.h): the datagram's
 * index in `pairs`, where its plaintext starts in `out`, its length, the
 * sequence number (-1 minus it when it does not authenticate: its plaintext
 * then zeroed), and the DTLSInnerPlaintext's content length and content type
 * (its last non-zero byte; -1 and 0 when there is none). It stops when `out`,
 * `results` or the records run out. `buffer` is not written to.
 */
static napi_value record_open_run(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0, cid_length = 0, results_length = 0;
  void *pairs_data = NULL, *results_data = NULL;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "recordOpenRun", 9)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD);
  const uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t count = call_int(&c, 3);
  const uint8_t *cid = call_bytes(&c, 4, &cid_length);
  int32_t epoch_bits = call_int(&c, 5);
  uint64_t expected = call_seq(&c, 6);
  uint8_t *out = call_bytes(&c, 7, &out_size);
  if (c.failed) return NULL;
  if (!record_run_arrays(&c, 2, 8, count, &pairs_data, &results_data, &results_length)) return NULL;
  if (cid_length > 255 || epoch_bits > 3) return call_fail(&c, "a connection ID is at most 255 bytes, the epoch bits at most 3"), NULL;
  const double *pairs = pairs_data;
  double *results = results_data;
  size_t tag = (size_t)h->u.record.aead.tag_length;
  size_t used = 0;
  int32_t k = 0;
  /* What the replay window will expect when the k-th record is taken: one past the newest that authenticated before it. */
  uint64_t next = expected;
  for (int32_t i = 0; i < count && (size_t)(RUN_RESULT_STRIDE * (k + 1)) <= results_length; i++) {
    double at_d = pairs[2 * i], length_d = pairs[2 * i + 1];
    if (!(at_d >= 0) || !(length_d >= 1) || at_d > (double)size || length_d > (double)size - at_d) return call_fail(&c, "a datagram lies outside the buffer"), NULL;
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
    long content = ok ? record_content_length(out + used, plaintext) : -1;
    double *r = results + (size_t)RUN_RESULT_STRIDE * (size_t)k;
    r[0] = (double)i;
    r[1] = (double)used;
    r[2] = (double)plaintext;
    r[3] = ok ? (double)seq : -1.0 - (double)seq;
    r[4] = (double)content;
    r[5] = content >= 0 ? (double)out[used + (size_t)content] : 0.0;
    used += plaintext;
    k++;
  }
  napi_create_int32(env, k, &result);
  return result;
}

int record_bindings_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {
      {"aeadCreate", aead_create}, {"aeadSeal", aead_seal_js}, {"aeadOpen", aead_open_js},
      {"maskCreate", mask_create}, {"maskCompute", mask_compute_js}, {"recordCreate", record_create},
      {"recordSeal", record_seal_js}, {"recordSealBatch", record_seal_batch}, {"recordOpen", record_open_js},
      {"recordOpenRun", record_open_run},
  };
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}

int record_owned_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {{"recordOpenOwned", record_open_owned_js}};
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}
