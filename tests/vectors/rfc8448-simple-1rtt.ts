/**
 * Test vectors: RFC 8448 §3 Simple 1-RTT Handshake.
 *
 * Source: RFC 8448 "Example Handshake Traces for TLS 1.3", Section 3
 * ("Simple 1-RTT Handshake"). The hex values below are copied from the RFC
 * text (the "{client}/{server}  construct a ... handshake message" blocks),
 * concatenated across the RFC's line breaks. Each is a complete TLS 1.3
 * handshake message including its 4-byte header (msg_type, uint24 length).
 * The "facts" objects were read off those bytes for decode-time assertions.
 *
 * These are TLS 1.3 (RFC 8446) messages, not DTLS 1.3 ones: they carry the
 * 4-byte TLS handshake header, not the 12-byte DTLS header.
 */

export interface Rfc8448Vector<F> {
  readonly name: string;
  readonly section: string;
  readonly hex: string;
  readonly facts: F;
}

/** One extension as it appears on the wire: type and body (without the type/length prefix). */
export interface ExtensionFact {
  readonly type: number;
  readonly body: string;
}

export interface ClientHelloFacts {
  readonly cipherSuites: readonly number[];
  readonly extensionTypes: readonly number[];
}

export interface ServerHelloFacts {
  readonly legacyVersion: number;
  readonly random: string;
  readonly legacySessionIdEcho: string;
  readonly cipherSuite: number;
  readonly legacyCompressionMethod: number;
  readonly extensionTypes: readonly number[];
  readonly keyShareGroup: number;
  readonly keyShareKeyExchange: string;
  readonly supportedVersion: number;
}

export interface EncryptedExtensionsFacts {
  readonly extensionTypes: readonly number[];
  readonly extensions: readonly ExtensionFact[];
}

export interface CertificateEntryFacts {
  readonly certDataLength: number;
  /** First 16 bytes of cert_data. */
  readonly certDataPrefix: string;
  readonly extensionsLength: number;
}

export interface CertificateFacts {
  readonly certificateRequestContext: string;
  readonly entries: readonly CertificateEntryFacts[];
}

export interface CertificateVerifyFacts {
  readonly algorithm: number;
  readonly signatureLength: number;
  readonly signature: string;
}

export interface FinishedFacts {
  readonly verifyData: string;
}

export interface NewSessionTicketFacts {
  readonly ticketLifetime: number;
  readonly ticketAgeAdd: number;
  readonly ticketNonce: string;
  readonly ticket: string;
  readonly extensions: readonly ExtensionFact[];
}

const SECTION = 'RFC 8448 §3 Simple 1-RTT Handshake';

/** {client} construct a ClientHello handshake message: ClientHello (196 octets). */
export const clientHello: Rfc8448Vector<ClientHelloFacts> = {
  name: 'ClientHello',
  section: SECTION,
  hex:
    '010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef' +
    '6283024dece7000006130113031302010000910000000b000900000673657276' +
    '6572ff01000100000a00140012001d0017001800190100010101020103010400' +
    '230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e' +
    '51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603' +
    '020308040805080604010501060102010402050206020202002d00020101001c' +
    '00024001',
  facts: {
    // TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_AES_256_GCM_SHA384
    cipherSuites: [0x1301, 0x1303, 0x1302],
    // server_name, renegotiation_info, supported_groups, session_ticket, key_share,
    // supported_versions, signature_algorithms, psk_key_exchange_modes, record_size_limit
    extensionTypes: [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c],
  },
};

/** {server} construct a ServerHello handshake message: ServerHello (90 octets). */
export const serverHello: Rfc8448Vector<ServerHelloFacts> = {
  name: 'ServerHello',
  section: SECTION,
  hex:
    '020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155' +
    '772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdb' +
    'f7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304',
  facts: {
    legacyVersion: 0x0303,
    random: 'a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928',
    legacySessionIdEcho: '',
    cipherSuite: 0x1301, // TLS_AES_128_GCM_SHA256
    legacyCompressionMethod: 0,
    extensionTypes: [0x0033, 0x002b], // key_share, supported_versions
    keyShareGroup: 0x001d, // x25519
    keyShareKeyExchange: 'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
    supportedVersion: 0x0304, // TLS 1.3
  },
};

/** {server} construct an EncryptedExtensions handshake message: EncryptedExtensions (40 octets). */
export const encryptedExtensions: Rfc8448Vector<EncryptedExtensionsFacts> = {
  name: 'EncryptedExtensions',
  section: SECTION,
  hex: '080000240022000a00140012001d00170018001901000101010201030104001c' + '0002400100000000',
  facts: {
    // supported_groups, record_size_limit, server_name (empty body)
    extensionTypes: [0x000a, 0x001c, 0x0000],
    extensions: [
      { type: 0x000a, body: '0012001d00170018001901000101010201030104' },
      { type: 0x001c, body: '4001' },
      { type: 0x0000, body: '' },
    ],
  },
};

/** {server} construct a Certificate handshake message: Certificate (445 octets). */
export const certificate: Rfc8448Vector<CertificateFacts> = {
  name: 'Certificate',
  section: SECTION,
  hex:
    '0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a' +
    '864886f70d01010b0500300e310c300a06035504031303727361301e170d3136' +
    '303733303031323335395a170d3236303733303031323335395a300e310c300a' +
    '0603550403130372736130819f300d06092a864886f70d010101050003818d00' +
    '30818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826' +
    'd3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312' +
    '0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda4308467480' +
    '30530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a' +
    '8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355' +
    '1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5' +
    'b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a5' +
    '8c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102' +
    '702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0' +
    'a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000',
  facts: {
    certificateRequestContext: '',
    entries: [
      {
        certDataLength: 432,
        certDataPrefix: '308201ac30820115a003020102020102',
        extensionsLength: 0,
      },
    ],
  },
};

/** {server} construct a CertificateVerify handshake message: CertificateVerify (136 octets). */
export const certificateVerify: Rfc8448Vector<CertificateVerifyFacts> = {
  name: 'CertificateVerify',
  section: SECTION,
  hex:
    '0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145a' +
    'b3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248ee' +
    'aaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c' +
    '9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea2' +
    '0d53dfacd42f74f3',
  facts: {
    algorithm: 0x0804, // rsa_pss_rsae_sha256
    signatureLength: 128,
    signature:
      '5a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b' +
      '0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6' +
      'd30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95' +
      'b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3',
  },
};

/** {server} construct a Finished handshake message: Finished (36 octets). */
export const serverFinished: Rfc8448Vector<FinishedFacts> = {
  name: 'Finished (server)',
  section: SECTION,
  hex: '140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454' + 'b78f0718',
  facts: {
    verifyData: '9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718',
  },
};

/** {client} construct a Finished handshake message: Finished (36 octets). */
export const clientFinished: Rfc8448Vector<FinishedFacts> = {
  name: 'Finished (client)',
  section: SECTION,
  hex: '14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2' + 'edd5ce61',
  facts: {
    verifyData: 'a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61',
  },
};

/** {server} construct a NewSessionTicket handshake message: NewSessionTicket (205 octets). */
export const newSessionTicket: Rfc8448Vector<NewSessionTicketFacts> = {
  name: 'NewSessionTicket',
  section: SECTION,
  hex:
    '040000c90000001efad6aac502000000b22c035d829359ee5ff7af4ec9000000' +
    '00262a6494dc486d2c8a34cb33fa90bf1b0070ad3c498883c9367c09a2be785a' +
    'bc55cd226097a3a982117283f82a03a143efd3ff5dd36d64e861be7fd61d2827' +
    'db279cce145077d454a3664d4e6da4d29ee03725a6a4dafcd0fc67d2aea70529' +
    '513e3da2677fa5906c5b3f7d8f92f228bda40dda721470f9fbf297b5aea61764' +
    '6fac5c03272e970727c621a79141ef5f7de6505e5bfbc388e93343694093934a' +
    'e4d3570008002a000400000400',
  facts: {
    ticketLifetime: 30,
    ticketAgeAdd: 0xfad6aac5,
    ticketNonce: '0000',
    ticket:
      '2c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b' +
      '0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143' +
      'efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29e' +
      'e03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bd' +
      'a40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7d' +
      'e6505e5bfbc388e93343694093934ae4d357',
    // early_data with max_early_data_size = 0x00000400 (1024)
    extensions: [{ type: 0x002a, body: '00000400' }],
  },
};

/** All §3 handshake messages, in the order they are sent. */
export const allMessages = [
  clientHello,
  serverHello,
  encryptedExtensions,
  certificate,
  certificateVerify,
  serverFinished,
  clientFinished,
  newSessionTicket,
] as const;
