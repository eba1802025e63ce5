/**
 * The server's input step for a ClientHello in waitClientHello, run before the event is dispatched so that the chart's
 * guards stay pure branches over its result: the cookie check (an HMAC against the server secret, RFC 6347
 * §4.2.1; guard cookieMissing), the session to resume (the ticket opened or the cache looked up, RFC 5077 §3.4, RFC
 * 5246 §7.3; guard resumableSession) and the suite a full handshake would take (guard clientCertificateRequested: no
 * certificate is asked for with a PSK suite).
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { encodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import type { NamedGroupName } from '../../generated/wire/enums.js';
import { cachedPrivateKey } from '../shared/option-cache.js';
import { resumableHere } from '../shared/psk-selection.js';
import { findExtension } from '../handshake/extensions.js';
import type { Config12 } from './config.js';
import { cookieValid12, makeCookie12 } from './cookie.js';
import { isPskSuite } from './psk-key-exchange.js';
import type { Session12 } from './session.js';
import { keyExchangeForKey } from './signing.js';
import { dtls12Suite, type Dtls12CipherSuite, type Dtls12SuiteParams } from '../versions/suites12.js';
import { ticketResumption12, type TicketResumption12 } from './ticket.js';

/** The session a ClientHello resumes: from its ticket (`fromTicket`) or the cache. */
export interface Resumption12 {
  readonly session: Session12;
  readonly fromTicket: TicketResumption12 | undefined;
}

/** The suite of a full handshake, or why there is none (the handshake_failure applyClientHello sends). */
export type SuiteChoice12 =
  { readonly ok: true; readonly suite: Dtls12SuiteParams } | { readonly ok: false; readonly reason: string };

export type ClientHelloPlan12 =
  /** No valid cookie (cookies on): the HelloVerifyRequest body to answer with, statelessly. */
  | { readonly kind: 'verify'; readonly reply: Uint8Array }
  | {
      readonly kind: 'answer';
      readonly hello: ClientHello;
      readonly resumption: Resumption12 | undefined;
      readonly suite: SuiteChoice12;
    };

/** The named group of an ECDSA key's curve (RFC 8422 §5.1.1). */
const ECDSA_CURVES: Readonly<Record<string, NamedGroupName>> = {
  'ec-p256': 'secp256r1',
  'ec-p384': 'secp384r1',
  'ec-p521': 'secp521r1',
};

/** The suite: ours first (server preference), offered by the client, and one our certificate's key (or our `psk` option) can serve (RFC 8422 §5.3). */
export function chooseSuite12(config: Config12, ch: ClientHello): SuiteChoice12 {
  const { certificate, provider, rawPublicKey } = config.base;
  // The certificate's key, or the raw public key's (the same key when both are given).
  const pkcs8 = certificate?.privateKey ?? rawPublicKey?.own?.privateKey;
  const keyType = pkcs8 !== undefined ? cachedPrivateKey(provider, pkcs8).keyType : undefined;
  let kx = keyType !== undefined ? keyExchangeForKey(keyType) : undefined;
  // RFC 8422 §5.1: ECDHE_ECDSA only when the client's supported_groups (if sent) names the certificate's curve.
  const curve = keyType !== undefined ? ECDSA_CURVES[keyType] : undefined;
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.namedGroupList;
  const curveRefused = curve !== undefined && clientGroups !== undefined && !clientGroups.includes(curve);
  if (curveRefused) kx = undefined;
  const psk = config.base.serverPsk !== undefined;
  for (const name of config.suites) {
    const p = dtls12Suite(name);
    if (p !== undefined && (p.keyExchange === kx || (psk && isPskSuite(p))) && ch.cipherSuites.includes(name))
      return { ok: true, suite: p };
  }
  if (curveRefused)
    return {
      ok: false,
      reason: `the client's supported_groups does not name ${curve}, the curve of our ECDSA certificate (RFC 8422 §5.1)`,
    };
  // An RFC 7925 device offers the CCM_8 suites, which a server takes only when asked to: say which option that is.
  const ccm8 = ch.cipherSuites.filter(
    (s) => typeof s === 'string' && s.endsWith('_ccm_8') && !config.suites.includes(s as Dtls12CipherSuite),
  );
  if (ccm8.length > 0) {
    return {
      ok: false,
      reason: `no DTLS 1.2 cipher suite in common: the client offers ${ccm8.join(', ')} (RFC 7925), which this server takes only with profile: 'rfc7925' (or allowCcm8 and the suite named in ciphers)`,
    };
  }
  return { ok: false, reason: 'no DTLS 1.2 cipher suite in common' };
}

/** The session `ch` resumes: a ticket that opens, else the cache by session ID; only with extended_master_secret and a suite both still take. */
function resumption12(config: Config12, ch: ClientHello, wallNow: number): Resumption12 | undefined {
  if (findExtension(ch.extensions, 'extended_master_secret') === undefined) return undefined; // RFC 7627 §5.3
  const fromTicket = ticketResumption12(config, ch, wallNow);
  const session = fromTicket?.session ?? cachedSession12(config, ch, wallNow);
  if (session === undefined || !ch.cipherSuites.includes(session.suite) || !config.suites.includes(session.suite))
    return undefined;
  return { session, fromTicket };
}

/** The session the cache holds under the ClientHello's session ID, when it may resume here (as a ticket's, ticket.ts). */
function cachedSession12(config: Config12, ch: ClientHello, wallNow: number): Session12 | undefined {
  const session = config.sessionCache?.find(ch.legacySessionId, wallNow);
  return session !== undefined && resumableHere(config.base, ch, session) ? session : undefined;
}

/** The plan for a decoded ClientHello in waitClientHello. */
export function clientHelloPlan12(config: Config12, ch: ClientHello, wallNow: number): ClientHelloPlan12 {
  const { provider } = config.base;
  if (config.helloVerify && !cookieValid12(provider, config.cookieSecret, config.peer, ch)) {
    const cookie = makeCookie12(provider, config.cookieSecret, config.peer, ch);
    // RFC 6347 §4.2.1: HelloVerifyRequest.server_version is DTLS 1.0 whatever the version to be negotiated.
    return { kind: 'verify', reply: encodeHelloVerifyRequest({ serverVersion: 'dtls1_0', cookie }) };
  }
  const resumption = resumption12(config, ch, wallNow);
  return {
    kind: 'answer',
    hello: ch,
    resumption,
    suite: resumption !== undefined ? { ok: false, reason: 'resumed' } : chooseSuite12(config, ch),
  };
}
