/* The ChaCha20 block function, written from RFC 8439 §2.1-2.3 (chacha20-block.h). */
#include "chacha20-block.h"

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

void chacha20_block16(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[16]) { block_prefix(key, counter_nonce, out, 4); }

void chacha20_block32(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[32]) { block_prefix(key, counter_nonce, out, 8); }
