#include "record.h"

#include <string.h>

/* The unified header is at most 1 + 255 (connection ID) + 2 + 2 bytes. */
#define MAX_HEADER 260

void record_nonce(const uint8_t iv[NONCE_LENGTH], uint64_t seq, uint8_t nonce[NONCE_LENGTH]) {
  memcpy(nonce, iv, NONCE_LENGTH);
  for (int i = 0; i < 8; i++) nonce[NONCE_LENGTH - 1 - i] ^= (uint8_t)(seq >> (8 * i));
}

uint64_t record_reconstruct(uint32_t low, int bits, uint64_t expected) {
  /* Signed arithmetic, as runtime/record/sequence.ts does it; every value is far below 2^63. */
  int64_t span = bits == 8 ? 0x100 : 0x10000;
  int64_t half = span / 2;
  int64_t e = (int64_t)expected;
  int64_t candidate = e - (e % span) + (int64_t)low;
  if (candidate - e > half && candidate >= span)
    candidate -= span;
  else if (e - candidate > half)
    candidate += span;
  return (uint64_t)candidate;
}

int record_seal(record_key *k, uint64_t seq, uint8_t *record, size_t header_length, size_t plaintext_length, size_t sn_offset, int sn_bytes) {
  uint8_t nonce[NONCE_LENGTH];
  uint8_t mask[MASK_SAMPLE];
  uint8_t *body = record + header_length;
  if ((size_t)k->aead.tag_length + plaintext_length < MASK_SAMPLE || sn_offset + (size_t)sn_bytes > header_length) return -1;
  record_nonce(k->iv, seq, nonce);
  if (aead_seal(&k->aead, nonce, record, header_length, body, plaintext_length) != 0) return -1;
  if (mask_compute(&k->mask, body, mask) != 0) return -1;
  for (int i = 0; i < sn_bytes; i++) record[sn_offset + (size_t)i] ^= mask[i];
  return 0;
}

int record_open(record_key *k, const uint8_t *record, size_t header_length, size_t ciphertext_length, size_t sn_offset, int sn_bytes, uint64_t expected,
                uint8_t *out, uint64_t *seq) {
  uint8_t aad[MAX_HEADER];
  uint8_t nonce[NONCE_LENGTH];
  uint8_t mask[MASK_SAMPLE];
  const uint8_t *body = record + header_length;
  size_t tag = (size_t)k->aead.tag_length;
  if (header_length > MAX_HEADER || ciphertext_length < MASK_SAMPLE || ciphertext_length < tag || sn_offset + (size_t)sn_bytes > header_length) return -1;
  if (mask_compute(&k->mask, body, mask) != 0) return -1;
  memcpy(aad, record, header_length);
  uint32_t low = 0;
  for (int i = 0; i < sn_bytes; i++) {
    aad[sn_offset + (size_t)i] ^= mask[i];
    low = (low << 8) | aad[sn_offset + (size_t)i];
  }
  *seq = record_reconstruct(low, sn_bytes * 8, expected);
  record_nonce(k->iv, *seq, nonce);
  return aead_open(&k->aead, nonce, aad, header_length, body, ciphertext_length - tag, out);
}

long record_content_length(const uint8_t *plaintext, size_t length) {
  size_t i = length;
  while (i > 0 && plaintext[i - 1] == 0) i--;
  return (long)i - 1;
}
