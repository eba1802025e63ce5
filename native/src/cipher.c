#include "cipher.h"

#include "chacha20-block.h"
#include "chacha20-poly1305.h"

#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>

/*
 * Every failure path clears OpenSSL's per-thread error queue: node shares
 * this OpenSSL, and some of its calls (createPrivateKey's decoder) report
 * whatever error is left queued, so a forged record this addon rejected
 * would make the next key import in the process fail.
 */
static int failed(void) {
  ERR_clear_error();
  return -1;
}

int aead_key_length(int alg) {
  switch (alg) {
    case AEAD_AES_128_GCM:
    case AEAD_AES_128_CCM:
    case AEAD_AES_128_CCM_8:
      return 16;
    case AEAD_AES_256_GCM:
    case AEAD_CHACHA20_POLY1305:
      return 32;
    default:
      return failed();
  }
}

int mask_key_length(int alg) {
  switch (alg) {
    case MASK_AES_128:
      return 16;
    case MASK_AES_256:
    case MASK_CHACHA20:
      return 32;
    default:
      return failed();
  }
}

/*
 * The ciphers, each fetched from OpenSSL's providers once. OpenSSL 3 takes
 * EVP_aes_128_gcm() and the like as names to fetch at every
 * EVP_CipherInit_ex (a lookup under a lock and a string copy): a handshake
 * keys eight contexts. A cipher that does not fetch (a provider without it)
 * stays the named one, fetched per call as before.
 */
enum { C_AES_128_GCM, C_AES_256_GCM, C_CHACHA20_POLY1305, C_AES_128_CCM, C_AES_128_ECB, C_AES_256_ECB, C_CHACHA20, C_COUNT };
static const EVP_CIPHER *ciphers[C_COUNT];
static pthread_once_t ciphers_fetched = PTHREAD_ONCE_INIT;

static void fetch_ciphers(void) {
  const EVP_CIPHER *named[C_COUNT] = {EVP_aes_128_gcm(), EVP_aes_256_gcm(), EVP_chacha20_poly1305(), EVP_aes_128_ccm(),
                                      EVP_aes_128_ecb(), EVP_aes_256_ecb(), EVP_chacha20()};
  for (int i = 0; i < C_COUNT; i++) {
    ciphers[i] = named[i];
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_CIPHER *fetched = EVP_CIPHER_fetch(NULL, EVP_CIPHER_get0_name(named[i]), NULL);
    if (fetched != NULL) ciphers[i] = fetched;
    else ERR_clear_error();
#endif
  }
}

static const EVP_CIPHER *cipher(int which) {
  pthread_once(&ciphers_fetched, fetch_ciphers);
  return ciphers[which];
}

static const EVP_CIPHER *aead_cipher(int alg) {
  switch (alg) {
    case AEAD_AES_128_GCM:
      return cipher(C_AES_128_GCM);
    case AEAD_AES_256_GCM:
      return cipher(C_AES_256_GCM);
    case AEAD_CHACHA20_POLY1305:
      return cipher(C_CHACHA20_POLY1305);
    default:
      return cipher(C_AES_128_CCM);
  }
}

/* A context for one direction, keyed; CCM gets its nonce and tag lengths before the key, as OpenSSL requires. */
static EVP_CIPHER_CTX *keyed_context(const aead_key *k, const uint8_t *key, int enc) {
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (ctx == NULL) return NULL;
  if (EVP_CipherInit_ex(ctx, aead_cipher(k->alg), NULL, NULL, NULL, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, NONCE_LENGTH, NULL) != 1 ||
      (k->ccm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, k->tag_length, NULL) != 1) ||
      EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, enc) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

int aead_init(aead_key *k, int alg, const uint8_t *key, size_t key_length, const char **error) {
  memset(k, 0, sizeof *k);
  int need = aead_key_length(alg);
  if (need < 0) {
    *error = "unknown AEAD algorithm id";
    return failed();
  }
  if (key_length != (size_t)need) {
    *error = "AEAD key has the wrong length for its algorithm";
    return failed();
  }
  k->alg = alg;
  k->ccm = alg == AEAD_AES_128_CCM || alg == AEAD_AES_128_CCM_8;
  k->tag_length = alg == AEAD_AES_128_CCM_8 ? 8 : 16;
  k->direct = alg == AEAD_CHACHA20_POLY1305 && chacha20_poly1305_direct();
  /* The contexts are made on first use (most keys only ever seal, or only open); a failure then fails that call. */
  memcpy(k->key, key, key_length);
  return 0;
}

void aead_free(aead_key *k) {
  /* EVP_CIPHER_CTX_free and aes_gcm_free cleanse the key schedule they held. */
  EVP_CIPHER_CTX_free(k->seal);
  EVP_CIPHER_CTX_free(k->open);
  aes_gcm_free(k->gcm);
  k->seal = NULL;
  k->open = NULL;
  k->gcm = NULL;
  k->released = 1;
  OPENSSL_cleanse(k->key, sizeof k->key);
}

void aead_park(aead_key *k) {
  EVP_CIPHER_CTX_free(k->seal);
  EVP_CIPHER_CTX_free(k->open);
  aes_gcm_free(k->gcm);
  k->seal = NULL;
  k->open = NULL;
  k->gcm = NULL;
}

/* AES-GCM's direct state, made on first use (and again after aead_park); NULL for other AEADs or without the routines. */
static aes_gcm_key *gcm_state(aead_key *k) {
  if (k->gcm == NULL && !k->released && (k->alg == AEAD_AES_128_GCM || k->alg == AEAD_AES_256_GCM))
    k->gcm = aes_gcm_new(k->key, k->alg == AEAD_AES_128_GCM ? 16 : 32);
  return k->gcm;
}

/* A direction's context, made on its first use: write epochs only seal, read epochs only open. */
static EVP_CIPHER_CTX *context(aead_key *k, int enc) {
  EVP_CIPHER_CTX **ctx = enc ? &k->seal : &k->open;
  if (*ctx == NULL && !k->released) *ctx = keyed_context(k, k->key, enc);
  return *ctx;
}

int aead_seal(aead_key *k, const uint8_t nonce[NONCE_LENGTH], const uint8_t *aad, size_t aad_length, uint8_t *data, size_t length) {
  if (k->direct) {
    if (k->released) return failed();
    chacha20_poly1305_seal(k->key, nonce, aad, aad_length, data, length);
    return 0;
  }
  aes_gcm_key *gcm = gcm_state(k);
  if (gcm != NULL) {
    aes_gcm_seal(gcm, nonce, aad, aad_length, data, length);
    return 0;
  }
  EVP_CIPHER_CTX *ctx = context(k, 1);
  int n = 0;
  int tail = 0;
  if (ctx == NULL || length > INT32_MAX || aad_length > INT32_MAX) return failed();
  if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 1) != 1) return failed();
  /* CCM needs the total length before the additional data. */
  if (k->ccm && EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)length) != 1) return failed();
  if ((aad_length > 0 || k->ccm) && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_length) != 1) return failed();
  n = 0;
  if ((length > 0 || k->ccm) && EVP_CipherUpdate(ctx, data, &n, data, (int)length) != 1) return failed();
  if (EVP_CipherFinal_ex(ctx, data + n, &tail) != 1) return failed();
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, k->tag_length, data + length) == 1 ? 0 : failed();
}

int aead_open(aead_key *k, const uint8_t nonce[NONCE_LENGTH], const uint8_t *aad, size_t aad_length, const uint8_t *in, size_t length, uint8_t *out) {
  if (k->direct) {
    if (k->released) return failed();
    return chacha20_poly1305_open(k->key, nonce, aad, aad_length, in, length, out);
  }
  aes_gcm_key *gcm = gcm_state(k);
  if (gcm != NULL) return aes_gcm_open(gcm, nonce, aad, aad_length, in, length, out) == 0 ? 0 : failed();
  EVP_CIPHER_CTX *ctx = context(k, 0);
  uint8_t tag[16];
  int n = 0;
  int ok;
  if (ctx == NULL || length > INT32_MAX || aad_length > INT32_MAX) return failed();
  memcpy(tag, in + length, (size_t)k->tag_length);
  if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 0) != 1) return failed();
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, k->tag_length, tag) != 1) return failed();
  if (k->ccm) {
    /* CCM checks the tag inside its one update; there is no final step. */
    if (EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)length) != 1 || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_length) != 1) return failed();
    ok = EVP_CipherUpdate(ctx, out, &n, in, (int)length) == 1;
  } else {
    int tail = 0;
    ok = (aad_length == 0 || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_length) == 1) &&
         (length == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)length) == 1) && EVP_CipherFinal_ex(ctx, out + n, &tail) == 1;
  }
  if (!ok) {
    OPENSSL_cleanse(out, length);
    return failed();
  }
  return 0;
}

static const EVP_CIPHER *mask_cipher(int alg) {
  return cipher(alg == MASK_AES_128 ? C_AES_128_ECB : alg == MASK_AES_256 ? C_AES_256_ECB : C_CHACHA20);
}

/* AES: the direct schedule, made on first use (and again after mask_park); NULL without aes-gcm.c's routines. */
static aes_gcm_key *mask_schedule(mask_key *k) {
  if (k->aes == NULL && !k->released && k->alg != MASK_CHACHA20) k->aes = aes_gcm_new(k->key, k->alg == MASK_AES_128 ? 16 : 32);
  return k->aes;
}

/* The keyed context, made on first use (and again after mask_park). */
static EVP_CIPHER_CTX *mask_context(mask_key *k) {
  if (k->ctx != NULL || k->released) return k->ctx;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (ctx == NULL) return NULL;
  if (EVP_EncryptInit_ex(ctx, mask_cipher(k->alg), NULL, k->key, NULL) != 1 || EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  k->ctx = ctx;
  return ctx;
}

int mask_init(mask_key *k, int alg, const uint8_t *key, size_t key_length, const char **error) {
  memset(k, 0, sizeof *k);
  int need = mask_key_length(alg);
  if (need < 0) {
    *error = "unknown record number mask algorithm id";
    return failed();
  }
  if (key_length != (size_t)need) {
    *error = "sn_key has the wrong length for its mask algorithm";
    return failed();
  }
  k->alg = alg;
  memcpy(k->key, key, key_length);
  /* ChaCha20 masks with the block function (mask_compute) and never needs an OpenSSL context (about 1.2 KB). */
  if (alg == MASK_CHACHA20) return 0;
  /* AES: keyed now, so that a key OpenSSL refuses fails here rather than on the first record. */
  if (mask_schedule(k) == NULL && mask_context(k) == NULL) {
    mask_free(k);
    *error = "OpenSSL could not create the mask context";
    return failed();
  }
  return 0;
}

void mask_free(mask_key *k) {
  EVP_CIPHER_CTX_free(k->ctx);
  aes_gcm_free(k->aes);
  k->ctx = NULL;
  k->aes = NULL;
  k->released = 1;
  OPENSSL_cleanse(k->key, sizeof k->key);
}

void mask_park(mask_key *k) {
  EVP_CIPHER_CTX_free(k->ctx);
  aes_gcm_free(k->aes);
  k->ctx = NULL;
  k->aes = NULL;
}

int mask_compute(mask_key *k, const uint8_t sample[MASK_SAMPLE], uint8_t out[MASK_SAMPLE]) {
  if (k->alg == MASK_CHACHA20) {
    /* ChaCha20 with the sample as its 16-byte IV (32-bit block counter, little-endian, then the 96-bit nonce), over zeros:
       the block function itself, as an OpenSSL context's setup per record cost about three times the block. */
    if (k->released) return failed();
    chacha20_block16(k->key, sample, out);
    return 0;
  }
  const aes_gcm_key *aes = mask_schedule(k);
  if (aes != NULL) {
    aes_gcm_block(aes, sample, out);
    return 0;
  }
  int n = 0;
  EVP_CIPHER_CTX *ctx = mask_context(k);
  if (ctx == NULL) return failed();
  /* AES-ECB: blocks are independent, so the keyed context takes one block per record. */
  return EVP_EncryptUpdate(ctx, out, &n, sample, MASK_SAMPLE) == 1 && n == MASK_SAMPLE ? 0 : failed();
}
