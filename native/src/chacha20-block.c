/* The ChaCha20 block function, written from RFC 8439 §2.1-2.3 (chacha20-block.h). */
#define _GNU_SOURCE
#include "chacha20-block.h"

#include "hex.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

static uint32_t rotate_left(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static uint32_t load_le32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

static void store_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* RFC 8439 §2.1: the quarter round on four words of the state. */
static void quarter_round(uint32_t *x, int a, int b, int c, int d) {
  x[a] += x[b];
  x[d] = rotate_left(x[d] ^ x[a], 16);
  x[c] += x[d];
  x[b] = rotate_left(x[b] ^ x[c], 12);
  x[a] += x[b];
  x[d] = rotate_left(x[d] ^ x[a], 8);
  x[c] += x[d];
  x[b] = rotate_left(x[b] ^ x[c], 7);
}

/* The first `words` words (at most 16) of the serialized keystream block. */
static void block_prefix(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t *out, int words) {
  /* RFC 8439 §2.3: the constants "expand 32-byte k", the key, the block counter, the nonce. */
  uint32_t state[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  uint32_t x[16];
  for (int i = 0; i < 8; i++) state[4 + i] = load_le32(key + 4 * i);
  for (int i = 0; i < 4; i++) state[12 + i] = load_le32(counter_nonce + 4 * i);
  for (int i = 0; i < 16; i++) x[i] = state[i];
  for (int round = 0; round < 10; round++) {
    /* A column round, then a diagonal round (§2.3). */
    quarter_round(x, 0, 4, 8, 12);
    quarter_round(x, 1, 5, 9, 13);
    quarter_round(x, 2, 6, 10, 14);
    quarter_round(x, 3, 7, 11, 15);
    quarter_round(x, 0, 5, 10, 15);
    quarter_round(x, 1, 6, 11, 12);
    quarter_round(x, 2, 7, 8, 13);
    quarter_round(x, 3, 4, 9, 14);
  }
  /* The serialized block is x + state, word by word, little-endian. */
  for (int i = 0; i < words; i++) store_le32(out + 4 * i, x[i] + state[i]);
  OPENSSL_cleanse(x, sizeof x);
  OPENSSL_cleanse(state, sizeof state);
}

/* OpenSSL's ChaCha20 (crypto/chacha: key and counter as host-order words), which node exports: over zeros, the keystream. */
typedef void (*chacha20_ctr32_fn)(unsigned char *out, const unsigned char *in, size_t length, const unsigned int key[8],
                                  const unsigned int counter[4]);

static chacha20_ctr32_fn ctr32;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;
static const uint8_t ZEROS[32] = {0};

/* The first `words` words of the block through OpenSSL's ChaCha20: its short-input vector code takes about a third of
   the instructions of block_prefix (callgrind, 32 bytes: about 900 against 3,000). */
static void openssl_prefix(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t *out, int words) {
  unsigned int key_words[8];
  unsigned int counter[4];
  for (int i = 0; i < 8; i++) key_words[i] = load_le32(key + 4 * i);
  for (int i = 0; i < 4; i++) counter[i] = load_le32(counter_nonce + 4 * i);
  ctr32(out, ZEROS, (size_t)words * 4, key_words, counter);
  OPENSSL_cleanse(key_words, sizeof key_words);
}

/* RFC 8439 §2.3.2's block (key 00..1f, counter 1, nonce 000000090000004a00000000), the first 32 bytes. */
static int known_answer(void) {
  uint8_t key[32], counter_nonce[16], want[32], got[32];
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
  if (hex_decode("01000000000000090000004a00000000", counter_nonce, 16) != 0 ||
      hex_decode("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e", want, 32) != 0)
    return 0;
  openssl_prefix(key, counter_nonce, got, 8);
  return memcmp(got, want, sizeof want) == 0;
}

static void resolve(void) {
  /* DTLS13_NATIVE_CHACHA=evp keeps the code of before: the EVP cipher for the AEAD, block_prefix for one block. */
  const char *mode = getenv("DTLS13_NATIVE_CHACHA");
  if (mode != NULL && strcmp(mode, "evp") == 0) return;
  ctr32 = (chacha20_ctr32_fn)dlsym(RTLD_DEFAULT, "ChaCha20_ctr32");
  if (ctr32 != NULL && !known_answer()) ctr32 = NULL;
}

static void prefix(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t *out, int words) {
  pthread_once(&resolved, resolve);
  if (ctr32 != NULL)
    openssl_prefix(key, counter_nonce, out, words);
  else
    block_prefix(key, counter_nonce, out, words);
}

void chacha20_block16(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[16]) { prefix(key, counter_nonce, out, 4); }

void chacha20_block32(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[32]) { prefix(key, counter_nonce, out, 8); }

int chacha20_block_openssl(void) {
  pthread_once(&resolved, resolve);
  return ctr32 != NULL;
}
