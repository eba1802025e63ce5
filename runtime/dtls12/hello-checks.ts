/**
 * What a DTLS 1.2 ServerHello and ClientHello must show before a 1.2 handshake goes on, as pure checks a handshake step
 * calls (the choices a careful implementer such as BoringSSL makes, stated here):
 *
 * - extended_master_secret (RFC 7627) is required both ways by default: without it the master secret is not bound to
 *   the handshake (the triple-handshake attack), so a peer that does not do it is refused with handshake_failure (§5.2,
 *   §5.3).
 * - Renegotiation is refused. A server must show it knows RFC 5746 (an empty renegotiation_info; one without is
 *   refused, as BoringSSL does), since a client cannot know whether such a server lets an attacker splice a
 *   renegotiation in front of our handshake (§1). A client need not (wolfSSL's default build sends neither the SCSV nor
 *   the extension): this server never renegotiates, so the attack has nothing to splice into (§4.4 lets such a server
 *   go on); the server still answers an empty renegotiation_info when the client showed RFC 5746. A non-empty one on an
 *   initial handshake is handshake_failure (§3.4, §3.6).
 * - The server's answers are to what was offered: a suite, compression, extension or point format not offered is
 *   illegal_parameter or unsupported_extension (RFC 5246 §7.4.1.3, §7.4.1.4; RFC 8422 §5.2).
 */
import type { CipherSuite } from '../../generated/wire/enums.js';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import { checkOnlyOffered, duplicateExtension, findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { dtls12Suite, type Dtls12SuiteParams } from '../versions/suites12.js';

/** What the client offered that the ServerHello is checked against. */
export interface Offer12 {
  readonly cipherSuites: readonly CipherSuite[];
  /** The extension types the ClientHello carried (the server may answer only these). */
  readonly extensions: readonly string[];
  /** Default true: refuse a server without extended_master_secret. */
  readonly requireExtendedMasterSecret?: boolean;
}

/** What a checked 1.2 ServerHello settled. */
export interface ServerHello12Outcome {
  readonly suite: Dtls12SuiteParams;
  readonly extendedMasterSecret: boolean;
}

/**
 * The client's checks of a 1.2 ServerHello (after `checkDowngradeSentinel`).
 *
 * @throws ProtocolError with the alert the client sends.
 */
export function checkServerHello12(sh: Tls12ServerHello, offer: Offer12): ServerHello12Outcome {
  if (sh.serverVersion !== 'dtls1_2')
    throw new ProtocolError(
      'protocol_version',
      `ServerHello.server_version is ${String(sh.serverVersion)}, not DTLS 1.2 (0xfefd)`,
    );
  if (!offer.cipherSuites.includes(sh.cipherSuite))
    throw new ProtocolError(
      'illegal_parameter',
      `the server chose cipher suite ${String(sh.cipherSuite)}, which was not offered`,
    );
  const suite = dtls12Suite(sh.cipherSuite);
  if (suite === undefined)
    throw new ProtocolError(
      'illegal_parameter',
      `cipher suite ${String(sh.cipherSuite)} is not a DTLS 1.2 suite dtls13 does`,
    );
  if (sh.compressionMethod !== 0)
    throw new ProtocolError(
      'illegal_parameter',
      `compression method ${sh.compressionMethod} was not offered (only null, 0)`,
    );
  // The SCSV asks for renegotiation_info as the extension does (RFC 5746 §3.6).
  const scsv = offer.cipherSuites.includes('tls_empty_renegotiation_info_scsv');
  const allowed = scsv ? [...offer.extensions, 'renegotiation_info'] : offer.extensions;
  checkOnlyOffered('ServerHello', sh.extensions, allowed, 'RFC 5246 §7.4.1.4');
  const ri = findExtension(sh.extensions, 'renegotiation_info');
  if (ri === undefined)
    throw new ProtocolError(
      'handshake_failure',
      'the server does not show RFC 5746 secure renegotiation (no renegotiation_info); dtls13 refuses such servers',
    );
  if (ri.renegotiatedConnection.length !== 0)
    throw new ProtocolError(
      'handshake_failure',
      'renegotiation_info is not empty on an initial handshake (RFC 5746 §3.4)',
    );
  const points = findExtension(sh.extensions, 'ec_point_formats');
  if (points !== undefined && !points.formats.includes('uncompressed')) {
    throw new ProtocolError(
      'illegal_parameter',
      'ec_point_formats leaves out uncompressed, the only format in use (RFC 8422 §5.2)',
    );
  }
  const ems = findExtension(sh.extensions, 'extended_master_secret') !== undefined;
  if (!ems && offer.requireExtendedMasterSecret !== false) {
    throw new ProtocolError(
      'handshake_failure',
      'the server does not do extended_master_secret, which dtls13 requires (RFC 7627 §5.3)',
    );
  }
  return { suite, extendedMasterSecret: ems };
}

/** Client: the curve of a ServerKeyExchange (ECDHE or ECDHE_PSK), one of `groups`, those we offered. @throws ProtocolError illegal_parameter. */
export function offeredGroup12(groups: readonly KeyExchangeGroup[], curve: unknown): KeyExchangeGroup {
  const group = groups.find((g) => g === curve);
  if (group === undefined)
    throw new ProtocolError('illegal_parameter', `the server chose curve ${String(curve)}, which was not offered`);
  return group;
}

/** What a 1.2 server learns from the ClientHello's security signals. */
export interface ClientHello12Security {
  readonly extendedMasterSecret: boolean;
  /** The client showed RFC 5746 (SCSV or renegotiation_info): the ServerHello answers renegotiation_info. */
  readonly secureRenegotiation: boolean;
}

/**
 * The server's checks of a ClientHello it answers with 1.2: no renegotiation (a non-empty renegotiation_info), and
 * extended_master_secret unless the server allows its absence.
 *
 * @throws ProtocolError with the alert the server sends.
 */
export function checkClientHello12(ch: ClientHello, requireExtendedMasterSecret = true): ClientHello12Security {
  const dup = duplicateExtension(ch.extensions);
  if (dup !== undefined)
    throw new ProtocolError('illegal_parameter', `ClientHello repeats extension ${String(dup)} (RFC 5246 §7.4.1.4)`);
  if (!ch.legacyCompressionMethods.includes(0))
    throw new ProtocolError(
      'illegal_parameter',
      'ClientHello does not offer the null compression method (RFC 5246 §7.4.1.2)',
    );
  const ri = findExtension(ch.extensions, 'renegotiation_info');
  const scsv = ch.cipherSuites.includes('tls_empty_renegotiation_info_scsv');
  if (ri !== undefined && ri.renegotiatedConnection.length !== 0)
    throw new ProtocolError(
      'handshake_failure',
      'renegotiation_info is not empty on an initial handshake (RFC 5746 §3.6)',
    );
  const ems = findExtension(ch.extensions, 'extended_master_secret') !== undefined;
  if (!ems && requireExtendedMasterSecret)
    throw new ProtocolError(
      'handshake_failure',
      'the client does not offer extended_master_secret, which dtls13 requires (RFC 7627 §5.2)',
    );
  return { extendedMasterSecret: ems, secureRenegotiation: ri !== undefined || scsv };
}
