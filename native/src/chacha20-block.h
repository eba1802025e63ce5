/*
 * The ChaCha20 block function (RFC 8439 §2.3), for the record number mask
 * of the ChaCha20-Poly1305 suites (RFC 9147 §4.2.3) and the AEAD's one-time
 * Poly1305 key (RFC 8439 §2.6): one block, without an OpenSSL cipher
 * context's setup per record.
 */
#ifndef DTLS13_CHACHA20_BLOCK_H
#define DTLS13_CHACHA20_BLOCK_H

#include <stdint.h>

/*
 * The first 16 bytes of the keystream block of `key` (32 bytes) at the
 * block counter and nonce that `counter_nonce` holds (16 bytes: the 32-bit
 * counter, little-endian, then the 96-bit nonce), as OpenSSL's ChaCha20 takes
 * its 16-byte IV. The mask is these bytes, the cipher's output over zeros.
 */
void chacha20_block16(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[16]);

/* The first 32 bytes of the same block: at block counter 0, the Poly1305 key of RFC 8439 §2.6. */
void chacha20_block32(const uint8_t key[32], const uint8_t counter_nonce[16], uint8_t out[32]);

/*
 * Whether the two above run on OpenSSL's ChaCha20 (node's, found with dlsym,
 * and only if it gives RFC 8439 §2.3.2's block) rather than this file's
 * portable block function; DTLS13_NATIVE_CHACHA=evp keeps the portable one.
 */
int chacha20_block_openssl(void);

#endif
