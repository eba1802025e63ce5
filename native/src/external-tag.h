#ifndef DTLS13_NATIVE_EXTERNAL_TAG_H
#define DTLS13_NATIVE_EXTERNAL_TAG_H

#include <node_api.h>

/*
 * Every external the addon hands to JavaScript carries a type tag (N-API 8) naming what its pointer points to, and
 * every function that takes one checks the tag before it casts: an external of another kind (or another addon's) is
 * a TypeError, never memory read as the wrong struct.
 */

/* An ECDSA key (ecdsaCreate, ecdsa.h). */
extern const napi_type_tag EXTERNAL_ECDSA_KEY;
/* A socket watcher (udpReceiveStart, udp-receive.h). */
extern const napi_type_tag EXTERNAL_UDP_RECEIVER;

/*
 * An external of `data` tagged `tag`, with `finalize` called when it is collected; NULL when N-API failed to make it
 * (then `data` is still the caller's to free) or to tag it (then the untagged external owns `data`: `finalize` frees
 * it when collected, and no function takes it).
 */
napi_value tagged_external(napi_env env, void *data, napi_finalize finalize, const napi_type_tag *tag, int *owned);

/* The pointer `value` holds when it is an external tagged `tag`; NULL when it is anything else. */
void *tagged_external_data(napi_env env, napi_value value, const napi_type_tag *tag);

/* Throws a TypeError (code ERR_DTLS13_NATIVE) saying `fn`'s argument must be `what`. */
void throw_wrong_external(napi_env env, const char *fn, const char *what);

#endif
