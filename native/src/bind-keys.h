/*
 * The N-API functions of key exchange and signing: X25519 shares, kept as
 * handles (x25519*: x25519.h), and ECDSA private keys, kept as tagged
 * externals freed when collected (ecdsa*: ecdsa.h, external-tag.h).
 */
#ifndef DTLS13_NATIVE_BIND_KEYS_H
#define DTLS13_NATIVE_BIND_KEYS_H

#include <node_api.h>

/* Adds to `exports`: x25519Create, x25519Derive, x25519Answer, ecdsaCreate, ecdsaSign. 0 when N-API failed. */
int key_bindings_register(napi_env env, napi_value exports);

#endif
