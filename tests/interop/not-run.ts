/**
 * Interop matrix combinations that are not run, by test name, with the
 * reason (what the peer lacks). A name listed here shows in the test
 * report as skipped, with its reason. The wolfSSL matrix runs every
 * combination.
 */
export const NOT_RUN: ReadonlyMap<string, string> = new Map<string, string>([
  // NSS 3.110 (tests/interop/nss.test.ts): what NSS or its tstclnt lacks.
  [
    'NSS client → dtls13 server: tls_aes_128_ccm_sha256',
    'NSS implements no AES-CCM suite for TLS/DTLS 1.3 (only AES-GCM and ChaCha20-Poly1305)',
  ],
  [
    'NSS client → dtls13 server: tls_aes_128_ccm_8_sha256',
    'NSS implements no AES-CCM suite for TLS/DTLS 1.3 (only AES-GCM and ChaCha20-Poly1305)',
  ],
  [
    'dtls13 client → NSS server: tls_aes_128_ccm_sha256',
    'NSS implements no AES-CCM suite for TLS/DTLS 1.3 (only AES-GCM and ChaCha20-Poly1305)',
  ],
  [
    'dtls13 client → NSS server: tls_aes_128_ccm_8_sha256',
    'NSS implements no AES-CCM suite for TLS/DTLS 1.3 (only AES-GCM and ChaCha20-Poly1305)',
  ],
  ['NSS client → dtls13 server: x448', 'NSS implements no X448 key exchange'],
  ['dtls13 client → NSS server: x448', 'NSS implements no X448 key exchange'],
  [
    'NSS client → dtls13 server: a relay that drops, duplicates and reorders',
    'tstclnt waits in PR_Poll without a timeout and never asks DTLS_GetHandshakeTimeout, and NSS runs its DTLS retransmission timers only inside its own calls: once blocked, tstclnt resends nothing (not even a lost second ClientHello) until a datagram arrives, so recovery rests on our timer alone (1, 2, 4, 8 s ...) and can outlast the test',
  ],
  [
    'dtls13 client → NSS server: a relay that drops, duplicates and reorders',
    'a first message that overtakes our Finished is discarded by NSS (no epoch-3 keys yet; RFC 9147 §5.8.1 allows it) and DTLS does not resend application data (that case is pinned instead); and tstclnt resends nothing by its timer (see the other direction)',
  ],
  [
    'dtls13 client → NSS server: mutual authentication',
    "tstclnt -P server has no option to ask for a client certificate (NSS's selfserv has one, but no DTLS)",
  ],
]);
