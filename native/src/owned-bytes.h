/*
 * Arrays of their own, cheaply: each record is opened into a Uint8Array whose
 * ArrayBuffer holds that record and nothing else (docs/security/buffers.md),
 * but its memory comes from a per-thread pool instead of the C library's
 * malloc (owned-bytes.cc says why).
 */
#ifndef DTLS13_OWNED_BYTES_H
#define DTLS13_OWNED_BYTES_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest array the pool serves; longer ones come from malloc directly. */
#define OWNED_POOLED_MAX 32768

/*
 * The most idle memory one thread's pool keeps. A young-generation collection
 * frees every record it finds dead at once: at 5 Gbit/s of 1,200-byte
 * records about 11,000 of them, 22 MiB (bench -- network).
 */
#define OWNED_IDLE_MAX ((uint64_t)64 << 20)

/*
 * Memory for an array of `length` bytes, from this thread's pool (or malloc
 * past OWNED_POOLED_MAX); NULL when memory ran out. It is not zeroed: it may
 * hold an earlier record's bytes, so it goes to owned_wrap only once all
 * `length` bytes are written, and back through owned_give_back otherwise.
 */
uint8_t *owned_take(size_t length);

/* Memory from owned_take that was never wrapped, back to the pool. */
void owned_give_back(uint8_t *data, size_t length);

/*
 * A Uint8Array over an ArrayBuffer that holds exactly data[0..length) and owns
 * it: the memory goes back to its pool when V8 frees the ArrayBuffer, on
 * whichever thread does (a transferred buffer may die on another thread).
 */
napi_value owned_wrap(napi_env env, uint8_t *data, size_t length);

/*
 * ownedPoolStats(), ownedPoolTrim() and the thread's pool clean-up, registered
 * by the addon's init: 1 when the pool can be used (the running Node is the
 * major version the addon was built for), 0 when not (nothing registered).
 */
int owned_bytes_register(napi_env env, napi_value exports);

#ifdef __cplusplus
}
#endif

#endif
