#define _GNU_SOURCE
#include "x25519.h"

#include "hex.h"
#include "x25519-ahead.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* OpenSSL 3's internal X25519 (crypto/ec/curve25519.c): the scalar is clamped inside; 0 for an all-zero result. */
typedef int (*x25519_fn)(uint8_t out[X25519_LENGTH], const uint8_t private_key[X25519_LENGTH], const uint8_t peer[X25519_LENGTH]);
typedef void (*x25519_base_fn)(uint8_t out[X25519_LENGTH], const uint8_t private_key[X25519_LENGTH]);

static x25519_fn direct_x25519;
static x25519_base_fn direct_base;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

/* RFC 7748 section 6.1's exchange: both functions give its published values, or they are not used. */
static int known_answers(x25519_fn x, x25519_base_fn base) {
  uint8_t alice[X25519_LENGTH], alice_public[X25519_LENGTH], bob_public[X25519_LENGTH], shared[X25519_LENGTH], out[X25519_LENGTH];
  if (hex_decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", alice, X25519_LENGTH) != 0 ||
      hex_decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", alice_public, X25519_LENGTH) != 0 ||
      hex_decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bob_public, X25519_LENGTH) != 0 ||
      hex_decode("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", shared, X25519_LENGTH) != 0)
    return 0;
  base(out, alice);
  if (memcmp(out, alice_public, X25519_LENGTH) != 0) return 0;
  return x(out, alice, bob_public) == 1 && memcmp(out, shared, X25519_LENGTH) == 0;
}

static void resolve(void) {
  /* DTLS13_NATIVE_X25519=evp keeps the EVP_PKEY path (the tests run both). */
  const char *mode = getenv("DTLS13_NATIVE_X25519");
  if (mode != NULL && strcmp(mode, "evp") == 0) return;
  x25519_fn x = (x25519_fn)dlsym(RTLD_DEFAULT, "ossl_x25519");
  x25519_base_fn base = (x25519_base_fn)dlsym(RTLD_DEFAULT, "ossl_x25519_public_from_private");
  if (x == NULL || base == NULL || !known_answers(x, base)) return;
  direct_x25519 = x;
  direct_base = base;
}

int x25519_direct(void) {
  pthread_once(&resolved, resolve);
  return direct_x25519 != NULL;
}

/* A share from `private_key`, or a new one from the random generator when it is NULL (never one made ahead). */
static int create_key(x25519_key *key, const uint8_t *private_key, uint8_t public_key[X25519_LENGTH]) {
  uint8_t fresh[X25519_LENGTH];
  const uint8_t *raw = private_key;
  key->pkey = NULL;
  if (raw == NULL) {
    /* RFC 7748 section 5: any 32 random bytes are a private key (the clamping is part of the function). */
    if (RAND_priv_bytes(fresh, sizeof fresh) != 1) {
      ERR_clear_error();
      return -1;
    }
    raw = fresh;
  }
  if (x25519_direct()) {
    memcpy(key->raw, raw, X25519_LENGTH);
    OPENSSL_cleanse(fresh, sizeof fresh);
    direct_base(public_key, key->raw);
    return 0;
  }
  EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, raw, X25519_LENGTH);
  OPENSSL_cleanse(fresh, sizeof fresh);
  size_t length = X25519_LENGTH;
  if (pkey == NULL || EVP_PKEY_get_raw_public_key(pkey, public_key, &length) != 1 || length != X25519_LENGTH) {
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return -1;
  }
  key->pkey = pkey;
  return 0;
}

int x25519_create(x25519_key *key, const uint8_t *private_key, uint8_t public_key[X25519_LENGTH]) {
  /* A fresh share: one made ahead (x25519-ahead.h) when one is held (only direct shares are: a raw key, no pkey). */
  if (private_key == NULL && x25519_direct() && x25519_ahead_take(key->raw, public_key)) {
    key->pkey = NULL;
    return 0;
  }
  return create_key(key, private_key, public_key);
}

int x25519_create_fresh(x25519_key *key, uint8_t public_key[X25519_LENGTH]) {
  return create_key(key, NULL, public_key);
}

int x25519_derive(const x25519_key *key, const uint8_t peer[X25519_LENGTH], uint8_t secret[X25519_LENGTH]) {
  if (key->pkey == NULL) {
    if (direct_x25519(secret, key->raw, peer) == 1) return 0;
    OPENSSL_cleanse(secret, X25519_LENGTH);
    return -1;
  }
  EVP_PKEY *peer_key = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, X25519_LENGTH);
  EVP_PKEY_CTX *ctx = peer_key != NULL ? EVP_PKEY_CTX_new(key->pkey, NULL) : NULL;
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

int x25519_answer(const uint8_t peer[X25519_LENGTH], uint8_t public_key[X25519_LENGTH], uint8_t secret[X25519_LENGTH]) {
  x25519_key key;
  if (x25519_create(&key, NULL, public_key) != 0) return -1;
  int result = x25519_derive(&key, peer, secret);
  x25519_free(&key);
  return result;
}

void x25519_free(x25519_key *key) {
  /* OpenSSL cleanses an EVP_PKEY's private key when it frees it. */
  EVP_PKEY_free(key->pkey);
  key->pkey = NULL;
  OPENSSL_cleanse(key->raw, X25519_LENGTH);
}
