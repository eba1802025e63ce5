/**
 * The hellos of a DTLS 1.2 handshake: the client's offer (RFC 5246 §7.4.1.2 with RFC 6347 §4.2.1's cookie) and the
 * server's answer. The client offers extended_master_secret (RFC 7627), an empty renegotiation_info (RFC 5746 §3.4),
 * uncompressed points (RFC 8422 §5.1.2), its groups and signature schemes, server_name (RFC 6066) and a session ID to
 * resume.
 */
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/client-hello.js';
import type { CipherSuite } from '../../generated/wire/enums.js';
import type { Tls12ServerHello, Tls12ServerHelloExtension } from '../../generated/wire/tls12-server-hello.js';
import type { SignatureAlgorithm } from '../crypto/provider.js';
import { withPkcs1 } from '../shared/messages.js';
import { serverNameExtension } from '../shared/sni-selection.js';
import type { Config12 } from './config.js';

const EMPTY = new Uint8Array(0);

/** The signature schemes a 1.2 end offers and accepts: the configured ones, then RSASSA-PKCS1-v1_5 (messages.ts). */
export function offeredSchemes12(config: Config12): readonly SignatureAlgorithm[] {
  return withPkcs1(config.base.signatureAlgorithms);
}

/** `more`: extensions added after the 1.2 ones (ALPN, use_srtp, connection_id: extensions.ts). */
export function clientHello12(
  config: Config12,
  random: Uint8Array,
  sessionId: Uint8Array,
  cookie: Uint8Array,
  more: readonly ClientHelloExtension[] = [],
): ClientHello {
  const extensions: ClientHelloExtension[] = [
    ...serverNameExtension(config.base.serverName),
    { extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: EMPTY } },
    { extensionType: 'extended_master_secret', extensionData: {} },
    { extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } },
    { extensionType: 'supported_groups', extensionData: { namedGroupList: [...config.groups] } },
    {
      extensionType: 'signature_algorithms',
      extensionData: { supportedSignatureAlgorithms: [...offeredSchemes12(config)] },
    },
    ...more,
  ];
  return {
    legacyVersion: 'dtls1_2',
    random,
    legacySessionId: sessionId,
    legacyCookie: cookie,
    cipherSuites: [...config.suites] as CipherSuite[],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  };
}

/** The server's ServerHello: our answers to what the client offered, nothing more (RFC 5246 §7.4.1.4). */
export function serverHello12(
  random: Uint8Array,
  sessionId: Uint8Array,
  suite: CipherSuite,
  answer: {
    readonly pointFormats: boolean;
    readonly secureRenegotiation: boolean;
    readonly extendedMasterSecret: boolean;
  },
  more: readonly Tls12ServerHelloExtension[] = [],
): Tls12ServerHello {
  const extensions: Tls12ServerHelloExtension[] = [];
  if (answer.secureRenegotiation)
    extensions.push({ extensionType: 'renegotiation_info', extensionData: { renegotiatedConnection: EMPTY } });
  if (answer.extendedMasterSecret) extensions.push({ extensionType: 'extended_master_secret', extensionData: {} });
  if (answer.pointFormats)
    extensions.push({ extensionType: 'ec_point_formats', extensionData: { formats: ['uncompressed'] } });
  extensions.push(...more);
  return { serverVersion: 'dtls1_2', random, sessionId, cipherSuite: suite, compressionMethod: 0, extensions };
}
