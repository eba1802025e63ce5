/*
 * One epoch's record protection in one call per record (RFC 9147 section 4):
 * the AEAD with its per-record nonce (RFC 8446 section 5.3) and the record
 * number mask (RFC 9147 section 4.2.3), plus sequence number reconstruction
 * on the receiving side (section 4.2.2).
 */
#ifndef DTLS13_NATIVE_RECORD_H
#define DTLS13_NATIVE_RECORD_H

#include "cipher.h"

typedef struct {
  aead_key aead;
  mask_key mask;
  uint8_t iv[NONCE_LENGTH];
} record_key;

/* nonce = iv XOR the 64-bit big-endian sequence number, left-padded. */
void record_nonce(const uint8_t iv[NONCE_LENGTH], uint64_t seq, uint8_t nonce[NONCE_LENGTH]);

/* The sequence number with low `bits` bits `low` closest to `expected` (never negative). */
uint64_t record_reconstruct(uint32_t low, int bits, uint64_t expected);

/*
 * Seals a record laid out in `record`: header_length bytes of header (the
 * record number in clear at sn_offset, sn_bytes of it), then
 * plaintext_length bytes of DTLSInnerPlaintext; the ciphertext replaces the
 * plaintext, the tag follows it, then the record number bits are masked.
 * 0 on success.
 */
int record_seal(record_key *k, uint64_t seq, uint8_t *record, size_t header_length, size_t plaintext_length, size_t sn_offset, int sn_bytes);

/*
 * Opens a record read from a datagram (left untouched): unmasks the
 * sn_bytes record number bytes at sn_offset in a copy of the header,
 * reconstructs the sequence number against `expected`, and decrypts
 * the ciphertext (tag included in ciphertext_length) into `out`. Returns
 * 0 and the sequence number in *seq when authentic, -1 otherwise.
 */
int record_open(record_key *k, const uint8_t *record, size_t header_length, size_t ciphertext_length, size_t sn_offset, int sn_bytes, uint64_t expected,
                uint8_t *out, uint64_t *seq);

/*
 * Where a DTLSInnerPlaintext's content type is (RFC 9147 section 4: the last
 * non-zero byte, zero padding after it), which is also the content's length;
 * -1 when all `length` bytes are zero.
 */
long record_content_length(const uint8_t *plaintext, size_t length);

#endif
