/*
 * The N-API functions of DTLS 1.3 record protection: AEAD and record number
 * mask keys on their own (aead*, mask*: cipher.h) and a record key that
 * holds both with its IV (record*: record.h), sealing and opening records
 * one at a time, a batch or a run of datagrams in one call.
 */
#ifndef DTLS13_NATIVE_BIND_RECORD_H
#define DTLS13_NATIVE_BIND_RECORD_H

#include <node_api.h>

#include "napi-call.h"

/* Numbers per record in a batch's layout (recordSealBatch, record12SealBatch). */
#define RECORD_BATCH_STRIDE 6

/*
 * Numbers per record in a run's results (recordOpenRun, record12OpenRun): the datagram's index in the pairs, where the
 * plaintext starts in `out`, its length, the sequence number (-1 minus it: not authentic, the plaintext zeroed), the
 * content's length and the content type (DTLS 1.3: the DTLSInnerPlaintext's last non-zero byte and where it is, -1
 * and 0 when there is none; DTLS 1.2: the plaintext's length and the header's type).
 */
#define RUN_RESULT_STRIDE 6

/*
 * Argument i as a batch's layout (recordSealBatch's): a Float64Array holding at least `count` records of
 * RECORD_BATCH_STRIDE numbers; NULL, with the call failed, when it is not one.
 */
const double *record_batch_layout(call *c, size_t i, int32_t count);

/*
 * The run calls' Float64Arrays: `pairs` (argument `pairs_at`, two numbers for each of `count` datagrams) and `results`
 * (argument `results_at`); false, with the call failed, when either is not a Float64Array or the pairs are too few.
 */
int record_run_arrays(call *c, size_t pairs_at, size_t results_at, int32_t count, void **pairs, void **results,
                      size_t *results_length);

/*
 * Adds to `exports`: aeadCreate, aeadSeal, aeadOpen, maskCreate, maskCompute, recordCreate, recordSeal,
 * recordSealBatch, recordOpen, recordOpenRun. 0 when N-API failed.
 */
int record_bindings_register(napi_env env, napi_value exports);

/* Adds recordOpenOwned, whose plaintext has an ArrayBuffer of its own (owned-bytes.h). 0 when N-API failed. */
int record_owned_register(napi_env env, napi_value exports);

#endif
