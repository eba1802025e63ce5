import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeClientHello,
  encodeEncryptedExtensions,
  encodeFinished,
  encodeKeyUpdate,
  encodeNewSessionTicket,
  encodeServerHello,
  writeServerHello,
  type ClientHelloExtension,
  type ServerHello,
  type ServerHelloExtension,
  type EncryptedExtensionsExtension,
} from '../../generated/wire/index.js';
import { scratchWriter } from '../wire/scratch.js';
import { serverNameExtension } from './sni-selection.js';
import { srtpOffer } from './srtp.js';
import type { CryptoProvider, KeyExchangeGroup, PrivateKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import { signCertificateVerify } from '../handshake/certificate-verify.js';
import type { ScheduleContext } from '../keyschedule/context.js';
import { finishedVerifyData } from '../keyschedule/derived-keys.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { ResolvedConfig } from './config.js';
import { protocolNameList } from './alpn-negotiation.js';
import { certificateTypeOffer } from './certificate-types.js';

/** The special random of a HelloRetryRequest (RFC 8446 §4.1.3). */
export const HELLO_RETRY_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * ClientHello (RFC 9147 §5.3): DTLS 1.2 legacy version, empty legacy_session_id and legacy_cookie, the key shares given
 * (key-share-offer.ts); server_name only for a DNS name (RFC 6066 §3: never an IP literal).
 */
export function clientHelloBody(
  c: ResolvedConfig,
  random: Uint8Array,
  shares: readonly { readonly group: KeyExchangeGroup; readonly publicKey: Uint8Array }[],
  cookie: Uint8Array | undefined,
  pskExtensions: readonly ClientHelloExtension[] = [],
): Uint8Array {
  // With DTLS 1.2 offered too (c.offer12): dtls1_2 in supported_versions, the 1.2 suites after ours, RSASSA-PKCS1-v1_5
  // for a 1.2 ServerKeyExchange (never a 1.3 CertificateVerify, RFC 8446 §4.2.3), and 1.2's extensions
  // (OFFER12_EXTENSIONS).
  const offer12 = c.offer12;
  const extensions: ClientHelloExtension[] = [
    {
      extensionType: 'supported_versions',
      extensionData: { versions: offer12 ? ['dtls1_3', 'dtls1_2'] : ['dtls1_3'] },
    },
    { extensionType: 'supported_groups', extensionData: { namedGroupList: [...c.groups] } },
    {
      extensionType: 'signature_algorithms',
      extensionData: {
        supportedSignatureAlgorithms: offer12 ? withPkcs1(c.signatureAlgorithms) : [...c.signatureAlgorithms],
      },
    },
    {
      extensionType: 'key_share',
      extensionData: { clientShares: shares.map((k) => ({ group: k.group, keyExchange: k.publicKey })) },
    },
  ];
  extensions.push(...serverNameExtension(c.serverName));
  if (cookie) extensions.push({ extensionType: 'cookie', extensionData: { cookie } });
  if (c.postHandshakeAuth) extensions.push({ extensionType: 'post_handshake_auth', extensionData: {} });
  if (c.alpnOffer) {
    extensions.push({
      extensionType: 'application_layer_protocol_negotiation',
      extensionData: protocolNameList(c.alpnOffer),
    });
  }
  if (c.signatureAlgorithmsCert) {
    extensions.push({
      extensionType: 'signature_algorithms_cert',
      extensionData: { supportedSignatureAlgorithms: [...c.signatureAlgorithmsCert] },
    });
  }
  if (c.recordSizeLimit !== undefined)
    extensions.push({ extensionType: 'record_size_limit', extensionData: { recordSizeLimit: c.recordSizeLimit } });
  if (c.srtp) extensions.push({ extensionType: 'use_srtp', extensionData: srtpOffer(c.srtp) });
  extensions.push(...certificateTypeOffer(c));
  if (offer12) extensions.push(...OFFER12_EXTENSIONS, ...(c.offer12Session?.extensions ?? []));
  // pre_shared_key, when offered, is the last extension (RFC 8446 §4.2.11).
  extensions.push(...pskExtensions);
  return encodeClientHello({
    legacyVersion: 'dtls1_2',
    random,
    legacySessionId: offer12 && c.offer12Session !== undefined ? c.offer12Session.sessionId : new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: offer12 ? [...c.cipherSuites, ...offer12] : [...c.cipherSuites],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  });
}

/** A 1.2 offer's extensions: renegotiation_info (RFC 5746), extended_master_secret (RFC 7627), ec_point_formats. */
const OFFER12_EXTENSIONS: readonly ClientHelloExtension[] = [
  { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: new Uint8Array(0) } },
  { extensionType: 'extended_master_secret', extensionData: {} },
  { extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } },
];

/** The schemes, then RSASSA-PKCS1-v1_5 with SHA-256 and SHA-384, which 1.2 servers still sign ServerKeyExchange with. */
export function withPkcs1(schemes: readonly SignatureAlgorithm[]): SignatureAlgorithm[] {
  const pkcs1: readonly SignatureAlgorithm[] = ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha384'];
  return [...schemes, ...pkcs1.filter((s) => !schemes.includes(s))];
}

/**
 * ServerHello (RFC 9147 §5.4): legacy_session_id_echo stays empty (DTLS never echoes it); key_share unless psk_ke,
 * pre_shared_key when a PSK was selected.
 */
export function serverHelloBody(
  random: Uint8Array,
  suite: SupportedCipherSuite,
  share: { readonly group: KeyExchangeGroup; readonly publicKey: Uint8Array } | undefined,
  selectedIdentity: number | undefined,
  sessionIdEcho: Uint8Array = new Uint8Array(0),
  extra: readonly ServerHelloExtension[] = [],
): Uint8Array {
  return encodeServerHello({
    legacyVersion: 'dtls1_2',
    random,
    legacySessionIdEcho: sessionIdEcho,
    cipherSuite: suite,
    legacyCompressionMethod: 0,
    isHelloRetryRequest: false,
    extensions: [
      { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
      ...(share
        ? [
            {
              extensionType: 'key_share' as const,
              extensionData: { serverShare: { group: share.group, keyExchange: share.publicKey } },
            },
          ]
        : []),
      ...(selectedIdentity !== undefined
        ? [{ extensionType: 'pre_shared_key' as const, extensionData: { selectedIdentity } }]
        : []),
      ...extra,
    ],
  });
}

/** NewSessionTicket (RFC 8446 §4.6.1), with early_data when the ticket allows 0-RTT. */
export function newSessionTicketBody(t: {
  readonly lifetimeSeconds: number;
  readonly ticketAgeAdd: number;
  readonly nonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly maxEarlyData: number;
}): Uint8Array {
  return encodeNewSessionTicket({
    ticketLifetime: t.lifetimeSeconds,
    ticketAgeAdd: t.ticketAgeAdd,
    ticketNonce: t.nonce,
    ticket: t.ticket,
    extensions:
      t.maxEarlyData > 0 ? [{ extensionType: 'early_data', extensionData: { maxEarlyDataSize: t.maxEarlyData } }] : [],
  });
}

/**
 * HelloRetryRequest (RFC 8446 §4.1.4): asks for a key share of `group` and/or carries a cookie. Deterministic, so a
 * stateless server can rebuild the exact bytes for its transcript from the cookie.
 */
export function helloRetryRequestBody(
  suite: SupportedCipherSuite,
  group: KeyExchangeGroup | undefined,
  cookie: Uint8Array | undefined,
  sessionIdEcho: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return encodeServerHello(helloRetryRequest(suite, group, cookie, sessionIdEcho));
}

/** {@link helloRetryRequestBody}'s bytes in the scratch writer: a view valid until the next encode. */
export function helloRetryRequestView(
  suite: SupportedCipherSuite,
  group: KeyExchangeGroup | undefined,
  cookie: Uint8Array | undefined,
  sessionIdEcho: Uint8Array,
): Uint8Array {
  const w = scratchWriter('ServerHello');
  writeServerHello(w, helloRetryRequest(suite, group, cookie, sessionIdEcho));
  return w.finish();
}

function helloRetryRequest(
  suite: SupportedCipherSuite,
  group: KeyExchangeGroup | undefined,
  cookie: Uint8Array | undefined,
  sessionIdEcho: Uint8Array,
): ServerHello {
  return {
    legacyVersion: 'dtls1_2',
    random: HELLO_RETRY_RANDOM,
    legacySessionIdEcho: sessionIdEcho,
    cipherSuite: suite,
    legacyCompressionMethod: 0,
    isHelloRetryRequest: true,
    extensions: [
      { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
      ...(group ? [{ extensionType: 'key_share' as const, extensionData: { selectedGroup: group } }] : []),
      ...(cookie ? [{ extensionType: 'cookie' as const, extensionData: { cookie } }] : []),
    ],
  };
}

/** EncryptedExtensions: early_data when the server takes the client's 0-RTT data (RFC 8446 §4.2.10), the ALPN choice (RFC 7301). */
export function encryptedExtensionsBody(
  earlyDataAccepted = false,
  alpn: string | undefined = undefined,
  serverNameUsed = false,
  more: readonly EncryptedExtensionsExtension[] = [],
): Uint8Array {
  return encodeEncryptedExtensions({
    extensions: [
      ...(serverNameUsed ? [{ extensionType: 'server_name' as const, extensionData: {} }] : []),
      ...more,
      ...(earlyDataAccepted ? [{ extensionType: 'early_data' as const, extensionData: {} }] : []),
      ...(alpn !== undefined
        ? [
            {
              extensionType: 'application_layer_protocol_negotiation' as const,
              extensionData: protocolNameList([alpn]),
            },
          ]
        : []),
    ],
  });
}

/** CertificateRequest (RFC 8446 §4.3.2): an empty context in the handshake, a fresh one after it (§4.6.2). */
export function certificateRequestBody(
  signatureAlgorithms: readonly SignatureAlgorithm[],
  context: Uint8Array = new Uint8Array(0),
  certificateSchemes: readonly SignatureAlgorithm[] | undefined = undefined,
): Uint8Array {
  return encodeCertificateRequest({
    certificateRequestContext: context,
    extensions: [
      {
        extensionType: 'signature_algorithms',
        extensionData: { supportedSignatureAlgorithms: [...signatureAlgorithms] },
      },
      // signature_algorithms_cert (RFC 8446 §4.2.3): the schemes accepted in the client's certificates, when configured.
      ...(certificateSchemes
        ? [
            {
              extensionType: 'signature_algorithms_cert' as const,
              extensionData: { supportedSignatureAlgorithms: [...certificateSchemes] },
            },
          ]
        : []),
    ],
  });
}

/** Certificate with `chain`; empty when the client has nothing the server accepts (RFC 8446 §4.4.2). */
export function certificateBody(chain: readonly Uint8Array[], context: Uint8Array): Uint8Array {
  return encodeCertificate({
    certificateRequestContext: context,
    certificateList: chain.map((certData) => ({ certData, extensions: [] })),
  });
}

/** CertificateVerify (RFC 8446 §4.4.3) over the transcript so far. */
export function certificateVerifyBody(
  provider: CryptoProvider,
  role: 'client' | 'server',
  algorithm: SignatureAlgorithm,
  key: PrivateKeyHandle,
  transcript: Transcript,
): Uint8Array {
  return encodeCertificateVerify({
    algorithm,
    signature: signCertificateVerify(provider, role, algorithm, key, transcript.current()),
  });
}

/** Finished over the transcript so far, keyed by our handshake traffic secret (RFC 8446 §4.4.4). */
export function finishedBody(schedule: ScheduleContext, ownSecret: Uint8Array, transcript: Transcript): Uint8Array {
  return encodeFinished({ verifyData: finishedVerifyData(schedule, ownSecret, transcript.current()) });
}

export function keyUpdateBody(requestPeer: boolean): Uint8Array {
  return encodeKeyUpdate({ requestUpdate: requestPeer ? 'update_requested' : 'update_not_requested' });
}
