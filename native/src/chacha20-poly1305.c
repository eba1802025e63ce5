/* AEAD_CHACHA20_POLY1305 over node's own ChaCha20 and Poly1305 (chacha20-poly1305.h), written from RFC 8439 §2.8. */
#define _GNU_SOURCE
#include "chacha20-poly1305.h"

#include "chacha20-block.h"
#include "hex.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

/* OpenSSL's crypto/chacha (key and counter as host-order words) and crypto/poly1305 (an opaque context). */
typedef void (*chacha20_ctr32_fn)(unsigned char *out, const unsigned char *in, size_t length, const unsigned int key[8],
                                  const unsigned int counter[4]);
typedef size_t (*poly1305_size_fn)(void);
typedef void (*poly1305_init_fn)(void *ctx, const unsigned char key[32]);
typedef void (*poly1305_update_fn)(void *ctx, const unsigned char *in, size_t length);
typedef void (*poly1305_final_fn)(void *ctx, unsigned char mac[16]);

/* Room for the Poly1305 context on the stack (OpenSSL 3's is about 250 bytes); a larger one is not used. */
#define POLY1305_ROOM 512

static chacha20_ctr32_fn chacha20_ctr32;
static poly1305_init_fn poly1305_init;
static poly1305_update_fn poly1305_update;
static poly1305_final_fn poly1305_final;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static const uint8_t ZEROS[16] = {0};

static uint32_t load_le32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

static void store_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* §2.8: the Poly1305 tag over aad, its padding, the ciphertext, its padding and both lengths, under the one-time key. */
static void tag(const uint8_t poly_key[32], const uint8_t *aad, size_t aad_length, const uint8_t *ciphertext, size_t length,
                uint8_t out[CHACHA20_POLY1305_TAG]) {
  _Alignas(64) uint8_t ctx[POLY1305_ROOM];
  uint8_t lengths[16];
  poly1305_init(ctx, poly_key);
  if (aad_length > 0) {
    poly1305_update(ctx, aad, aad_length);
    if (aad_length % 16 != 0) poly1305_update(ctx, ZEROS, 16 - aad_length % 16);
  }
  if (length > 0) {
    poly1305_update(ctx, ciphertext, length);
    if (length % 16 != 0) poly1305_update(ctx, ZEROS, 16 - length % 16);
  }
  store_le64(lengths, (uint64_t)aad_length);
  store_le64(lengths + 8, (uint64_t)length);
  poly1305_update(ctx, lengths, sizeof lengths);
  /* Poly1305_Final cleanses the context. */
  poly1305_final(ctx, out);
}

/* §2.6: the one-time Poly1305 key is the first 32 bytes of the block at counter 0; the words ChaCha20 takes for the rest. */
static void arm(const uint8_t key[32], const uint8_t nonce[12], uint8_t poly_key[32], unsigned int key_words[8], unsigned int counter[4]) {
  uint8_t counter_nonce[16] = {0};
  memcpy(counter_nonce + 4, nonce, 12);
  chacha20_block32(key, counter_nonce, poly_key);
  for (int i = 0; i < 8; i++) key_words[i] = load_le32(key + 4 * i);
  counter[0] = 1;
  for (int i = 0; i < 3; i++) counter[1 + i] = load_le32(nonce + 4 * i);
}

void chacha20_poly1305_seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, uint8_t *data,
                            size_t length) {
  uint8_t poly_key[32];
  unsigned int key_words[8];
  unsigned int counter[4];
  arm(key, nonce, poly_key, key_words, counter);
  if (length > 0) chacha20_ctr32(data, data, length, key_words, counter);
  tag(poly_key, aad, aad_length, data, length, data + length);
  OPENSSL_cleanse(poly_key, sizeof poly_key);
  OPENSSL_cleanse(key_words, sizeof key_words);
}

int chacha20_poly1305_open(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, const uint8_t *in,
                           size_t length, uint8_t *out) {
  uint8_t poly_key[32];
  uint8_t expected[CHACHA20_POLY1305_TAG];
  unsigned int key_words[8];
  unsigned int counter[4];
  arm(key, nonce, poly_key, key_words, counter);
  tag(poly_key, aad, aad_length, in, length, expected);
  int authentic = CRYPTO_memcmp(expected, in + length, CHACHA20_POLY1305_TAG) == 0;
  /* A forgery costs the tag only: nothing is decrypted before it checks. */
  if (authentic && length > 0) chacha20_ctr32(out, in, length, key_words, counter);
  OPENSSL_cleanse(poly_key, sizeof poly_key);
  OPENSSL_cleanse(key_words, sizeof key_words);
  if (!authentic) {
    OPENSSL_cleanse(out, length);
    return -1;
  }
  return 0;
}

/* RFC 8439 §2.8.2's example: sealing gives its ciphertext and tag, opening gives the text back and refuses a changed tag. */
static int known_answer(void) {
  static const char plaintext[] =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
  static const char sealed_hex[] =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
      "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
      "1ae10b594f09e26a7e902ecbd0600691";
  enum { N = sizeof plaintext - 1 };
  uint8_t key[32], nonce[12], aad[12], sealed[N + CHACHA20_POLY1305_TAG], data[N + CHACHA20_POLY1305_TAG];
  if (hex_decode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", key, 32) != 0 ||
      hex_decode("070000004041424344454647", nonce, 12) != 0 || hex_decode("50515253c0c1c2c3c4c5c6c7", aad, 12) != 0 ||
      hex_decode(sealed_hex, sealed, sizeof sealed) != 0)
    return 0;
  memcpy(data, plaintext, N);
  chacha20_poly1305_seal(key, nonce, aad, sizeof aad, data, N);
  if (memcmp(data, sealed, sizeof sealed) != 0) return 0;
  if (chacha20_poly1305_open(key, nonce, aad, sizeof aad, data, N, data) != 0 || memcmp(data, plaintext, N) != 0) return 0;
  memcpy(data, sealed, sizeof sealed);
  data[N] ^= 1;
  return chacha20_poly1305_open(key, nonce, aad, sizeof aad, data, N, data) == -1;
}

static void resolve(void) {
  /* DTLS13_NATIVE_CHACHA=evp keeps the EVP cipher (the tests run both). */
  const char *mode = getenv("DTLS13_NATIVE_CHACHA");
  if (mode != NULL && strcmp(mode, "evp") == 0) return;
  chacha20_ctr32_fn ctr32 = (chacha20_ctr32_fn)dlsym(RTLD_DEFAULT, "ChaCha20_ctr32");
  poly1305_size_fn size = (poly1305_size_fn)dlsym(RTLD_DEFAULT, "Poly1305_ctx_size");
  poly1305_init_fn init = (poly1305_init_fn)dlsym(RTLD_DEFAULT, "Poly1305_Init");
  poly1305_update_fn update = (poly1305_update_fn)dlsym(RTLD_DEFAULT, "Poly1305_Update");
  poly1305_final_fn final = (poly1305_final_fn)dlsym(RTLD_DEFAULT, "Poly1305_Final");
  if (ctr32 == NULL || size == NULL || init == NULL || update == NULL || final == NULL || size() > POLY1305_ROOM) return;
  chacha20_ctr32 = ctr32;
  poly1305_init = init;
  poly1305_update = update;
  poly1305_final = final;
  if (!known_answer()) chacha20_ctr32 = NULL;
}

int chacha20_poly1305_direct(void) {
  pthread_once(&resolved, resolve);
  return chacha20_ctr32 != NULL;
}
