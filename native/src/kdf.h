/*
 * HMAC (RFC 2104) and HKDF (RFC 5869) for the key schedule, one call each,
 * on the SHA-256/SHA-384 of the OpenSSL inside node. Nothing is allocated
 * and nothing can fail for a known hash id; key material on the stack is
 * cleansed before returning.
 */
#ifndef DTLS13_NATIVE_KDF_H
#define DTLS13_NATIVE_KDF_H

#include <stddef.h>
#include <stdint.h>

/* Hash ids, in the order of runtime/crypto/native/ids.ts. */
enum hash_id { HASH_SHA256 = 0, HASH_SHA384 = 1 };

#define MAX_HASH_LENGTH 48

/* The digest length of a hash id, or -1 for an unknown id. */
int hash_length(int hash);

/*
 * HMAC-Hash(key, data) into out[0, hash_length). An empty key is a valid
 * key (HMAC pads it with zeros, which is what HKDF-Extract's empty salt
 * means). 0 on success, -1 for an unknown hash id.
 */
int kdf_hmac(int hash, const uint8_t *key, size_t key_length, const uint8_t *data, size_t data_length, uint8_t *out);

/*
 * HKDF-Expand(PRK, info, L) (RFC 5869 section 2.3) into out[0, length);
 * length at most 255 * HashLen. 0 on success, -1 for an unknown hash id or
 * a longer length.
 */
int kdf_hkdf_expand(int hash, const uint8_t *prk, size_t prk_length, const uint8_t *info, size_t info_length, uint8_t *out, size_t length);

/*
 * P_hash(secret, seed) (RFC 5246 section 5), TLS 1.2's PRF with the label
 * already in the seed, into out[0, length): the HMAC key's two states made
 * once for every block. 0 on success, -1 for an unknown hash id.
 */
int kdf_p_hash(int hash, const uint8_t *secret, size_t secret_length, const uint8_t *seed, size_t seed_length, uint8_t *out, size_t length);

/*
 * HKDF-Expand-Label (RFC 8446 section 7.1) `count` times with one PRK: the
 * HkdfLabels one after another in labels[0, labels_length), each naming its
 * own output length, the outputs one after another from out; the PRK's
 * HMAC states are made once for all. The number of bytes written, or -1
 * (before anything is written) for an unknown hash id, a label that does
 * not parse or asks for more than 255 * HashLen, labels_length not exactly
 * the `count` labels, or outputs past out_size.
 */
int kdf_hkdf_expand_labels(int hash, const uint8_t *prk, size_t prk_length, const uint8_t *labels, size_t labels_length, size_t count, uint8_t *out,
                           size_t out_size);

/*
 * An incremental SHA-256/SHA-384 whose whole state is hash_state_size()
 * bytes of plain data the caller keeps (8-byte aligned), so forking a
 * running hash is a copy of those bytes. A state whose fields are not
 * consistent is refused (-1), never used. hash_state_digest leaves the
 * state running.
 */
size_t hash_state_size(void);
int hash_state_init(void *state, int hash);
int hash_state_update(void *state, const uint8_t *data, size_t length);
int hash_state_digest(const void *state, uint8_t *out);

#endif
