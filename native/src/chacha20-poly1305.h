/*
 * AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8) built from the ChaCha20 and
 * Poly1305 primitives of the OpenSSL inside node, called directly: the EVP
 * cipher it replaces costs about twice as much per record for the short
 * records of a datagram protocol (a provider dispatch and parameter lookups
 * per call, and a second vectorized ChaCha20 call for the one-time key).
 * Used only when node exports the primitives and they give RFC 8439's
 * published AEAD vector; otherwise the EVP cipher stays (cipher.c).
 */
#ifndef DTLS13_CHACHA20_POLY1305_H
#define DTLS13_CHACHA20_POLY1305_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_POLY1305_TAG 16

/* 1 when the direct primitives are in use (resolved once; DTLS13_NATIVE_CHACHA=evp keeps the EVP cipher). */
int chacha20_poly1305_direct(void);

/* Seals `length` bytes at `data` in place and writes the 16-byte tag after them. */
void chacha20_poly1305_seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, uint8_t *data,
                            size_t length);

/*
 * Checks the tag after `length` bytes of ciphertext at `in` and only then decrypts them into `out` (which may equal
 * `in`). 0 when authentic; -1 otherwise, with `out` zeroed.
 */
int chacha20_poly1305_open(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad, size_t aad_length, const uint8_t *in,
                           size_t length, uint8_t *out);

#endif
