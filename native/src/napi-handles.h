/*
 * Handles as N-API values: each environment's handle table (handle-table.h;
 * set up when the addon loads, its handles released when the environment
 * ends), a handle taken as an argument or handed back to JavaScript, and
 * the functions on handles of any kind: release, park and handleCount.
 */
#ifndef DTLS13_NATIVE_NAPI_HANDLES_H
#define DTLS13_NATIVE_NAPI_HANDLES_H

#include <node_api.h>

#include "handle-table.h"
#include "napi-call.h"

/* Argument i as a handle of `kind` in use in this environment; NULL (thrown) when it is not one. */
handle *call_handle(call *c, size_t i, int kind);

/* A zeroed handle of `kind` in this environment's table, its id in *id; NULL (thrown) when out of memory or slots. */
handle *call_new_handle(call *c, int kind, uint32_t *id);

/* Gives back the slot of a handle whose setup failed (it holds nothing). */
void call_drop_handle(call *c, uint32_t id);

/*
 * The id of a handle call_new_handle made, as the number JavaScript holds; NULL (thrown, the handle released) when
 * N-API failed.
 */
napi_value call_wrap_handle(call *c, uint32_t id);

/*
 * Gives the environment its handle table and adds to `exports`: release(h), park(h), handleCount(). 0 when it could
 * not (thrown when the table could not be set up).
 */
int handle_bindings_register(napi_env env, napi_value exports);

#endif
