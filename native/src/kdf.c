/*
 * HMAC written out on OpenSSL's SHA-256/SHA-384 block functions: no
 * allocation, no algorithm lookup and no provider dispatch per call, which
 * in a handshake (cold caches between calls) cost several times the hashing
 * itself. These SHA*_Init/Update/Final calls are marked deprecated in
 * OpenSSL 3 but remain in libcrypto (and in node, which exports it).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "kdf.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#define MAX_BLOCK 128

/* One running SHA-256 or SHA-384 state. */
typedef struct {
  int hash;
  union {
    SHA256_CTX sha256;
    SHA512_CTX sha384;
  } u;
} sha_state;

int hash_length(int hash) {
  return hash == HASH_SHA256 ? 32 : hash == HASH_SHA384 ? 48 : -1;
}

static size_t block_length(int hash) {
  return hash == HASH_SHA256 ? 64 : 128;
}

static void sha_init(sha_state *s, int hash) {
  s->hash = hash;
  if (hash == HASH_SHA256) SHA256_Init(&s->u.sha256);
  else SHA384_Init(&s->u.sha384);
}

static void sha_update(sha_state *s, const uint8_t *data, size_t length) {
  if (length == 0) return;
  if (s->hash == HASH_SHA256) SHA256_Update(&s->u.sha256, data, length);
  else SHA384_Update(&s->u.sha384, data, length);
}

static void sha_final(sha_state *s, uint8_t *out) {
  if (s->hash == HASH_SHA256) SHA256_Final(out, &s->u.sha256);
  else SHA384_Final(out, &s->u.sha384);
}

/* HMAC's two keyed states (RFC 2104): the hash after K XOR ipad, and after K XOR opad. */
typedef struct {
  sha_state inner;
  sha_state outer;
} hmac_key;

static void hmac_key_init(hmac_key *k, int hash, const uint8_t *key, size_t key_length) {
  uint8_t block[MAX_BLOCK] = {0};
  uint8_t pad[MAX_BLOCK];
  size_t b = block_length(hash);
  if (key_length > b) {
    /* A key longer than the block is hashed first. */
    sha_state s;
    sha_init(&s, hash);
    sha_update(&s, key, key_length);
    sha_final(&s, block);
    OPENSSL_cleanse(&s, sizeof s);
  } else if (key_length > 0) {
    memcpy(block, key, key_length);
  }
  for (size_t i = 0; i < b; i++) pad[i] = block[i] ^ 0x36;
  sha_init(&k->inner, hash);
  sha_update(&k->inner, pad, b);
  for (size_t i = 0; i < b; i++) pad[i] = block[i] ^ 0x5c;
  sha_init(&k->outer, hash);
  sha_update(&k->outer, pad, b);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
}

/* HMAC(K, a | b | c) from the keyed states (left as they are: the call works on copies). */
static void hmac_run(const hmac_key *k, const uint8_t *a, size_t a_length, const uint8_t *b, size_t b_length, const uint8_t *c, size_t c_length,
                     uint8_t *out) {
  uint8_t inner_digest[MAX_HASH_LENGTH];
  sha_state s = k->inner;
  sha_update(&s, a, a_length);
  sha_update(&s, b, b_length);
  sha_update(&s, c, c_length);
  sha_final(&s, inner_digest);
  s = k->outer;
  sha_update(&s, inner_digest, (size_t)hash_length(k->inner.hash));
  sha_final(&s, out);
  OPENSSL_cleanse(&s, sizeof s);
  OPENSSL_cleanse(inner_digest, sizeof inner_digest);
}

int kdf_hmac(int hash, const uint8_t *key, size_t key_length, const uint8_t *data, size_t data_length, uint8_t *out) {
  hmac_key k;
  if (hash_length(hash) < 0) return -1;
  hmac_key_init(&k, hash, key, key_length);
  hmac_run(&k, data, data_length, NULL, 0, NULL, 0, out);
  OPENSSL_cleanse(&k, sizeof k);
  return 0;
}

/* HKDF-Expand's T(1) | T(2) | ... from the PRK's keyed states (length at most 255 * HashLen, checked by the callers). */
static void expand_keyed(const hmac_key *k, const uint8_t *info, size_t info_length, uint8_t *out, size_t length) {
  size_t n = (size_t)hash_length(k->inner.hash);
  /* T(i) = HMAC(PRK, T(i-1) | info | i), T(0) empty; OKM is the first `length` bytes of T(1) | T(2) | ... */
  uint8_t t[MAX_HASH_LENGTH];
  size_t at = 0;
  for (unsigned i = 1; at < length; i++) {
    uint8_t counter = (uint8_t)i;
    hmac_run(k, t, i == 1 ? 0 : n, info, info_length, &counter, 1, t);
    size_t take = length - at < n ? length - at : n;
    memcpy(out + at, t, take);
    at += take;
  }
  OPENSSL_cleanse(t, sizeof t);
}

int kdf_hkdf_expand(int hash, const uint8_t *prk, size_t prk_length, const uint8_t *info, size_t info_length, uint8_t *out, size_t length) {
  int n = hash_length(hash);
  if (n < 0 || length > 255 * (size_t)n) return -1;
  if (length == 0) return 0;
  hmac_key k;
  hmac_key_init(&k, hash, prk, prk_length);
  expand_keyed(&k, info, info_length, out, length);
  OPENSSL_cleanse(&k, sizeof k);
  return 0;
}

int kdf_p_hash(int hash, const uint8_t *secret, size_t secret_length, const uint8_t *seed, size_t seed_length, uint8_t *out, size_t length) {
  int n = hash_length(hash);
  if (n < 0) return -1;
  hmac_key k;
  hmac_key_init(&k, hash, secret, secret_length);
  /* A(1) = HMAC(secret, seed); each block HMAC(secret, A(i) + seed); A(i+1) = HMAC(secret, A(i)). */
  uint8_t a[MAX_HASH_LENGTH], block[MAX_HASH_LENGTH];
  hmac_run(&k, seed, seed_length, NULL, 0, NULL, 0, a);
  for (size_t at = 0; at < length;) {
    hmac_run(&k, a, (size_t)n, seed, seed_length, NULL, 0, block);
    size_t take = length - at < (size_t)n ? length - at : (size_t)n;
    memcpy(out + at, block, take);
    at += take;
    if (at < length) hmac_run(&k, a, (size_t)n, NULL, 0, NULL, 0, a);
  }
  OPENSSL_cleanse(a, sizeof a);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(&k, sizeof k);
  return 0;
}

int kdf_hkdf_expand_labels(int hash, const uint8_t *prk, size_t prk_length, const uint8_t *labels, size_t labels_length, size_t count, uint8_t *out,
                           size_t out_size) {
  int n = hash_length(hash);
  if (n < 0) return -1;
  /* The labels are checked whole before anything is derived. */
  size_t at = 0, written = 0;
  for (size_t i = 0; i < count; i++) {
    /* HkdfLabel: uint16 length, opaque label<7..255>, opaque context<0..255> (RFC 8446 section 7.1). */
    if (labels_length - at < 4) return -1;
    size_t length = ((size_t)labels[at] << 8) | labels[at + 1];
    size_t label_length = labels[at + 2];
    if (labels_length - at - 3 < label_length + 1) return -1;
    size_t info_length = 4 + label_length + labels[at + 3 + label_length];
    if (labels_length - at < info_length || out_size - written < length || length > 255 * (size_t)n) return -1;
    at += info_length;
    written += length;
  }
  if (at != labels_length) return -1;
  /* The PRK's keyed states made once for every label. */
  hmac_key k;
  hmac_key_init(&k, hash, prk, prk_length);
  at = 0;
  written = 0;
  for (size_t i = 0; i < count; i++) {
    size_t length = ((size_t)labels[at] << 8) | labels[at + 1];
    size_t info_length = 4 + labels[at + 2] + labels[at + 3 + labels[at + 2]];
    expand_keyed(&k, labels + at, info_length, out + written, length);
    at += info_length;
    written += length;
  }
  OPENSSL_cleanse(&k, sizeof k);
  return (int)written;
}

size_t hash_state_size(void) {
  return sizeof(sha_state);
}

/* A state from outside (JavaScript memory) is used only when its fields say it is one of ours: a known hash, the block fill below the block length, its own digest length. */
static int valid_state(const sha_state *s) {
  if (s->hash == HASH_SHA256) return s->u.sha256.num < 64 && s->u.sha256.md_len == 32;
  if (s->hash == HASH_SHA384) return s->u.sha384.num < 128 && s->u.sha384.md_len == 48;
  return 0;
}

int hash_state_init(void *state, int hash) {
  if (hash_length(hash) < 0) return -1;
  sha_init((sha_state *)state, hash);
  return 0;
}

int hash_state_update(void *state, const uint8_t *data, size_t length) {
  if (!valid_state((sha_state *)state)) return -1;
  sha_update((sha_state *)state, data, length);
  return 0;
}

int hash_state_digest(const void *state, uint8_t *out) {
  sha_state copy;
  memcpy(&copy, state, sizeof copy);
  if (!valid_state(&copy)) return -1;
  sha_final(&copy, out);
  OPENSSL_cleanse(&copy, sizeof copy);
  return 0;
}
