/*
 * The addon's handles (a key's OpenSSL state) in a table of slots: JavaScript
 * holds a handle as a number (the slot's index and a generation), not as an
 * N-API external. Slots come in chunks large enough that the C library maps
 * each apart from its heap, so what an idle session holds is packed there
 * instead of pinning pages of the heap between a handshake's temporary
 * allocations (an external costs three small allocations of its own).
 * One table per N-API environment: worker threads never share handles.
 */
#ifndef DTLS13_NATIVE_HANDLE_TABLE_H
#define DTLS13_NATIVE_HANDLE_TABLE_H

#include <stdint.h>
#include <openssl/evp.h>

#include "cipher.h"
#include "record.h"
#include "record12.h"
#include "x25519.h"

enum handle_kind { KIND_AEAD = 0x61656164, KIND_MASK = 0x6d61736b, KIND_RECORD = 0x7265636f, KIND_RECORD12 = 0x72313231, KIND_X25519 = 0x78323535 };

typedef struct {
  int kind;
  int released;
  union {
    aead_key aead;
    mask_key mask;
    record_key record;
    record12_key record12;
    x25519_key x25519;
  } u;
} handle;

typedef struct handle_table handle_table;

/* An empty table, or NULL when out of memory. */
handle_table *handle_table_new(void);
/* Frees the table, first calling `release` on every handle still in use. */
void handle_table_free(handle_table *t, void (*release)(handle *));

/* A zeroed handle of `kind` and its id, or NULL when out of memory or slots (2^24 in use). */
handle *handle_table_add(handle_table *t, int kind, uint32_t *id);
/* The handle `id` names, or NULL when it names none in use (never issued, freed, or an older generation of its slot). */
handle *handle_table_get(handle_table *t, uint32_t id);
/* Gives the slot of `id` back (the caller has released what the handle held); false when `id` names none in use. */
int handle_table_remove(handle_table *t, uint32_t id);
/* Handles in use. */
uint32_t handle_table_count(const handle_table *t);

#endif
