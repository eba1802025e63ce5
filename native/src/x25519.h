/*
 * X25519 key shares (RFC 7748 section 5, RFC 8446 section 7.4.2) from raw
 * bytes on the OpenSSL inside node. Where node exports OpenSSL's own X25519
 * functions (its bundled OpenSSL 3 does; a shared libcrypto does not), a
 * share is its 32-byte private key, cleansed when freed, and each operation
 * one call to them: no EVP_PKEY built from raw bytes, no context, no
 * provider lookup, which cost a handshake about as much as the base-point
 * multiplication itself. Elsewhere the private key stays in an EVP_PKEY.
 * The public value and the shared secret are the raw 32-byte strings TLS
 * carries either way.
 */
#ifndef DTLS13_NATIVE_X25519_H
#define DTLS13_NATIVE_X25519_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#define X25519_LENGTH 32

/* One share: `raw` when the direct functions are there, else `pkey`. */
typedef struct {
  EVP_PKEY *pkey;
  uint8_t raw[X25519_LENGTH];
} x25519_key;

/*
 * A share from a 32-byte private key, or a fresh one when `private_key` is
 * NULL: one made ahead when one is held (x25519-ahead.h), else one from
 * OpenSSL's private random generator; its public value goes to
 * `public_key`. 0 on success; -1 when OpenSSL refused (the error queue is
 * cleared, nothing is held).
 */
int x25519_create(x25519_key *key, const uint8_t *private_key, uint8_t public_key[X25519_LENGTH]);

/* A new share from OpenSSL's private random generator, never one made ahead; as x25519_create otherwise. */
int x25519_create_fresh(x25519_key *key, uint8_t public_key[X25519_LENGTH]);

/*
 * The shared secret with the peer's 32-byte public value. 0 on success; -1
 * when OpenSSL refuses (its all-zero result for a low-order point), with
 * `secret` zeroed and the error queue cleared.
 */
int x25519_derive(const x25519_key *key, const uint8_t peer[X25519_LENGTH], uint8_t secret[X25519_LENGTH]);

/*
 * A share used once, one made ahead when one is held (x25519-ahead.h),
 * else a fresh one: its public value into `public_key` and its
 * shared secret with `peer` into `secret`, the private key cleansed before
 * returning (a server's answer to a ClientHello's share, RFC 8446 section
 * 4.2.8). 0 on success; -1 as x25519_create or x25519_derive refuse.
 */
int x25519_answer(const uint8_t peer[X25519_LENGTH], uint8_t public_key[X25519_LENGTH], uint8_t secret[X25519_LENGTH]);

/* Cleanses and frees what `key` holds. */
void x25519_free(x25519_key *key);

/* 1 when shares use OpenSSL's X25519 functions directly, 0 when they go through EVP_PKEY. */
int x25519_direct(void);

#endif
