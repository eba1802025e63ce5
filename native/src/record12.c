#include "record12.h"

#include <string.h>

/* epoch (16 bits) + sequence number (48 bits), big-endian: the 64-bit seq_num of RFC 6347 section 4.1.2.1. */
static void put_seq_num(uint8_t *out, uint16_t epoch, uint64_t seq) {
  out[0] = (uint8_t)(epoch >> 8);
  out[1] = (uint8_t)epoch;
  for (int i = 0; i < 6; i++) out[2 + i] = (uint8_t)(seq >> (8 * (5 - i)));
}

size_t record12_header_length(const record12_key *k) { return RECORD12_HEADER + (size_t)k->cid_length; }

/* The additional data; returns its length. Room: 23 + 255 bytes. */
static size_t additional_data(const record12_key *k, uint64_t seq, int type, size_t plaintext_length, uint8_t *aad) {
  if (k->cid_length == 0) {
    put_seq_num(aad, k->epoch, seq);
    aad[8] = (uint8_t)type;
    aad[9] = RECORD12_VERSION >> 8;
    aad[10] = RECORD12_VERSION & 0xff;
    aad[11] = (uint8_t)(plaintext_length >> 8);
    aad[12] = (uint8_t)plaintext_length;
    return 13;
  }
  /* seq_num_placeholder, tls12_cid, cid_length, tls12_cid, version, epoch + sequence number, cid, length (RFC 9146 section 5.3). */
  memset(aad, 0xff, 8);
  aad[8] = RECORD12_TLS12_CID;
  aad[9] = (uint8_t)k->cid_length;
  aad[10] = RECORD12_TLS12_CID;
  aad[11] = RECORD12_VERSION >> 8;
  aad[12] = RECORD12_VERSION & 0xff;
  put_seq_num(aad + 13, k->epoch, seq);
  memcpy(aad + 21, k->cid, (size_t)k->cid_length);
  aad[21 + k->cid_length] = (uint8_t)(plaintext_length >> 8);
  aad[22 + k->cid_length] = (uint8_t)plaintext_length;
  return 23 + (size_t)k->cid_length;
}

static void nonce_for(const record12_key *k, uint64_t seq, const uint8_t *explicit_nonce, uint8_t nonce[NONCE_LENGTH]) {
  if (k->explicit_length > 0) {
    memcpy(nonce, k->iv, 4);
    memcpy(nonce + 4, explicit_nonce, RECORD12_EXPLICIT);
    return;
  }
  uint8_t seq_num[8];
  put_seq_num(seq_num, k->epoch, seq);
  memcpy(nonce, k->iv, NONCE_LENGTH);
  for (int i = 0; i < 8; i++) nonce[4 + i] ^= seq_num[i];
}

int record12_seal(record12_key *k, uint64_t seq, int type, uint8_t *record, size_t plaintext_length, int explicit_given) {
  uint8_t aad[23 + RECORD12_MAX_CID];
  uint8_t nonce[NONCE_LENGTH];
  size_t header = record12_header_length(k);
  size_t fragment_length = (size_t)k->explicit_length + plaintext_length + (size_t)k->aead.tag_length;
  if (fragment_length > 0xffff) return -1;
  record[0] = k->cid_length > 0 ? RECORD12_TLS12_CID : (uint8_t)type;
  record[1] = RECORD12_VERSION >> 8;
  record[2] = RECORD12_VERSION & 0xff;
  put_seq_num(record + 3, k->epoch, seq);
  memcpy(record + 11, k->cid, (size_t)k->cid_length);
  record[header - 2] = (uint8_t)(fragment_length >> 8);
  record[header - 1] = (uint8_t)fragment_length;
  uint8_t *explicit_nonce = record + header;
  if (k->explicit_length > 0 && !explicit_given) put_seq_num(explicit_nonce, k->epoch, seq);
  nonce_for(k, seq, explicit_nonce, nonce);
  size_t aad_length = additional_data(k, seq, type, plaintext_length, aad);
  return aead_seal(&k->aead, nonce, aad, aad_length, explicit_nonce + k->explicit_length, plaintext_length);
}

long record12_open(record12_key *k, uint64_t seq, int type, const uint8_t *fragment, size_t fragment_length, uint8_t *out) {
  uint8_t aad[23 + RECORD12_MAX_CID];
  uint8_t nonce[NONCE_LENGTH];
  size_t overhead = (size_t)k->explicit_length + (size_t)k->aead.tag_length;
  if (fragment_length < overhead) return -1;
  size_t plaintext_length = fragment_length - overhead;
  nonce_for(k, seq, fragment, nonce);
  size_t aad_length = additional_data(k, seq, type, plaintext_length, aad);
  if (aead_open(&k->aead, nonce, aad, aad_length, fragment + k->explicit_length, plaintext_length, out) != 0) return -1;
  return (long)plaintext_length;
}
