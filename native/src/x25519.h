/*
 * X25519 key shares (RFC 7748 section 5, RFC 8446 section 7.4.2) from raw
 * bytes on the OpenSSL inside node: the private key stays in an EVP_PKEY
 * (cleansed when freed), the public value and the shared secret are the
 * raw 32-byte strings TLS carries.
 */
#ifndef DTLS13_NATIVE_X25519_H
#define DTLS13_NATIVE_X25519_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#define X25519_LENGTH 32

/*
 * A share from a 32-byte private key, or a fresh one from OpenSSL's private
 * random generator when `private_key` is NULL; its public value goes to
 * `public_key`. NULL when OpenSSL refused (the error queue is cleared).
 */
EVP_PKEY *x25519_create(const uint8_t *private_key, uint8_t public_key[X25519_LENGTH]);

/*
 * The shared secret with the peer's 32-byte public value. 0 on success; -1
 * when OpenSSL refuses (its all-zero result for a low-order point), with
 * `secret` zeroed and the error queue cleared.
 */
int x25519_derive(EVP_PKEY *key, const uint8_t peer[X25519_LENGTH], uint8_t secret[X25519_LENGTH]);

#endif
