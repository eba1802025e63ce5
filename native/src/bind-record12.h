/*
 * The N-API functions of DTLS 1.2 record protection (record12*: record12.h):
 * a key for one epoch and direction, sealing records one at a time or a
 * batch, opening one or a run of datagrams in one call.
 */
#ifndef DTLS13_NATIVE_BIND_RECORD12_H
#define DTLS13_NATIVE_BIND_RECORD12_H

#include <node_api.h>

/*
 * Adds to `exports`: record12Create, record12Seal, record12SealBatch, record12Open, record12OpenRun. 0 when N-API
 * failed.
 */
int record12_bindings_register(napi_env env, napi_value exports);

/* Adds record12OpenOwned, whose plaintext has an ArrayBuffer of its own (owned-bytes.h). 0 when N-API failed. */
int record12_owned_register(napi_env env, napi_value exports);

#endif
