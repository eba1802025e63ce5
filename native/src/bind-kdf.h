/*
 * The N-API functions of the key schedule's primitives (kdf.h): HMAC, HKDF
 * and TLS 1.2's P_hash inside one scratch buffer the caller keeps, running
 * SHA-256/SHA-384 states (a transcript's hash), and random bytes from
 * OpenSSL's generator.
 */
#ifndef DTLS13_NATIVE_BIND_KDF_H
#define DTLS13_NATIVE_BIND_KDF_H

#include <node_api.h>

/*
 * Adds to `exports`: hmacIn, hkdfExpandIn, hkdfExpandLabelsIn, pHashIn, hashInit, hashUpdate, hashDigest, hashAbsorb,
 * randomFill, and hashStateLength (the bytes a hash state takes). 0 when N-API failed.
 */
int kdf_bindings_register(napi_env env, napi_value exports);

#endif
