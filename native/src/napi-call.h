/*
 * What every N-API function of the addon does with its arguments: reads them
 * into a `call`, takes each as the type it must be (a Uint8Array, a
 * non-negative int32, a sequence number), and throws one RangeError (code
 * ERR_DTLS13_NATIVE, "dtls13 native <function>: <what was wrong>") for the
 * first that is not. Every offset and length is checked here against its
 * buffer, whatever the TypeScript side already checked.
 */
#ifndef DTLS13_NATIVE_NAPI_CALL_H
#define DTLS13_NATIVE_NAPI_CALL_H

#include <math.h>
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#define CALL_MAX_ARGS 10

/* One call from JavaScript: its arguments, the function's name for messages, and whether it has thrown. */
typedef struct {
  napi_env env;
  napi_value argv[CALL_MAX_ARGS];
  size_t argc;
  const char *fn;
  int failed;
} call;

/* Throws the call's RangeError saying `what` (once: a call that has failed throws nothing more). */
void call_fail(call *c, const char *what);

/* Reads the arguments of function `fn`; 0 (thrown) when N-API could not or there are fewer than `need`. */
int call_begin(call *c, napi_env env, napi_callback_info info, const char *fn, size_t need);

/* Argument i as a Uint8Array's bytes, its length in *length (an empty one gives a valid pointer); NULL when not one. */
uint8_t *call_bytes(call *c, size_t i, size_t *length);

/* Argument i as a non-negative int32; -1 (thrown) when it is not one. */
int32_t call_int(call *c, size_t i);

/* Whether `v` is an integer in [0, 2^53]: a sequence number, or any count or offset a Float64Array carries. */
static inline int is_seq_number(double v) { return v >= 0 && v <= 9007199254740992.0 && floor(v) == v; }

/* Argument i as a sequence number or expected value: an integer in [0, 2^53]; 0 (thrown) when it is not one. */
uint64_t call_seq(call *c, size_t i);

/* [offset, offset + length) lies within a buffer of `size` bytes. */
int span_within(size_t size, int64_t offset, int64_t length);

/* A function the addon exports, by its JavaScript name. */
typedef struct {
  const char *name;
  napi_callback fn;
} call_export;

/* Sets each of `functions` on `exports` (writable, enumerable, as assignment would); 0 when N-API failed. */
int call_export_all(napi_env env, napi_value exports, const call_export *functions, size_t count);

#endif
