/**
 * The PSK key exchanges of DTLS 1.2 as messages and secrets: plain PSK (RFC 4279 §2) and ECDHE_PSK (RFC 5489 §2). The
 * server's ServerKeyExchange carries a psk_identity_hint (plain PSK: only when the server has one; ECDHE_PSK: always,
 * with its ECDH parameters, unsigned), the client's ClientKeyExchange the psk_identity (and its ECDH public value), and
 * both sides make the premaster secret of `pskPremasterSecret`. No Certificate, CertificateRequest or CertificateVerify
 * is sent: the PSK authenticates both ends, proven by Finished.
 */
import {
  decodeClientKeyExchangeEcdhePsk,
  decodeClientKeyExchangePsk,
  encodeClientKeyExchangeEcdhePsk,
  encodeClientKeyExchangePsk,
} from '../../generated/wire/client-key-exchange.js';
import {
  decodeServerKeyExchangeEcdhePsk,
  decodeServerKeyExchangePsk,
  encodeServerKeyExchangeEcdhePsk,
  encodeServerKeyExchangePsk,
} from '../../generated/wire/server-key-exchange.js';
import type { CryptoProvider, KeyExchangeGroup, KeyShare } from '../crypto/provider.js';
import { describeIdentity } from '../shared/psk-selection.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ResolvedPsk } from '../session/external-psk.js';
import { offeredGroup12 } from './hello-checks.js';
import { pskPremasterSecret } from './key-derivation.js';
import type { Dtls12SuiteParams } from '../versions/suites12.js';

const EMPTY = new Uint8Array(0);

/** A PSK or ECDHE_PSK suite: no certificates, the PSK authenticates. */
export function isPskSuite(suite: Dtls12SuiteParams): boolean {
  return suite.keyExchange === 'psk' || suite.keyExchange === 'ecdhe_psk';
}

/** What the server's ServerKeyExchange said in a PSK suite (plain PSK without one: an empty hint). */
export interface PskServerParams12 {
  readonly hint: Uint8Array;
  /** ECDHE_PSK: the server's curve and public value. */
  readonly ecdh: { readonly group: KeyExchangeGroup; readonly publicKey: Uint8Array } | undefined;
}

/** Server: the ServerKeyExchange body (undefined: plain PSK without a hint sends none) and, for ECDHE_PSK, our key share. */
export function pskServerKeyExchange12(
  provider: CryptoProvider,
  suite: Dtls12SuiteParams,
  hint: Uint8Array | undefined,
  group: KeyExchangeGroup | undefined,
): { readonly body: Uint8Array | undefined; readonly share: KeyShare | undefined } {
  if (suite.keyExchange === 'psk') {
    return {
      body: hint === undefined ? undefined : encodeServerKeyExchangePsk({ pskIdentityHint: hint }),
      share: undefined,
    };
  }
  if (group === undefined)
    throw new ProtocolError('handshake_failure', 'no ECDHE group in common for an ECDHE_PSK suite');
  const share = provider.generateKeyShare(group);
  const body = encodeServerKeyExchangeEcdhePsk({
    pskIdentityHint: hint ?? EMPTY,
    params: { namedCurve: group, publicKey: share.publicKey },
  });
  return { body, share };
}

/**
 * Client: the ServerKeyExchange of a PSK suite, its curve one we offered.
 *
 * @throws DecodeError, or ProtocolError(illegal_parameter) for a curve not offered.
 */
export function readPskServerKeyExchange12(
  suite: Dtls12SuiteParams,
  body: Uint8Array,
  groups: readonly KeyExchangeGroup[],
): PskServerParams12 {
  if (suite.keyExchange === 'psk')
    return { hint: decodeServerKeyExchangePsk(body).pskIdentityHint.slice(), ecdh: undefined };
  const ske = decodeServerKeyExchangeEcdhePsk(body);
  const group = offeredGroup12(groups, ske.params.namedCurve);
  return { hint: ske.pskIdentityHint.slice(), ecdh: { group, publicKey: ske.params.publicKey.slice() } };
}

/** Client: the ClientKeyExchange body with our identity (and ECDH public value), and the premaster secret. */
export function pskClientKeyExchange12(
  provider: CryptoProvider,
  suite: Dtls12SuiteParams,
  psk: ResolvedPsk,
  server: PskServerParams12,
): { readonly body: Uint8Array; readonly premaster: Uint8Array; readonly group: KeyExchangeGroup | undefined } {
  if (suite.keyExchange === 'psk') {
    return {
      body: encodeClientKeyExchangePsk({ pskIdentity: psk.identity }),
      premaster: pskPremasterSecret(psk.key),
      group: undefined,
    };
  }
  if (server.ecdh === undefined)
    throw new ProtocolError('unexpected_message', 'an ECDHE_PSK suite without the server ECDH parameters');
  const share = provider.generateKeyShare(server.ecdh.group);
  try {
    const secret = share.deriveSecret(server.ecdh.publicKey);
    const premaster = pskPremasterSecret(psk.key, secret);
    secret.fill(0);
    return {
      body: encodeClientKeyExchangeEcdhePsk({ pskIdentity: psk.identity, ecdhYc: share.publicKey }),
      premaster,
      group: server.ecdh.group,
    };
  } finally {
    share.release();
  }
}

/**
 * Server: the client's psk_identity looked up with the `psk` option (the 1.3 server's lookup) and the premaster secret.
 * An identity the lookup does not know ends the handshake with unknown_psk_identity (RFC 4279 §2). The ECDHE_PSK key
 * share is released whatever happens.
 *
 * @throws DecodeError, ProtocolError, CryptoError (an invalid ECDH point), CallbackError (the lookup threw).
 */
export function acceptPskClientKeyExchange12(
  lookup: ((identity: Uint8Array) => ResolvedPsk | undefined) | undefined,
  suite: Dtls12SuiteParams,
  body: Uint8Array,
  share: KeyShare | undefined,
): { readonly premaster: Uint8Array; readonly identity: Uint8Array; readonly psk: ResolvedPsk } {
  try {
    const cke =
      suite.keyExchange === 'psk'
        ? { ...decodeClientKeyExchangePsk(body), ecdhYc: undefined }
        : decodeClientKeyExchangeEcdhePsk(body);
    const psk = lookup?.(cke.pskIdentity);
    if (psk === undefined)
      throw new ProtocolError(
        'unknown_psk_identity',
        `PSK identity ${describeIdentity(cke.pskIdentity)} is not known here (RFC 4279 §2)`,
      );
    if (cke.ecdhYc === undefined)
      return { premaster: pskPremasterSecret(psk.key), identity: cke.pskIdentity.slice(), psk };
    if (share === undefined)
      throw new ProtocolError('internal_error', 'an ECDHE_PSK ClientKeyExchange without our key share');
    const secret = share.deriveSecret(cke.ecdhYc);
    const premaster = pskPremasterSecret(psk.key, secret);
    secret.fill(0);
    return { premaster, identity: cke.pskIdentity.slice(), psk };
  } finally {
    share?.release();
  }
}
