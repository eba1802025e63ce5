/*
 * AES-GCM (NIST SP 800-38D, 96-bit nonces, 16-byte tags) built from the AES-NI and GHASH assembly of the OpenSSL
 * inside node, called directly: the EVP cipher it replaces spends, per record, about half as long again as its AES and
 * GHASH work in the provider's dispatch (an IV set through EVP_CipherInit_ex, tag get and set through parameter
 * lookups by name). The bulk goes through the same stitched AES-CTR+GHASH routine the provider uses, so nothing of the
 * cipher's own speed is lost. Used only on x86-64 with AES-NI, PCLMULQDQ, AVX and MOVBE, when node exports the
 * routines and they give the published vectors and agree with the EVP cipher at load; otherwise the EVP cipher stays
 * (cipher.c). DTLS13_NATIVE_AES=evp keeps it too.
 */
#ifndef DTLS13_AES_GCM_H
#define DTLS13_AES_GCM_H

#include <stddef.h>
#include <stdint.h>

#define AES_GCM_TAG 16

/* A key's schedule and GHASH table (about 800 bytes), made by aes_gcm_new, freed (cleansed) by aes_gcm_free. */
typedef struct aes_gcm_key aes_gcm_key;

/* 1 when the direct routines are in use (resolved once). */
int aes_gcm_direct(void);

/* A keyed state for a 16- or 32-byte key, or NULL (no memory, or the direct routines are not in use). */
aes_gcm_key *aes_gcm_new(const uint8_t *key, size_t key_length);
void aes_gcm_free(aes_gcm_key *k);

/* Seals `length` bytes at `data` in place and writes the 16-byte tag after them. */
void aes_gcm_seal(aes_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, uint8_t *data, size_t length);

/*
 * Opens `length` bytes of ciphertext at `in` (the tag after them) into `out` (which may equal `in`). 0 when
 * authentic; -1 otherwise, with `out` zeroed.
 */
int aes_gcm_open(aes_gcm_key *k, const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, const uint8_t *in, size_t length,
                 uint8_t *out);

/* One AES block under the key (the record number mask of RFC 9147 §4.2.3 takes one per record). */
void aes_gcm_block(const aes_gcm_key *k, const uint8_t in[16], uint8_t out[16]);

#endif
