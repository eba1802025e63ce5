#include "x25519.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

EVP_PKEY *x25519_create(const uint8_t *private_key, uint8_t public_key[X25519_LENGTH]) {
  uint8_t fresh[X25519_LENGTH];
  const uint8_t *raw = private_key;
  if (raw == NULL) {
    /* RFC 7748 section 5: any 32 random bytes are a private key (the clamping is part of the function). */
    if (RAND_priv_bytes(fresh, sizeof fresh) != 1) {
      ERR_clear_error();
      return NULL;
    }
    raw = fresh;
  }
  EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, raw, X25519_LENGTH);
  OPENSSL_cleanse(fresh, sizeof fresh);
  size_t length = X25519_LENGTH;
  if (key == NULL || EVP_PKEY_get_raw_public_key(key, public_key, &length) != 1 || length != X25519_LENGTH) {
    EVP_PKEY_free(key);
    ERR_clear_error();
    return NULL;
  }
  return key;
}

int x25519_derive(EVP_PKEY *key, const uint8_t peer[X25519_LENGTH], uint8_t secret[X25519_LENGTH]) {
  EVP_PKEY *peer_key = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, X25519_LENGTH);
  EVP_PKEY_CTX *ctx = peer_key != NULL ? EVP_PKEY_CTX_new(key, NULL) : NULL;
  size_t length = X25519_LENGTH;
  int ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer_key) == 1 && EVP_PKEY_derive(ctx, secret, &length) == 1 &&
           length == X25519_LENGTH;
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(peer_key);
  if (ok) return 0;
  OPENSSL_cleanse(secret, X25519_LENGTH);
  ERR_clear_error();
  return -1;
}
