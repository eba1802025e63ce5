/*
 * DTLS 1.2 record protection in one call per record (RFC 6347 section
 * 4.1.2.1 with RFC 5246 section 6.2.3.3): the 13-byte additional data
 * (epoch + sequence number, type, version, plaintext length) or the RFC
 * 9146 section 5.3 one of a tls12_cid record, and the per-record nonce:
 * the 4-byte salt + the 8-byte explicit nonce carried in the record (GCM,
 * CCM: RFC 5288 section 3, RFC 6655 section 3) or the 12-byte write IV
 * XOR epoch + sequence number (ChaCha20-Poly1305: RFC 7905 section 2).
 */
#ifndef DTLS13_NATIVE_RECORD12_H
#define DTLS13_NATIVE_RECORD12_H

#include "cipher.h"

#define RECORD12_HEADER 13
#define RECORD12_MAX_CID 255
#define RECORD12_EXPLICIT 8
#define RECORD12_VERSION 0xfefd
#define RECORD12_TLS12_CID 25

typedef struct {
  aead_key aead;
  /* The salt (4 bytes, explicit nonces) or the whole write IV (12 bytes, XOR). */
  uint8_t iv[NONCE_LENGTH];
  /* 8 when the record carries an explicit nonce, else 0. */
  int explicit_length;
  uint16_t epoch;
  /* The CID of tls12_cid records in this direction; 0: plain records. */
  int cid_length;
  uint8_t cid[RECORD12_MAX_CID];
} record12_key;

/* The header length of this direction's records: 13, plus the CID. */
size_t record12_header_length(const record12_key *k);

/*
 * Seals one record laid out at `record`: the header (written here), the
 * explicit nonce (written here as epoch + sequence number unless
 * `explicit_given`, when the caller's 8 bytes are used), plaintext_length
 * bytes of plaintext (for a tls12_cid record the whole DTLSInnerPlaintext:
 * content, real type, zeros), then room for the tag. `type` is the record's
 * content type (ignored for tls12_cid records, which carry 25). 0 on success.
 */
int record12_seal(record12_key *k, uint64_t seq, int type, uint8_t *record, size_t plaintext_length, int explicit_given);

/*
 * Opens one record's fragment (explicit nonce, ciphertext, tag) of
 * fragment_length bytes into `out`: `type` and `seq` are the header's (the
 * caller decoded it and checked epoch, version and CID). Returns the
 * plaintext length (the DTLSInnerPlaintext for a tls12_cid record), or -1
 * when it is too short or does not authenticate.
 */
long record12_open(record12_key *k, uint64_t seq, int type, const uint8_t *fragment, size_t fragment_length, uint8_t *out);

#endif
