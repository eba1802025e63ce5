#include "ecdsa.h"

#include <openssl/err.h>
#include <openssl/x509.h>

int ecdsa_create(ecdsa_key *key, const uint8_t *der, size_t length) {
  key->pkey = NULL;
  key->ctx = NULL;
  const unsigned char *p = der;
  PKCS8_PRIV_KEY_INFO *info = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)length);
  EVP_PKEY *pkey = info != NULL && p == der + length ? EVP_PKCS82PKEY(info) : NULL;
  PKCS8_PRIV_KEY_INFO_free(info);
  EVP_PKEY_CTX *ctx = pkey != NULL && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC ? EVP_PKEY_CTX_new(pkey, NULL) : NULL;
  if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1) {
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return -1;
  }
  key->pkey = pkey;
  key->ctx = ctx;
  return 0;
}

int ecdsa_sign_digest(ecdsa_key *key, const uint8_t *digest, size_t digest_length, uint8_t *out, size_t out_size) {
  size_t length = out_size;
  if (key->ctx == NULL || EVP_PKEY_sign(key->ctx, out, &length, digest, digest_length) != 1 || length > out_size) {
    ERR_clear_error();
    return -1;
  }
  return (int)length;
}

void ecdsa_free(ecdsa_key *key) {
  EVP_PKEY_CTX_free(key->ctx);
  EVP_PKEY_free(key->pkey);
  key->ctx = NULL;
  key->pkey = NULL;
}
