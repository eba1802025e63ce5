/*
 * X25519 shares made ahead (RFC 7748 section 5): a fresh share (x25519_create
 * with no private key, x25519_answer) is one made before it was asked for,
 * when one is ready, so a server's base-point multiplication is not on the
 * path of the ClientHello it answers. At most X25519_AHEAD_MAX shares are
 * held, process-wide (the addon's environments share them under a lock):
 * each a 32-byte private key and its public value, the held slot cleansed
 * when the share is taken (and every held one when an environment of the
 * addon is torn down: bind-keys.c), each share taken once. Only where the
 * shares use OpenSSL's X25519 functions directly (x25519_direct): a share in
 * an EVP_PKEY is not held ahead.
 */
#ifndef DTLS13_NATIVE_X25519_AHEAD_H
#define DTLS13_NATIVE_X25519_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "x25519.h"

/* The most shares ever held ahead (64 x 64 bytes). */
#define X25519_AHEAD_MAX 64

/*
 * Makes shares until `target` (at most X25519_AHEAD_MAX) are held, at most
 * `most` of them in this call; the number it made (0 when the direct
 * functions are not there, or the random generator refused).
 */
size_t x25519_ahead_fill(size_t target, size_t most);

/*
 * Takes one share held ahead: its private key into `private_key` (the
 * caller cleanses it after use) and its public value into `public_key`,
 * the slot cleansed. 1 when there was one, 0 when none is held.
 */
int x25519_ahead_take(uint8_t private_key[X25519_LENGTH], uint8_t public_key[X25519_LENGTH]);

/* How many shares are held ahead now. */
size_t x25519_ahead_count(void);

/* Cleanses and drops every share held ahead; the number dropped. */
size_t x25519_ahead_drain(void);

#endif
