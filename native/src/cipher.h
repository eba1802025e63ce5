/*
 * The record fast path's cipher state: one OpenSSL cipher context per key
 * and direction, keyed once, re-armed per record with only its nonce.
 * OpenSSL is the copy inside the Node binary (headers from Node's include
 * directory, symbols resolved against the running node at load time).
 */
#ifndef DTLS13_NATIVE_CIPHER_H
#define DTLS13_NATIVE_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "aes-gcm.h"

/* AEAD algorithm ids, in the order of runtime/crypto/native/binding.ts. */
enum aead_id { AEAD_AES_128_GCM = 0, AEAD_AES_256_GCM = 1, AEAD_CHACHA20_POLY1305 = 2, AEAD_AES_128_CCM = 3, AEAD_AES_128_CCM_8 = 4 };
/* Record number mask ids (RFC 9147 section 4.2.3). */
enum mask_id { MASK_AES_128 = 0, MASK_AES_256 = 1, MASK_CHACHA20 = 2 };

#define NONCE_LENGTH 12
#define MASK_SAMPLE 16

typedef struct {
  int alg;
  int tag_length;
  int ccm;
  int released;
  /* ChaCha20-Poly1305 sealed and opened by chacha20-poly1305.c, without contexts (when node's primitives passed its check). */
  int direct;
  /* One context per direction, each made on its first use (a key usually only seals or only opens); the key is kept for that, cleansed by aead_free. */
  EVP_CIPHER_CTX *seal;
  EVP_CIPHER_CTX *open;
  /* AES-GCM sealed and opened by aes-gcm.c in both directions, made on first use, when node's routines passed its checks. */
  aes_gcm_key *gcm;
  uint8_t key[32];
} aead_key;

typedef struct {
  int alg;
  int released;
  /* Made on first use from the key kept here (and again after mask_park), cleansed by mask_free. */
  EVP_CIPHER_CTX *ctx;
  /* AES: the schedule aes-gcm.c encrypts one block with, in place of the context, when its routines are in use. */
  aes_gcm_key *aes;
  uint8_t key[32];
} mask_key;

/* Key length the algorithm takes, or -1 for an unknown id. */
int aead_key_length(int alg);
int mask_key_length(int alg);

/* 0 on success; on failure *error names what went wrong. */
int aead_init(aead_key *k, int alg, const uint8_t *key, size_t key_length, const char **error);
void aead_free(aead_key *k);
/*
 * Frees the key's OpenSSL contexts (about 1.2 KB each) but keeps the key:
 * the next seal or open makes its context again. For a session that has
 * gone quiet: an idle session then holds its keys, not their schedules.
 */
void aead_park(aead_key *k);

/*
 * Seals `length` bytes at `data` in place and writes the tag right after
 * them. 0 on success, -1 when OpenSSL refused (not expected for valid input).
 */
int aead_seal(aead_key *k, const uint8_t nonce[NONCE_LENGTH], const uint8_t *aad, size_t aad_length, uint8_t *data, size_t length);

/*
 * Opens `length` bytes of ciphertext followed by the tag at `in` into `out`
 * (which may equal `in`). 0 when authentic, -1 otherwise; on -1 `out` holds
 * no plaintext worth reading (it is zeroed).
 */
int aead_open(aead_key *k, const uint8_t nonce[NONCE_LENGTH], const uint8_t *aad, size_t aad_length, const uint8_t *in, size_t length, uint8_t *out);

int mask_init(mask_key *k, int alg, const uint8_t *key, size_t key_length, const char **error);
void mask_free(mask_key *k);
/* As aead_park: frees the context, keeps the key. */
void mask_park(mask_key *k);
/* The 16-byte mask from the first 16 bytes of a ciphertext. 0 on success. */
int mask_compute(mask_key *k, const uint8_t sample[MASK_SAMPLE], uint8_t out[MASK_SAMPLE]);

#endif
