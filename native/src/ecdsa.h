/*
 * ECDSA signing with a private key the addon holds (parsed once from its
 * PKCS #8 DER): one EVP_PKEY_CTX made and initialised for signing when the
 * key is made, then one EVP_PKEY_sign over a digest per signature. Node's
 * crypto.sign() builds a digest context, fetches the hash and the signature
 * algorithm from OpenSSL's providers and duplicates the key's context on
 * every call, which cost a server's handshake about a third of the ECDSA
 * arithmetic again. The signature is the DER ECDSA-Sig-Value TLS carries,
 * with a fresh nonce from OpenSSL's generator each time, as node's.
 */
#ifndef DTLS13_NATIVE_ECDSA_H
#define DTLS13_NATIVE_ECDSA_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

/* The longest DER ECDSA signature (P-521): SEQUENCE of two 66-byte INTEGERs with their headers. */
#define ECDSA_MAX_SIGNATURE 141

typedef struct {
  EVP_PKEY *pkey;
  EVP_PKEY_CTX *ctx;
} ecdsa_key;

/* An EC private key from PKCS #8 DER, ready to sign. 0 on success; -1 when it is not one (nothing held, errors cleared). */
int ecdsa_create(ecdsa_key *key, const uint8_t *der, size_t length);

/* The DER signature of `digest` into `out` (room for `out_size` bytes): its length, or -1 (errors cleared). */
int ecdsa_sign_digest(ecdsa_key *key, const uint8_t *digest, size_t digest_length, uint8_t *out, size_t out_size);

/* Frees what `key` holds (OpenSSL cleanses the private key as it frees it). */
void ecdsa_free(ecdsa_key *key);

#endif
