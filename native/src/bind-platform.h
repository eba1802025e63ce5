/*
 * The N-API functions that report on the machine and the process rather than
 * protect anything: which implementation each primitive runs on (OpenSSL's
 * routines called directly, or through EVP), the OpenSSL inside node, the
 * calling thread's CPU clock (clock.h), and giving the C heap's free pages
 * back to the system.
 */
#ifndef DTLS13_NATIVE_BIND_PLATFORM_H
#define DTLS13_NATIVE_BIND_PLATFORM_H

#include <node_api.h>

/*
 * Adds to `exports`: x25519Direct, chachaBlockOpenssl, aesDirect, chachaDirect, threadCpuTime, mallocTrim, and
 * openssl (the version string of the OpenSSL the addon runs on). 0 when N-API failed.
 */
int platform_bindings_register(napi_env env, napi_value exports);

#endif
