#include "kdf.h"

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* An unkeyed HMAC context per hash, made once; every call works on a copy (a copy only reads its source, so threads may share them). */
static EVP_MAC_CTX *templates[2];
static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;

static void make_templates(void) {
  static const char *names[2] = {"SHA256", "SHA384"};
  EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
  if (mac == NULL) return;
  for (int i = 0; i < 2; i++) {
    OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)names[i], 0), OSSL_PARAM_construct_end()};
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    if (ctx != NULL && EVP_MAC_CTX_set_params(ctx, params) != 1) {
      EVP_MAC_CTX_free(ctx);
      ctx = NULL;
    }
    templates[i] = ctx;
  }
  /* The contexts hold their own reference to the MAC. */
  EVP_MAC_free(mac);
  ERR_clear_error();
}

/* As in cipher.c: a failure leaves nothing on OpenSSL's error queue, which node's own calls would report. */
static int failed(EVP_MAC_CTX *ctx) {
  EVP_MAC_CTX_free(ctx);
  ERR_clear_error();
  return -1;
}

int hash_length(int hash) {
  return hash == HASH_SHA256 ? 32 : hash == HASH_SHA384 ? 48 : -1;
}

/* A fresh HMAC context for `hash` keyed with `key` (never NULL: EVP_MAC_init reads NULL as "keep the old key"). */
static EVP_MAC_CTX *keyed(int hash, const uint8_t *key, size_t key_length) {
  if (hash_length(hash) < 0 || !CRYPTO_THREAD_run_once(&once, make_templates) || templates[hash] == NULL) return NULL;
  EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(templates[hash]);
  static const uint8_t empty[1] = {0};
  if (ctx != NULL && EVP_MAC_init(ctx, key != NULL ? key : empty, key_length, NULL) != 1) {
    EVP_MAC_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

int kdf_hmac(int hash, const uint8_t *key, size_t key_length, const uint8_t *data, size_t data_length, uint8_t *out) {
  EVP_MAC_CTX *ctx = keyed(hash, key, key_length);
  size_t n = 0;
  if (ctx == NULL) return failed(NULL);
  if (EVP_MAC_update(ctx, data, data_length) != 1 || EVP_MAC_final(ctx, out, &n, (size_t)hash_length(hash)) != 1 || n != (size_t)hash_length(hash))
    return failed(ctx);
  EVP_MAC_CTX_free(ctx);
  return 0;
}

int kdf_hkdf_expand(int hash, const uint8_t *prk, size_t prk_length, const uint8_t *info, size_t info_length, uint8_t *out, size_t length) {
  int n = hash_length(hash);
  if (n < 0 || length > 255 * (size_t)n) return failed(NULL);
  if (length == 0) return 0;
  EVP_MAC_CTX *ctx = keyed(hash, prk, prk_length);
  if (ctx == NULL) return failed(NULL);
  /* T(i) = HMAC(PRK, T(i-1) | info | i); the keyed context is copied for every block but the last, which uses it itself. */
  uint8_t t[MAX_HASH_LENGTH];
  size_t at = 0;
  for (unsigned i = 1; at < length; i++) {
    int last = length - at <= (size_t)n;
    EVP_MAC_CTX *block = last ? ctx : EVP_MAC_CTX_dup(ctx);
    uint8_t counter = (uint8_t)i;
    size_t written = 0;
    int ok = block != NULL && (i == 1 || EVP_MAC_update(block, t, (size_t)n) == 1) && EVP_MAC_update(block, info, info_length) == 1 &&
             EVP_MAC_update(block, &counter, 1) == 1 && EVP_MAC_final(block, t, &written, sizeof t) == 1 && written == (size_t)n;
    if (!last) EVP_MAC_CTX_free(block);
    if (!ok) {
      OPENSSL_cleanse(t, sizeof t);
      OPENSSL_cleanse(out, length);
      return failed(ctx);
    }
    size_t take = last ? length - at : (size_t)n;
    memcpy(out + at, t, take);
    at += take;
  }
  OPENSSL_cleanse(t, sizeof t);
  EVP_MAC_CTX_free(ctx);
  return 0;
}
