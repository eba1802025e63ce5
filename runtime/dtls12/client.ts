/**
 * The DTLS 1.2 client handshake (spec/charts/dtls12-client.json): one variant per chart state, carrying only what that
 * state needs, and one step per transition. A step validates its message and returns the next state; a violation throws
 * (ProtocolError with its alert, DecodeError), and the connection answers with the one fatal alert.
 */
import type { Dtls12ClientGuardTable, Dtls12ClientStepTable } from '../../generated/charts/dtls12-client.js';
import { encodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import { encodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { encodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import { handshakeTypeToNumber } from '../../generated/wire/enums.js';
import { decodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { encodeServerEcdhParams } from '../../generated/wire/server-ecdh-params.js';
import { decodeServerHelloDone } from '../../generated/wire/server-hello-done.js';
import { decodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import {
  decodeTls12CertificateRequest,
  type Tls12CertificateRequest,
} from '../../generated/wire/tls12-certificate-request.js';
import { encodeTls12Certificate } from '../../generated/wire/tls12-certificate.js';
import type { Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { guardTable, stepTable } from '../machine/step-table.js';
import { bytesEqual } from '../wire/bytes.js';
import { checkDowngradeSentinel } from './downgrade.js';
import type { ClientEvent12 } from './event.js';
import { acceptServerExtensions12, clientExtensions12, offerFromClientHello12 } from './extensions.js';
import { HandshakeLog12 } from './handshake-log.js';
import { checkServerHello12, offeredGroup12 } from './hello-checks.js';
import { clientHello12, offeredSchemes12 } from './hello.js';
import { settleCids12, type HandshakeParts12 } from './handshake-parts.js';
import type { Connected12, Outcome12 } from './outcome.js';
import type { Out12 } from './flight-entry.js';
import {
  addMessage12,
  deriveMaster12,
  connected12,
  installKeys12,
  message12,
  ourFinished12,
  verifyPeerFinished12,
  type Hellos12,
  type Keyed12,
  type KeyedState,
  type Peer12,
} from './keys.js';
import { chooseScheme12, keyExchangeForKey, schemesForKey12, sign12, verify12 } from './signing.js';
import type { Session12 } from './session.js';
import { serverKeyExchangeSignedData } from './transcript.js';
import { dtls12Suite } from '../versions/suites12.js';
import { SESSION_STEPS12 } from './session-steps.js';
import {
  isPskSuite,
  pskClientKeyExchange12,
  readPskServerKeyExchange12,
  type PskServerParams12,
} from './psk-key-exchange.js';
import { clientPsk12 } from './psk.js';
import { acceptNewSessionTicket12, ticketOffer12 } from './ticket.js';
import { acceptCertificateTypes, type CertificateTypes } from '../shared/certificate-types.js';
import { acceptCertificate12, ownCertificate12 } from './certificate.js';

export type { HandshakeParts12 } from './handshake-parts.js';
export type { ClientEvent12 } from './event.js';

const EMPTY = new Uint8Array(0);

/** What the ServerHello settled, before the master secret. */
interface Hello12 extends Hellos12 {
  /** The certificate types the ServerHello settled (RFC 7250). */
  readonly certificateTypes: CertificateTypes;
  /** The ServerHello carried SessionTicket: a NewSessionTicket may follow (RFC 5077 §3.3). */
  readonly ticketExpected: boolean;
}

/** The keyed state of a client, with what its session keeps: a ticket (RFC 5077) and the PSK identity. */
type ClientKeyed12 = Keyed12 & {
  readonly ticketExpected: boolean;
  readonly ticket: { readonly ticket: Uint8Array; readonly lifetimeSeconds: number } | undefined;
};

/** What the ClientKeyExchange settled: its body, the premaster secret, and what the result reports. */
interface ClientKx12 {
  readonly body: Uint8Array;
  readonly premaster: Uint8Array;
  readonly group: KeyExchangeGroup | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  readonly pskIdentity: Uint8Array | undefined;
}

interface ServerParams12 {
  readonly group: KeyExchangeGroup;
  readonly publicKey: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
}

export type ClientState12 =
  | { readonly kind: 'start' }
  | {
      readonly kind: 'waitServerHello';
      readonly log: HandshakeLog12;
      readonly hello: ClientHello;
      readonly helloVerifyRequest: boolean;
      readonly offered: Session12 | undefined;
    }
  /** The ServerHello accepted and the session resumed: the runtime's own state between applyServerHello and resumeSession. */
  | {
      readonly kind: 'resumingSession';
      readonly hs: Hello12;
      readonly offered: Session12;
      readonly cipherSuite: Tls12ServerHello['cipherSuite'];
    }
  | { readonly kind: 'waitCertificate'; readonly hs: Hello12 }
  | { readonly kind: 'waitPskServerKeyExchange'; readonly hs: Hello12 }
  | { readonly kind: 'waitPskServerHelloDone'; readonly hs: Hello12; readonly server: PskServerParams12 }
  | { readonly kind: 'waitServerKeyExchange'; readonly hs: Hello12; readonly peer: Peer12 }
  | {
      readonly kind: 'waitCertificateRequestOrServerHelloDone';
      readonly hs: Hello12;
      readonly peer: Peer12;
      readonly server: ServerParams12;
    }
  | {
      readonly kind: 'waitServerHelloDone';
      readonly hs: Hello12;
      readonly peer: Peer12;
      readonly server: ServerParams12;
      readonly request: Tls12CertificateRequest;
    }
  | KeyedState<
      'waitNewSessionTicketOrChangeCipherSpec' | 'waitChangeCipherSpec' | 'waitFinished',
      ClientKeyed12,
      { readonly clientAuthenticated: boolean }
    >
  | KeyedState<
      'waitResumedNewSessionTicketOrChangeCipherSpec' | 'waitResumedChangeCipherSpec' | 'waitResumedFinished',
      ClientKeyed12,
      unknown
    >
  | Outcome12;

type At<K extends ClientState12['kind']> = Extract<ClientState12, { readonly kind: K }>;
type On<T extends ClientEvent12['type']> = Extract<ClientEvent12, { readonly type: T }>;

/** The session to offer: the configured one, when live and for the same server name. */
function offerable(c: HandshakeParts12): Session12 | undefined {
  const s = c.config.session;
  if (s === undefined || s.expiresAt <= c.config.wallClock() || s.serverName !== c.config.base.serverName)
    return undefined;
  return s;
}

/** waitServerHello from a ClientHello already sent (a 1.3 client's offer that also offered 1.2): its body as sent starts the transcript. */
export function clientStateFromOffer(
  c: HandshakeParts12,
  hello: ClientHello,
  body: Uint8Array,
  messageSeq: number,
): ClientState12 {
  const log = new HandshakeLog12(c.config.base.provider);
  log.add(handshakeTypeToNumber('client_hello'), messageSeq, body);
  // The offer carried our 1.2 session's ID (and ticket) beside 1.3 (RFC 5077 §3.4): the echo resumes it.
  return {
    kind: 'waitServerHello',
    log,
    hello,
    helloVerifyRequest: false,
    offered: hello.legacySessionId.length > 0 ? offerable(c) : undefined,
  };
}

/** start → waitServerHello: our first ClientHello (the session to resume, its ticket); after a HelloVerifyRequest the same hello with the cookie. */
function sendClientHello(c: HandshakeParts12, s: At<'start' | 'waitServerHello'>): At<'waitServerHello'> {
  if (s.kind === 'waitServerHello') {
    c.flights.sendFlight([message12(c, 'client_hello', encodeClientHello(s.hello), s.log)], false);
    return s;
  }
  const offered = offerable(c);
  const tickets = ticketOffer12(c.config, offered);
  const more = [...clientExtensions12(c.config.base), ...tickets.extensions];
  const hello = clientHello12(c.config, c.config.base.provider.randomBytes(32), tickets.sessionId, EMPTY, more);
  const log = new HandshakeLog12(c.config.base.provider);
  c.flights.sendFlight([message12(c, 'client_hello', encodeClientHello(hello), log)], false);
  return { kind: 'waitServerHello', log, hello, helloVerifyRequest: false, offered };
}

/** The cookie taken into the next ClientHello; the transcript starts again (RFC 6347 §4.2.1). */
function applyHelloVerifyRequest(
  _c: HandshakeParts12,
  s: At<'waitServerHello'>,
  e: On<'HelloVerifyRequest'>,
): At<'waitServerHello'> {
  const hvr = decodeHelloVerifyRequest(e.message.body);
  if (hvr.serverVersion !== 'dtls1_2' && hvr.serverVersion !== 'dtls1_0')
    throw new ProtocolError('protocol_version', `HelloVerifyRequest.server_version is ${String(hvr.serverVersion)}`);
  if (hvr.cookie.length === 0) throw new ProtocolError('illegal_parameter', 'HelloVerifyRequest with an empty cookie');
  s.log.restart();
  return { ...s, hello: { ...s.hello, legacyCookie: hvr.cookie }, helloVerifyRequest: true };
}

/** The states a ServerHello leads to, by the chart's target: a resumption is checked in `resumingSession` first. */
interface AfterServerHello {
  readonly waitResumedNewSessionTicketOrChangeCipherSpec: At<'resumingSession'>;
  readonly waitPskServerKeyExchange: At<'waitPskServerKeyExchange'>;
  readonly waitCertificate: At<'waitCertificate'>;
}

function applyServerHello<T extends keyof AfterServerHello>(
  c: HandshakeParts12,
  s: At<'waitServerHello'>,
  e: On<'ServerHello'>,
  _p: undefined,
  to: T,
): AfterServerHello[T] {
  const sh = e.payload;
  checkDowngradeSentinel(sh.random, 'DTLSv1.2', c.config.offers13 ? 'DTLSv1.3' : 'DTLSv1.2');
  const outcome = checkServerHello12(sh, {
    cipherSuites: s.hello.cipherSuites,
    extensions: s.hello.extensions.map((x) => String(x.extensionType)),
    requireExtendedMasterSecret: c.config.requireExtendedMasterSecret,
  });
  // ALPN, use_srtp and connection_id checked against what the ClientHello offered, whoever built it.
  const extensions = acceptServerExtensions12(sh, offerFromClientHello12(s.hello), c.config.base.maxDatagramSize);
  settleCids12(c, extensions);
  addMessage12(s.log, e.message);
  s.log.choose(outcome.suite.hash);
  const hs: Hello12 = {
    log: s.log,
    clientRandom: s.hello.random,
    serverRandom: sh.random,
    suite: outcome.suite,
    sessionId: sh.sessionId,
    helloVerifyRequest: s.helloVerifyRequest,
    ticketExpected: sh.extensions.some((x) => x.extensionType === 'session_ticket'),
    extendedMasterSecret: outcome.extendedMasterSecret,
    extensions,
    certificateTypes: acceptCertificateTypes(c.config.base, sh.extensions),
  };
  // A PSK suite: no Certificate; a ServerKeyExchange (ECDHE_PSK always, plain PSK with a hint) or ServerHelloDone.
  const next: AfterServerHello[keyof AfterServerHello] =
    to === 'waitResumedNewSessionTicketOrChangeCipherSpec'
      ? { kind: 'resumingSession', hs, offered: s.offered!, cipherSuite: sh.cipherSuite }
      : to === 'waitPskServerKeyExchange'
        ? { kind: 'waitPskServerKeyExchange', hs }
        : { kind: 'waitCertificate', hs };
  return next as AfterServerHello[T]; // the state `to` names
}

/** The session ID we sent echoed (RFC 5246 §7.3): the same suite, the kept master secret (RFC 7627 §5.3: made with EMS, and EMS again). */
function resumeSession(
  c: HandshakeParts12,
  s: At<'resumingSession'>,
): At<'waitResumedNewSessionTicketOrChangeCipherSpec'> {
  const { hs, offered } = s;
  if (s.cipherSuite !== offered.suite)
    throw new ProtocolError('illegal_parameter', 'a resumed session with another cipher suite');
  if (!hs.extendedMasterSecret)
    throw new ProtocolError('handshake_failure', 'a resumed session without extended_master_secret (RFC 7627 §5.3)');
  const ticket = offered.ticket !== undefined ? { ticket: offered.ticket, lifetimeSeconds: 0 } : undefined;
  const keyed: ClientKeyed12 = {
    ...hs,
    master: offered.masterSecret.slice(),
    resumed: true,
    peer: undefined,
    group: undefined,
    signatureAlgorithm: undefined,
    ticket,
    pskIdentity: offered.pskIdentity,
  };
  installKeys12(c, keyed);
  return { kind: 'waitResumedNewSessionTicketOrChangeCipherSpec', keyed };
}

function acceptServerCertificate(
  c: HandshakeParts12,
  s: At<'waitCertificate'>,
  e: On<'Certificate'>,
): At<'waitServerKeyExchange'> {
  const peer = acceptCertificate12(c.config, e.message.body, s.hs.certificateTypes.server, c.config.wallClock());
  if (keyExchangeForKey(peer.key.keyType) !== s.hs.suite.keyExchange)
    throw new ProtocolError(
      'unsupported_certificate',
      `a ${peer.key.keyType} certificate cannot serve ${s.hs.suite.name}`,
    );
  addMessage12(s.hs.log, e.message);
  return { kind: 'waitServerKeyExchange', hs: s.hs, peer };
}

/** psk_identity_hint (and ECDHE_PSK's curve and public value, unsigned: RFC 4279 §2, RFC 5489 §2). */
function applyPskServerKeyExchange(
  c: HandshakeParts12,
  s: At<'waitPskServerKeyExchange'>,
  e: On<'ServerKeyExchange'>,
): At<'waitPskServerHelloDone'> {
  const server = readPskServerKeyExchange12(s.hs.suite, e.message.body, c.config.groups);
  addMessage12(s.hs.log, e.message);
  return { kind: 'waitPskServerHelloDone', hs: s.hs, server };
}

function verifyServerKeyExchange(
  c: HandshakeParts12,
  s: At<'waitServerKeyExchange'>,
  e: On<'ServerKeyExchange'>,
): At<'waitCertificateRequestOrServerHelloDone'> {
  const ske = decodeServerKeyExchangeEcdhe(e.message.body);
  const group = offeredGroup12(c.config.groups, ske.params.namedCurve);
  const signed = serverKeyExchangeSignedData(s.hs.clientRandom, s.hs.serverRandom, encodeServerEcdhParams(ske.params));
  const signatureAlgorithm = verify12(
    c.config.base.provider,
    offeredSchemes12(c.config),
    s.peer.key,
    ske.signedParams.algorithm,
    signed,
    ske.signedParams.signature,
    'ServerKeyExchange',
  );
  addMessage12(s.hs.log, e.message);
  return {
    kind: 'waitCertificateRequestOrServerHelloDone',
    hs: s.hs,
    peer: s.peer,
    server: { group, publicKey: ske.params.publicKey, signatureAlgorithm },
  };
}

function applyCertificateRequest(
  _c: HandshakeParts12,
  s: At<'waitCertificateRequestOrServerHelloDone'>,
  e: On<'CertificateRequest'>,
): At<'waitServerHelloDone'> {
  const request = decodeTls12CertificateRequest(e.message.body);
  addMessage12(s.hs.log, e.message);
  return { kind: 'waitServerHelloDone', hs: s.hs, peer: s.peer, server: s.server, request };
}

/** The states a ServerHelloDone ends. */
type HelloDone12 = At<
  | 'waitPskServerKeyExchange'
  | 'waitPskServerHelloDone'
  | 'waitCertificateRequestOrServerHelloDone'
  | 'waitServerHelloDone'
>;

/** ServerHelloDone: the key exchange of the suite (PSK, ECDHE_PSK or ECDHE), then our flight. */
function sendClientFlight(
  c: HandshakeParts12,
  s: HelloDone12,
  e: On<'ServerHelloDone'>,
): At<'waitNewSessionTicketOrChangeCipherSpec'> {
  decodeServerHelloDone(e.message.body);
  addMessage12(s.hs.log, e.message);
  if (s.kind === 'waitCertificateRequestOrServerHelloDone' || s.kind === 'waitServerHelloDone')
    return clientFlight(c, s, ecdheKeyExchange(c, s.server));
  // Plain PSK without a hint sends no ServerKeyExchange (RFC 4279 §2); the chart's guard plainPsk let only that through.
  const server = s.kind === 'waitPskServerHelloDone' ? s.server : { hint: EMPTY, ecdh: undefined };
  const psk = clientPsk12(c.config.base);
  const kx = pskClientKeyExchange12(c.config.base.provider, s.hs.suite, psk, server);
  return clientFlight(c, s, { ...kx, signatureAlgorithm: undefined, pskIdentity: psk.identity });
}

/** storeSessionTicket: allowed only after a ServerHello with SessionTicket (RFC 5077 §3.3); the state goes on as `to`. */
function storeSessionTicket<
  S extends At<'waitNewSessionTicketOrChangeCipherSpec' | 'waitResumedNewSessionTicketOrChangeCipherSpec'>,
  K extends 'waitChangeCipherSpec' | 'waitResumedChangeCipherSpec',
>(_c: HandshakeParts12, s: S, e: On<'NewSessionTicket'>, _p: undefined, to: K): Omit<S, 'kind'> & { readonly kind: K } {
  if (!s.keyed.ticketExpected)
    throw new ProtocolError(
      'unexpected_message',
      'a NewSessionTicket after a ServerHello without SessionTicket (RFC 5077 §3.3)',
    );
  const ticket = acceptNewSessionTicket12(e.message.body);
  addMessage12(s.keyed.log, e.message);
  return { ...s, kind: to, keyed: { ...s.keyed, ticket } };
}

/** sendClientFinishedFlight: the abbreviated handshake's last flight is ours. */
function sendClientFinishedFlight(c: HandshakeParts12, s: At<'waitResumedFinished'>): At<'waitResumedFinished'> {
  c.flights.sendFlight(ourFinished12(c, s.keyed), true);
  return s;
}

function completeHandshake(c: HandshakeParts12, s: At<'waitFinished' | 'waitResumedFinished'>): At<'connected'> {
  return complete(c, s.keyed, s.kind === 'waitFinished' && s.clientAuthenticated);
}

/** The client chart's steps, one per action (`satisfies`: exactly the chart's actions). */
export const CLIENT_STEPS12 = stepTable({
  sendClientHello,
  applyHelloVerifyRequest,
  applyServerHello,
  resumeSession,
  acceptServerCertificate,
  applyPskServerKeyExchange,
  verifyServerKeyExchange,
  applyCertificateRequest,
  sendClientFlight,
  storeSessionTicket,
  verifyServerFinished: verifyPeerFinished12,
  sendClientFinishedFlight,
  completeHandshake,
  ...SESSION_STEPS12,
} satisfies Dtls12ClientStepTable);

/** The client chart's guards: pure branches over the state and the event (the ServerHello decoded before dispatch). */
export const CLIENT_GUARDS12 = guardTable({
  firstHelloVerifyRequest: (s: At<'waitServerHello'>): boolean => !s.helloVerifyRequest,
  // The session ID we sent echoed: the session's own, or the one sent with its ticket (RFC 5077 §3.4).
  sessionResumed: (s: At<'waitServerHello'>, e: On<'ServerHello'>): boolean =>
    s.offered !== undefined &&
    e.payload.sessionId.length > 0 &&
    bytesEqual(e.payload.sessionId, s.hello.legacySessionId),
  pskKeyExchange: (_s: At<'waitServerHello'>, e: On<'ServerHello'>): boolean => {
    const suite = dtls12Suite(e.payload.cipherSuite);
    return suite !== undefined && isPskSuite(suite);
  },
  // Plain PSK without a hint sends no ServerKeyExchange (RFC 4279 §2); ECDHE_PSK must (RFC 5489 §2).
  plainPsk: (s: At<'waitPskServerKeyExchange'>): boolean => s.hs.suite.keyExchange === 'psk',
} satisfies Dtls12ClientGuardTable);

/** The ECDHE ClientKeyExchange: our public value on the server's curve. */
function ecdheKeyExchange(c: HandshakeParts12, server: ServerParams12): ClientKx12 {
  const share = c.config.base.provider.generateKeyShare(server.group);
  try {
    const premaster = share.deriveSecret(server.publicKey);
    const body = encodeClientKeyExchangeEcdhe({ ecdhYc: share.publicKey });
    return {
      body,
      premaster,
      group: server.group,
      signatureAlgorithm: server.signatureAlgorithm,
      pskIdentity: undefined,
    };
  } finally {
    share.release();
  }
}

/** Our flight: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished (RFC 5246 §7.3). */
function clientFlight(
  c: HandshakeParts12,
  s: HelloDone12,
  kx: ClientKx12,
): At<'waitNewSessionTicketOrChangeCipherSpec'> {
  const { hs } = s;
  const peer = 'peer' in s ? s.peer : undefined;
  const request = s.kind === 'waitServerHelloDone' ? s.request : undefined;
  const provider = c.config.base.provider;
  const out: Out12[] = [];
  const ours = ownCertificate12(c.config, hs.certificateTypes.client);
  const key = ours.key;
  let signWith: SignatureAlgorithm | undefined;
  if (request !== undefined) {
    const fits =
      key !== undefined && schemesForKey12(key).some((sc) => request.supportedSignatureAlgorithms.includes(sc));
    const empty = encodeTls12Certificate({ certificateList: [] });
    out.push(message12(c, 'certificate', fits ? ours.body : empty, hs.log));
    if (fits && key !== undefined)
      signWith = chooseScheme12(c.config.base.signatureAlgorithms, key, request.supportedSignatureAlgorithms);
  }
  out.push(message12(c, 'client_key_exchange', kx.body, hs.log));
  const master = deriveMaster12(c.config, hs, kx.premaster);
  if (signWith !== undefined && key !== undefined) {
    const signature = sign12(provider, signWith, key, hs.log.messages());
    out.push(message12(c, 'certificate_verify', encodeCertificateVerify({ algorithm: signWith, signature }), hs.log));
  }
  hs.log.release();
  const { group, signatureAlgorithm, pskIdentity } = kx;
  const keyed: ClientKeyed12 = {
    ...hs,
    master,
    resumed: false,
    peer,
    group,
    signatureAlgorithm,
    ticket: undefined,
    pskIdentity,
  };
  installKeys12(c, keyed);
  c.flights.sendFlight([...out, ...ourFinished12(c, keyed)], false);
  return { kind: 'waitNewSessionTicketOrChangeCipherSpec', keyed, clientAuthenticated: signWith !== undefined };
}

/** completeHandshake: the session to resume (when the server gave it an ID or a ticket), then the result. */
function complete(c: HandshakeParts12, k: ClientKeyed12, clientAuthenticated: boolean): Connected12 {
  let session: Session12 | undefined;
  if ((k.sessionId.length > 0 || k.ticket !== undefined) && k.extendedMasterSecret) {
    // A ticket's lifetime hint (0: unspecified) bounds the session; two hours otherwise (RFC 5077 §3.3, RFC 5246 §F.1.4).
    const hint = k.ticket?.lifetimeSeconds ?? 0;
    const lifetimeMs = hint > 0 ? Math.min(hint, 604_800) * 1000 : 7_200_000;
    session = {
      id: k.sessionId,
      masterSecret: k.master,
      suite: k.suite.name,
      serverName: c.config.base.serverName,
      expiresAt: c.config.wallClock() + lifetimeMs,
      ...(k.ticket !== undefined ? { ticket: k.ticket.ticket } : {}),
      ...(k.pskIdentity !== undefined ? { pskIdentity: k.pskIdentity } : {}),
    };
  }
  return connected12(k, clientAuthenticated, session);
}
