/**
 * The runtime as the network commands (client, server, demo) and the option
 * modules they share see it: every value they take from runtime/ comes
 * through this module. From the sources it re-exports runtime/'s modules;
 * in the build (scripts/bundle-entry.ts) the library's bundle holds this
 * module too, and dist/cli/runtime.js is rewritten to take these names from
 * that bundle, with its V8 code cache: a one-shot `dtls13 client` then
 * compiles one cached file, the one `import 'dtls13'` runs, instead of about
 * 200 of tsc's modules without a cache. The simulator, the dissector and
 * the worker threads' machinery keep tsc's modules (they share objects with
 * the hardware model and the dissector, which use those).
 */
export { ConfigError } from '../runtime/config-error.js';
export { resolveConfig } from '../runtime/shared/config.js';
export { recordSizeLimitOption } from '../runtime/shared/record-size-limit.js';
export { srtpOption } from '../runtime/shared/srtp.js';
export { NATIVE_DISABLED_BY_ENV, nativeUnavailableReason } from '../runtime/crypto/native/binding.js';
export { ALL_CIPHER_SUITES } from '../runtime/crypto/suites.js';
export { isDtls12, protocolOf } from '../runtime/dtls12/negotiated.js';
export { OPENSSL_NAMES_12, opensslName12, suite12ByName } from '../runtime/dtls12/openssl-names.js';
export { connect } from '../runtime/api/connect.js';
export { listen } from '../runtime/api/listener.js';
export { listenWorkers } from '../runtime/api/workers/worker-listener.js';
export { certificateFingerprint, fingerprintOption } from '../runtime/pki/fingerprint.js';
export { readCertificates } from '../runtime/pki/certificate-input.js';
export { peerEntry } from '../runtime/pki/raw-public-key.js';
export { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
export { alpnNames } from '../runtime/session/alpn.js';
export { RedisAntiReplay } from '../runtime/session/redis-anti-replay.js';
