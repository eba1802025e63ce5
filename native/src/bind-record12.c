/* The N-API functions of DTLS 1.2 record protection (bind-record12.h). */
#include "bind-record12.h"

#include <math.h>
#include <string.h>

#include <openssl/crypto.h>

#include "bind-record.h"
#include "napi-handles.h"
#include "owned-bytes.h"
#include "record.h"
#include "record12.h"

/* record12Create(aeadAlg, key, iv, epoch, cid): iv is 4 bytes (explicit nonces: GCM, CCM) or 12 (XOR: ChaCha20-Poly1305); cid empty for plain records. */
static napi_value record12_create(napi_env env, napi_callback_info info) {
  call c;
  size_t key_length = 0, iv_length = 0, cid_length = 0;
  const char *error = NULL;
  if (!call_begin(&c, env, info, "record12Create", 5)) return NULL;
  int32_t aead_alg = call_int(&c, 0);
  const uint8_t *key = call_bytes(&c, 1, &key_length);
  const uint8_t *iv = call_bytes(&c, 2, &iv_length);
  int32_t epoch = call_int(&c, 3);
  const uint8_t *cid = call_bytes(&c, 4, &cid_length);
  if (c.failed) return NULL;
  if (iv_length != 4 && iv_length != NONCE_LENGTH) return call_fail(&c, "the IV must be 4 or 12 bytes"), NULL;
  if (epoch < 1 || epoch > 0xffff) return call_fail(&c, "the epoch must be 1..65535"), NULL;
  if (cid_length > RECORD12_MAX_CID) return call_fail(&c, "a CID is at most 255 bytes"), NULL;
  uint32_t id = 0;
  handle *h = call_new_handle(&c, KIND_RECORD12, &id);
  if (h == NULL) return NULL;
  record12_key *k = &h->u.record12;
  if (aead_init(&k->aead, aead_alg, key, key_length, &error) != 0) {
    call_drop_handle(&c, id);
    call_fail(&c, error);
    return NULL;
  }
  memcpy(k->iv, iv, iv_length);
  k->explicit_length = iv_length == 4 ? RECORD12_EXPLICIT : 0;
  k->epoch = (uint16_t)epoch;
  k->cid_length = (int)cid_length;
  memcpy(k->cid, cid, cid_length);
  return call_wrap_handle(&c, id);
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
  if (!call_begin(&c, env, info, "record12Seal", 7)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD12);
  uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t at = call_int(&c, 2);
  int32_t type = call_int(&c, 3);
  uint64_t seq = call_seq(&c, 4);
  int32_t plaintext_length = call_int(&c, 5);
  int32_t explicit_given = call_int(&c, 6);
  if (c.failed) return NULL;
  record12_key *k = &h->u.record12;
  if (type > 255) return call_fail(&c, "a content type is 0..255"), NULL;
  if (seq >= ((uint64_t)1 << 48)) return call_fail(&c, "a DTLS 1.2 sequence number is 48 bits"), NULL;
  int64_t length = (int64_t)record12_header_length(k) + k->explicit_length + plaintext_length + k->aead.tag_length;
  if (!span_within(size, at, length)) return call_fail(&c, "the record does not fit the buffer"), NULL;
  if (record12_seal(k, seq, type, buffer + at, (size_t)plaintext_length, explicit_given != 0) != 0) return call_fail(&c, "OpenSSL refused to seal"), NULL;
  return NULL;
}

/*
 * record12SealBatch(h, buffer, layout, count): record12Seal for `count` records of `buffer` laid out as recordSealBatch's
 * (RECORD_BATCH_STRIDE numbers each: at, header length, plaintext length, sequence number, and two 1.3 fields not read here),
 * each record's type its first byte as laid out, its explicit nonce from its sequence number. Every entry is checked
 * before any record is sealed; a seal OpenSSL refuses throws, the records before it sealed.
 */
static napi_value record12_seal_batch(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0;
  if (!call_begin(&c, env, info, "record12SealBatch", 4)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD12);
  uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t count = call_int(&c, 3);
  if (c.failed) return NULL;
  const double *layout = record_batch_layout(&c, 2, count);
  if (layout == NULL) return NULL;
  record12_key *k = &h->u.record12;
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * RECORD_BATCH_STRIDE;
    for (int j = 0; j < 4; j++)
      if (!is_seq_number(r[j]))
        return call_fail(&c, "the layout holds a value that is not a non-negative integer"), NULL;
    if (r[2] > 0xffff || r[3] >= (double)((uint64_t)1 << 48)) return call_fail(&c, "a plaintext length or sequence number is out of range"), NULL;
    int64_t length = (int64_t)record12_header_length(k) + k->explicit_length + (int64_t)r[2] + k->aead.tag_length;
    if (!span_within(size, (int64_t)r[0], length)) return call_fail(&c, "a record does not fit the buffer"), NULL;
  }
  for (int32_t i = 0; i < count; i++) {
    const double *r = layout + (size_t)i * RECORD_BATCH_STRIDE;
    uint8_t *record = buffer + (size_t)r[0];
    if (record12_seal(k, (uint64_t)r[3], record[0], record, (size_t)r[2], 0) != 0) return call_fail(&c, "OpenSSL refused to seal"), NULL;
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
  handle *h = call_handle(c, 0, KIND_RECORD12);
  const uint8_t *buffer = call_bytes(c, 1, &size);
  int32_t at = call_int(c, 2);
  a->fragment_length = call_int(c, 3);
  a->type = call_int(c, 4);
  a->seq = call_seq(c, 5);
  if (c->failed) return 0;
  if (a->type > 255) return call_fail(c, "a content type is 0..255"), 0;
  if (!span_within(size, at, a->fragment_length)) return call_fail(c, "the fragment does not fit the buffer"), 0;
  a->k = &h->u.record12;
  a->fragment = buffer + at;
  a->overhead = (int64_t)a->k->explicit_length + a->k->aead.tag_length;
  return 1;
}

/*
 * record12OpenRun(h, buffer, pairs, count, out, results) -> how many records
 * it opened: recordOpenRun for DTLS 1.2 keys. Each datagram that is one
 * record of the key's form is opened with the sequence number of its header:
 * without a CID a DTLSCiphertext of application_data, with one a tls12_cid
 * record (RFC 9146 section 4) carrying the key's CID; version 0xfefd, the
 * key's epoch, a length equal to the rest of the datagram, room for the
 * explicit nonce and tag and at most 2^14 bytes of plaintext. Its
 * RUN_RESULT_STRIDE results as recordOpenRun's: without a CID the content
 * the whole plaintext, its type 23; with one the DTLSInnerPlaintext's content
 * length and real type (its last non-zero byte; -1 and 0 when there is none,
 * or when it does not authenticate).
 */
static napi_value record12_open_run(napi_env env, napi_callback_info info) {
  call c;
  size_t size = 0, out_size = 0, results_length = 0;
  void *pairs_data = NULL, *results_data = NULL;
  napi_value result = NULL;
  if (!call_begin(&c, env, info, "record12OpenRun", 6)) return NULL;
  handle *h = call_handle(&c, 0, KIND_RECORD12);
  const uint8_t *buffer = call_bytes(&c, 1, &size);
  int32_t count = call_int(&c, 3);
  uint8_t *out = call_bytes(&c, 4, &out_size);
  if (c.failed) return NULL;
  if (!record_run_arrays(&c, 2, 5, count, &pairs_data, &results_data, &results_length)) return NULL;
  record12_key *k = &h->u.record12;
  const double *pairs = pairs_data;
  double *results = results_data;
  size_t overhead = (size_t)k->explicit_length + (size_t)k->aead.tag_length;
  size_t used = 0;
  int32_t n = 0;
  for (int32_t i = 0; i < count && (size_t)(RUN_RESULT_STRIDE * (n + 1)) <= results_length; i++) {
    double at_d = pairs[2 * i], length_d = pairs[2 * i + 1];
    if (!(at_d >= 0) || !(length_d >= 1) || at_d > (double)size || length_d > (double)size - at_d) return call_fail(&c, "a datagram lies outside the buffer"), NULL;
    const uint8_t *d = buffer + (size_t)at_d;
    size_t length = (size_t)length_d;
    size_t cid = (size_t)k->cid_length;
    size_t header = RECORD12_HEADER + cid;
    uint8_t type = cid == 0 ? 23 : RECORD12_TLS12_CID;
    if (length < header + overhead || d[0] != type || d[1] != (RECORD12_VERSION >> 8) || d[2] != (RECORD12_VERSION & 0xff)) continue;
    if ((((unsigned)d[3] << 8) | d[4]) != k->epoch) continue;
    if (cid != 0 && CRYPTO_memcmp(d + 11, k->cid, cid) != 0) continue;
    size_t fragment = length - header;
    if (fragment > 16384 + 2048 || (((size_t)d[header - 2] << 8) | d[header - 1]) != fragment) continue;
    size_t plaintext = fragment - overhead;
    if (plaintext > 16384) continue;
    if (plaintext > out_size - used) break;
    uint64_t seq = 0;
    for (int b = 5; b < 11; b++) seq = (seq << 8) | d[b];
    long opened = record12_open(k, seq, type, d + header, fragment, out + used);
    int ok = opened == (long)plaintext;
    if (!ok) OPENSSL_cleanse(out + used, plaintext);
    /* A tls12_cid record's DTLSInnerPlaintext: its content, its real type, zeros (RFC 9146 section 4). */
    long content = cid == 0 ? (long)plaintext : ok ? record_content_length(out + used, plaintext) : -1;
    double *r = results + (size_t)RUN_RESULT_STRIDE * (size_t)n;
    r[0] = (double)i;
    r[1] = (double)used;
    r[2] = (double)plaintext;
    r[3] = ok ? (double)seq : -1.0 - (double)seq;
    r[4] = (double)content;
    r[5] = cid == 0 ? 23.0 : content >= 0 ? (double)out[used + (size_t)content] : 0.0;
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
  if (!call_begin(&c, env, info, "record12Open", 8) || !open12_args_read(&c, &a)) return NULL;
  uint8_t *out = call_bytes(&c, 6, &out_size);
  int32_t out_offset = call_int(&c, 7);
  if (c.failed) return NULL;
  long n = -1;
  if (a.fragment_length >= a.overhead) {
    if (!span_within(out_size, out_offset, a.fragment_length - a.overhead)) return call_fail(&c, "the plaintext does not fit the output buffer"), NULL;
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
  if (!call_begin(&c, env, info, "record12OpenOwned", 6) || !open12_args_read(&c, &a)) return NULL;
  napi_get_undefined(env, &result);
  if (a.fragment_length < a.overhead) return result;
  size_t length = (size_t)(a.fragment_length - a.overhead);
  uint8_t *out = owned_take(length);
  if (out == NULL) return call_fail(&c, "out of memory for the plaintext"), NULL;
  if (record12_open(a.k, a.seq, a.type, a.fragment, (size_t)a.fragment_length, out) != (long)length) {
    owned_give_back(out, length);
    return result;
  }
  return owned_wrap(env, out, length);
}

int record12_bindings_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {
      {"record12Create", record12_create}, {"record12Seal", record12_seal_js},
      {"record12SealBatch", record12_seal_batch}, {"record12Open", record12_open_js},
      {"record12OpenRun", record12_open_run},
  };
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}

int record12_owned_register(napi_env env, napi_value exports) {
  static const call_export functions[] = {{"record12OpenOwned", record12_open_owned_js}};
  return call_export_all(env, exports, functions, sizeof functions / sizeof functions[0]);
}
