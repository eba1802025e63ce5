import {
  encodeClientHello,
  encodeDtlsCiphertextHeader,
  encodeDtlsPlaintext,
  type ClientHello,
} from '../generated/wire/index.js';

/** Benchmark inputs: realistic DTLS 1.3 records and hellos. */

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** A unified header as a DTLS 1.3 stack sends it by default: 16-bit sequence number and length, no CID. */
export const ciphertextHeader = encodeDtlsCiphertextHeader(
  {
    sequenceNumber16bit: true,
    epochLowBits: 3,
    connectionId: undefined,
    sequenceNumber: 0x1234,
    length: 0x0200,
  },
  0,
);

/** A DTLSPlaintext header with an empty fragment (the 13 header bytes alone). */
export const plaintextHeader = encodeDtlsPlaintext({
  type: 'handshake',
  legacyRecordVersion: 'dtls1_2',
  epoch: 0,
  sequenceNumber: 5,
  fragment: new Uint8Array(0),
});

/** A DTLS 1.3 ClientHello as a typical client sends it: x25519 and P-256 shares, the usual extensions. */
export const clientHelloValue: ClientHello = {
  legacyVersion: 'dtls1_2',
  random: new Uint8Array(32).fill(7),
  legacySessionId: new Uint8Array(0),
  legacyCookie: new Uint8Array(0),
  cipherSuites: [
    'tls_aes_128_gcm_sha256',
    'tls_aes_256_gcm_sha384',
    'tls_chacha20_poly1305_sha256',
    'tls_aes_128_ccm_sha256',
  ],
  legacyCompressionMethods: Uint8Array.of(0),
  extensions: [
    {
      extensionType: 'server_name',
      extensionData: { serverNameList: [{ nameType: 'host_name', hostName: new TextEncoder().encode('example.com') }] },
    },
    { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
    { extensionType: 'supported_groups', extensionData: { namedGroupList: ['x25519', 'secp256r1', 'secp384r1'] } },
    {
      extensionType: 'signature_algorithms',
      extensionData: {
        supportedSignatureAlgorithms: [
          'ecdsa_secp256r1_sha256',
          'rsa_pss_rsae_sha256',
          'ed25519',
          'ecdsa_secp384r1_sha384',
          'rsa_pkcs1_sha256',
        ],
      },
    },
    {
      extensionType: 'key_share',
      extensionData: {
        clientShares: [
          { group: 'x25519', keyExchange: new Uint8Array(32).fill(1) },
          { group: 'secp256r1', keyExchange: new Uint8Array(65).fill(4) },
        ],
      },
    },
    { extensionType: 'psk_key_exchange_modes', extensionData: { keModes: ['psk_dhe_ke'] } },
    { extensionType: 'record_size_limit', extensionData: { recordSizeLimit: 16385 } },
    { extensionType: 'connection_id', extensionData: { cid: new Uint8Array(0) } },
  ],
};
export const clientHello = encodeClientHello(clientHelloValue);

/** RFC 8448 §3's ServerHello body (90-byte message without its 4-byte header). */
export const serverHello = hex(
  '0303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304',
);
