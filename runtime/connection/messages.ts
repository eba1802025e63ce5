import {
  encodeCertificate, encodeCertificateRequest, encodeCertificateVerify, encodeClientHello, encodeEncryptedExtensions, encodeFinished, encodeServerHello,
  type ClientHelloExtension, type ServerHello,
} from '../../generated/wire/index.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import { signCertificateVerify } from '../handshake/certificate-verify.js';
import { finishedVerifyData } from '../keyschedule/derived-keys.js';
import type { HandshakeContext } from './context.js';

/** The special random of a HelloRetryRequest (RFC 8446 §4.1.3). */
export const HELLO_RETRY_RANDOM = Uint8Array.from(
  [0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c],
);

/** ClientHello (RFC 9147 §5.3): DTLS 1.2 legacy version, empty legacy_session_id and legacy_cookie, one key share. */
export function clientHelloBody(ctx: HandshakeContext, group: KeyExchangeGroup): Uint8Array {
  const c = ctx.config;
  const extensions: ClientHelloExtension[] = [
    { extensionType: 'supported_versions', extensionData: { versions: ['dtls1_3'] } },
    { extensionType: 'supported_groups', extensionData: { namedGroupList: [...c.groups] } },
    { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: [...c.signatureAlgorithms] } },
    { extensionType: 'key_share', extensionData: { clientShares: [{ group, keyExchange: ctx.keyShare!.publicKey }] } },
  ];
  if (c.serverName !== undefined) {
    extensions.push({ extensionType: 'server_name', extensionData: { serverNameList: [{ nameType: 'host_name', hostName: new TextEncoder().encode(c.serverName) }] } });
  }
  if (ctx.cookie) extensions.push({ extensionType: 'cookie', extensionData: { cookie: ctx.cookie } });
  return encodeClientHello({
    legacyVersion: 'dtls1_2',
    random: ctx.random,
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: [...c.cipherSuites],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  });
}

/** ServerHello (RFC 9147 §5.4): legacy_session_id_echo stays empty (DTLS never echoes it). */
export function serverHelloBody(ctx: HandshakeContext): Uint8Array {
  const sh: ServerHello = {
    legacyVersion: 'dtls1_2',
    random: ctx.random,
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: ctx.suite!,
    legacyCompressionMethod: 0,
    isHelloRetryRequest: false,
    extensions: [
      { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
      { extensionType: 'key_share', extensionData: { serverShare: { group: ctx.group!, keyExchange: ctx.keyShare!.publicKey } } },
    ],
  };
  return encodeServerHello(sh);
}

/**
 * HelloRetryRequest (RFC 8446 §4.1.4): asks for a key share of `group`
 * and/or carries a cookie. Deterministic, so a stateless server can rebuild
 * the exact bytes for its transcript from the cookie.
 */
export function helloRetryRequestBody(suite: SupportedCipherSuite, group: KeyExchangeGroup | undefined, cookie: Uint8Array | undefined): Uint8Array {
  return encodeServerHello({
    legacyVersion: 'dtls1_2',
    random: HELLO_RETRY_RANDOM,
    legacySessionIdEcho: new Uint8Array(0),
    cipherSuite: suite,
    legacyCompressionMethod: 0,
    isHelloRetryRequest: true,
    extensions: [
      { extensionType: 'supported_versions', extensionData: { selectedVersion: 'dtls1_3' } },
      ...(group ? [{ extensionType: 'key_share' as const, extensionData: { selectedGroup: group } }] : []),
      ...(cookie ? [{ extensionType: 'cookie' as const, extensionData: { cookie } }] : []),
    ],
  });
}

export function encryptedExtensionsBody(): Uint8Array {
  return encodeEncryptedExtensions({ extensions: [] });
}

export function certificateRequestBody(ctx: HandshakeContext): Uint8Array {
  return encodeCertificateRequest({
    certificateRequestContext: new Uint8Array(0),
    extensions: [{ extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: [...ctx.config.signatureAlgorithms] } }],
  });
}

/** Certificate with our chain, or an empty one (a client without a certificate, RFC 8446 §4.4.2). */
export function certificateBody(ctx: HandshakeContext, context: Uint8Array): Uint8Array {
  const chain = ctx.config.certificate?.chain ?? [];
  return encodeCertificate({ certificateRequestContext: context, certificateList: chain.map((certData) => ({ certData, extensions: [] })) });
}

/** An empty Certificate: the client has nothing the server accepts (RFC 8446 §4.4.2). */
export function emptyCertificateBody(context: Uint8Array): Uint8Array {
  return encodeCertificate({ certificateRequestContext: context, certificateList: [] });
}

/** CertificateVerify with `algorithm` (default: the negotiated server scheme). */
export function certificateVerifyBody(ctx: HandshakeContext, algorithm: SignatureAlgorithm = ctx.signature!): Uint8Array {
  const signature = signCertificateVerify(ctx.provider, ctx.role, algorithm, ctx.ownKey!, ctx.transcript.current());
  return encodeCertificateVerify({ algorithm, signature });
}

/** Finished over the transcript so far, keyed by our handshake traffic secret. */
export function finishedBody(ctx: HandshakeContext): Uint8Array {
  const base = ctx.role === 'client' ? ctx.clientHandshakeSecret! : ctx.serverHandshakeSecret!;
  return encodeFinished({ verifyData: finishedVerifyData(ctx.schedule!, base, ctx.transcript.current()) });
}
