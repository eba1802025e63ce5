/**
 * The DTLS 1.2 server handshake (spec/charts/dtls12-server.json): one variant per chart state, carrying only its data,
 * and one step per chart action, typed `(c, state of its source, event) → the state it makes`. The generated machine
 * (`dtls12ServerStep` in generated/charts/dtls12-server-transitions.ts) calls them; the guards are pure branches over
 * the state and the event. In waitClientHello nothing is kept: a ClientHello without a valid cookie is answered with a
 * HelloVerifyRequest made from the hello and the server secret (RFC 6347 §4.2.1; the plan computed before dispatch,
 * client-hello-plan.ts), and the state stays as it was.
 */
import type { Dtls12ServerGuardTable, Dtls12ServerStepTable } from '../../generated/charts/dtls12-server.js';
import { decodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { decodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import type { CipherSuite, HandshakeType } from '../../generated/wire/enums.js';
import { encodeServerEcdhParams } from '../../generated/wire/server-ecdh-params.js';
import { encodeServerHelloDone } from '../../generated/wire/server-hello-done.js';
import { encodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import { encodeTls12CertificateRequest } from '../../generated/wire/tls12-certificate-request.js';
import { encodeTls12ServerHello, type Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { KeyShare } from '../crypto/provider.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { requestedName } from '../shared/psk-selection.js';
import { guardTable, stepTable } from '../machine/step-table.js';
import type { ClientHelloPlan12, Resumption12 } from './client-hello-plan.js';
import { sessionIdGiven12, type Session12 } from './session.js';
import { withDowngradeSentinel } from './downgrade.js';
import type { ServerEvent12 } from './event.js';
import { answerClientExtensions12, type Negotiated12Extensions } from './extensions.js';
import { HandshakeLog12 } from './handshake-log.js';
import { checkClientHello12, type ClientHello12Security } from './hello-checks.js';
import { offeredSchemes12, serverHello12 } from './hello.js';
import { settleCids12, type HandshakeParts12 } from './handshake-parts.js';
import type { Outcome12 } from './outcome.js';
import type { Out12 } from './flight-entry.js';
import {
  acceptChain12,
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
import { acceptPskClientKeyExchange12, isPskSuite, pskServerKeyExchange12 } from './psk-key-exchange.js';
import { SESSION_STEPS12 } from './session-steps.js';
import { chooseScheme12, sign12, verify12 } from './signing.js';
import { dtls12Suite } from '../versions/suites12.js';
import { grantFor } from '../shared/ticket-grant.js';
import {
  issuesTicket12,
  newSessionTicket12,
  SESSION_TICKET_ANSWER,
  ticketPlan12,
  type TicketPlan12,
} from './ticket.js';
import { serverKeyExchangeSignedData } from './transcript.js';
import {
  certificateTypeAnswers,
  chooseCertificateTypes,
  type CertificateTypes,
  type ServerCertificateTypes,
} from '../shared/certificate-types.js';
import { decodeCertificate12, ownCertificate12 } from './certificate.js';

export type { HandshakeParts12 } from './handshake-parts.js';
export type { ServerEvent12 } from './event.js';

/** The full handshake before ClientKeyExchange: our ECDHE key and what was chosen. */
interface Offered12 extends Hellos12 {
  /** Our ECDHE key (ECDHE_ECDSA, ECDHE_RSA, ECDHE_PSK); none for plain PSK. */
  readonly share: KeyShare | undefined;
  readonly signatureAlgorithm: Keyed12['signatureAlgorithm'];
  /** The ticket to issue with our last flight (RFC 5077), or undefined. */
  readonly ticket: TicketPlan12 | undefined;
  readonly clientCertificateRequested: boolean;
  /** The certificate types the hellos settled (RFC 7250). */
  readonly certificateTypes: CertificateTypes;
  /** The server_name the client asked for: a session kept by ID resumes only under the same name. */
  readonly serverName: string | undefined;
}

/** The keyed state of a server, with the PSK identity (PSK suites), the ticket still to issue and the name asked for. */
type ServerKeyed12 = Keyed12 & {
  /** What the session grants (ticket-grant.ts), made when the key exchange was read: the PSK is looked up once. */
  readonly grant: Uint8Array;
  readonly ticket: TicketPlan12 | undefined;
  readonly serverName: string | undefined;
  /** The session cached with our last flight of a full handshake. */
  readonly stored?: Session12;
};

/** A ClientHello accepted (applyClientHello), before the flight that answers it: the runtime's own state between two chart states. */
interface Answering12 {
  readonly log: HandshakeLog12;
  readonly hello: ClientHello;
  /** What either ServerHello answers of RFC 7627, RFC 5746 and RFC 8422's point formats. */
  readonly answer: ClientHello12Security & { readonly pointFormats: boolean };
  readonly extensions: Negotiated12Extensions;
  readonly answers: ReturnType<typeof answerClientExtensions12>['answers'];
  readonly certificateTypes: ServerCertificateTypes;
  readonly serverRandom: Uint8Array;
  readonly helloVerifyRequest: boolean;
}

export type ServerState12 =
  | { readonly kind: 'waitClientHello' }
  | { readonly kind: 'answeringClientHello'; readonly hs: Answering12 }
  | { readonly kind: 'waitClientCertificate'; readonly hs: Offered12 }
  | { readonly kind: 'waitClientKeyExchange'; readonly hs: Offered12; readonly peer: Peer12 | undefined }
  | { readonly kind: 'waitClientCertificateVerify'; readonly keyed: ServerKeyed12; readonly peer: Peer12 }
  | KeyedState<'waitChangeCipherSpec' | 'waitClientFinished', ServerKeyed12, { readonly clientAuthenticated: boolean }>
  | KeyedState<'waitResumedChangeCipherSpec' | 'waitResumedFinished', ServerKeyed12, unknown>
  | Outcome12;

type At<K extends ServerState12['kind']> = Extract<ServerState12, { readonly kind: K }>;
type On<T extends ServerEvent12['type']> = Extract<ServerEvent12, { readonly type: T }>;

/** The plan a ClientHello in waitClientHello carries (none only for a renegotiation attempt, which `connected` refuses). */
function planOf(e: On<'ClientHello'>): ClientHelloPlan12 {
  if (e.plan === undefined)
    throw new ProtocolError('internal_error', 'a ClientHello without its plan (client-hello-plan.ts)');
  return e.plan;
}

function answerOf(e: On<'ClientHello'>): Extract<ClientHelloPlan12, { kind: 'answer' }> {
  const plan = planOf(e);
  if (plan.kind !== 'answer')
    throw new ProtocolError('internal_error', 'a ClientHello answered without a valid cookie');
  return plan;
}

function sendHelloVerifyRequest(
  c: HandshakeParts12,
  s: At<'waitClientHello'>,
  e: On<'ClientHello'>,
): At<'waitClientHello'> {
  const plan = planOf(e);
  if (plan.kind !== 'verify')
    throw new ProtocolError('internal_error', 'a HelloVerifyRequest for a ClientHello with a valid cookie');
  c.outbox.helloVerifyRequest(plan.reply, e.message.messageSeq, e.message.recordSequenceNumber);
  return s;
}

/** The checks of a ClientHello both answers share; the ServerHello's extensions (ALPN: no_application_protocol when nothing is in common). */
function applyClientHello(
  c: HandshakeParts12,
  _s: At<'waitClientHello'>,
  e: On<'ClientHello'>,
): At<'answeringClientHello'> {
  const ch = answerOf(e).hello;
  if (ch.legacyVersion !== 'dtls1_2')
    throw new ProtocolError(
      'protocol_version',
      `ClientHello.client_version is ${String(ch.legacyVersion)}, not DTLS 1.2`,
    );
  const security = checkClientHello12(ch, c.config.requireExtendedMasterSecret);
  // ALPN, use_srtp and connection_id, for either ServerHello.
  const answered = answerClientExtensions12(c.config.base, ch);
  settleCids12(c, answered.negotiated);
  const log = new HandshakeLog12(c.config.base.provider);
  addMessage12(log, e.message);
  const serverMax = c.config.offers13 ? 'DTLSv1.3' : 'DTLSv1.2';
  return {
    kind: 'answeringClientHello',
    hs: {
      log,
      hello: ch,
      answer: { ...security, pointFormats: findExtension(ch.extensions, 'ec_point_formats') !== undefined },
      extensions: answered.negotiated,
      answers: answered.answers,
      certificateTypes: chooseCertificateTypes(c.config.base, ch, c.config.base.certificate !== undefined),
      serverRandom: withDowngradeSentinel(c.config.base.provider.randomBytes(32), 'DTLSv1.2', serverMax),
      helloVerifyRequest: ch.legacyCookie.length > 0,
    },
  };
}

/** The first ticket of a session resumed by ID: issued as of the full handshake's time, so it ends when the session does. */
function idResumptionTicket12(
  c: HandshakeParts12,
  ch: ClientHello,
  cached: Session12,
): ReturnType<typeof ticketPlan12> {
  const plan = ticketPlan12(c.config, ch, c.config.wallClock());
  if (plan === undefined) return undefined;
  return { ...plan, issuedAt: Math.min(c.config.wallClock(), cached.expiresAt - plan.lifetimeSeconds * 1000) };
}

/** sendResumedServerFlight: ServerHello, [NewSessionTicket], ChangeCipherSpec, Finished (RFC 5246 §7.3, RFC 5077 §3.2). */
function sendResumedServerFlight(
  c: HandshakeParts12,
  s: At<'answeringClientHello'>,
  e: On<'ClientHello'>,
): At<'waitResumedChangeCipherSpec'> {
  const { hs } = s;
  const ch = hs.hello;
  const resumption: Resumption12 | undefined = answerOf(e).resumption;
  if (resumption === undefined) throw new ProtocolError('internal_error', 'a resumed flight without a session');
  const { session: cached, fromTicket } = resumption;
  const suite = dtls12Suite(cached.suite)!;
  hs.log.choose(suite.hash);
  // A renewed ticket keeps the session's start and lifetime; a session resumed by ID gets its first ticket, which
  // expires with the cached session (its start moved back): a chain of resumptions lives one lifetime, not two.
  const ticket =
    fromTicket !== undefined && issuesTicket12(c.config, ch)
      ? fromTicket.contents
      : idResumptionTicket12(c, ch, cached);
  const sh = serverHello12(hs.serverRandom, cached.id, cached.suite as CipherSuite, hs.answer, [
    ...hs.answers,
    ...(ticket !== undefined ? SESSION_TICKET_ANSWER : []),
  ]);
  const out: Out12[] = [message12(c, 'server_hello', serverHelloBody12(sh), hs.log)];
  if (ticket !== undefined) {
    const clientAuthenticated = fromTicket?.contents.clientAuthenticated ?? cached.clientAuthenticated ?? false;
    const { masterSecret, pskIdentity } = cached;
    out.push(
      ...ticketMessage12(c, { ...ticket, suite: suite.name, masterSecret, pskIdentity, clientAuthenticated }, hs.log),
    );
  }
  const keyed: ServerKeyed12 = {
    log: hs.log,
    clientRandom: ch.random,
    serverRandom: hs.serverRandom,
    suite,
    master: cached.masterSecret.slice(),
    sessionId: cached.id,
    resumed: true,
    extendedMasterSecret: true,
    helloVerifyRequest: hs.helloVerifyRequest,
    peer: undefined,
    group: undefined,
    signatureAlgorithm: undefined,
    pskIdentity: cached.pskIdentity,
    grant: new Uint8Array(0), // a resumption issues from its ticket's or the cached session's own grant
    ticket: undefined,
    serverName: cached.serverName,
    extensions: hs.extensions,
  };
  hs.log.release();
  installKeys12(c, keyed);
  c.flights.sendFlight([...out, ...ourFinished12(c, keyed)], false);
  return { kind: 'waitResumedChangeCipherSpec', keyed };
}

/** `m` with its datagrams sent after the rest of its flight's (shared/handshake-outbox.ts). */
function sentLast(m: Out12): Out12 {
  return m.kind === 'handshake' ? { ...m, sentLast: true } : m;
}

/** sendServerFlight: ServerHello, Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone; for PSK suites ServerHello, [ServerKeyExchange], ServerHelloDone. */
function sendServerFlight<T extends 'waitClientCertificate' | 'waitClientKeyExchange'>(
  c: HandshakeParts12,
  s: At<'answeringClientHello'>,
  e: On<'ClientHello'>,
  _p: undefined,
  to: T,
): At<T> {
  const { provider } = c.config.base;
  const { hs } = s;
  const ch = hs.hello;
  const choice = answerOf(e).suite;
  if (!choice.ok) throw new ProtocolError('handshake_failure', choice.reason);
  const suite = choice.suite;
  hs.log.choose(suite.hash);
  const ticket = hs.answer.extendedMasterSecret ? ticketPlan12(c.config, ch, c.config.wallClock()) : undefined;
  const clientCertificateRequested = to === 'waitClientCertificate';
  const rest = serverFlightAfterHello12(c, hs, suite, clientCertificateRequested);
  const serverHello = (sessionId: Uint8Array): Uint8Array =>
    serverHelloBody12(
      serverHello12(hs.serverRandom, sessionId, suite.name as CipherSuite, hs.answer, [
        ...hs.answers,
        ...certificateTypeAnswers(hs.certificateTypes, !isPskSuite(suite), clientCertificateRequested),
        ...(ticket !== undefined ? SESSION_TICKET_ANSWER : []),
      ]),
    );
  const newId = c.config.sessionCache !== undefined ? provider.randomBytes(32) : new Uint8Array(0);
  const withId = serverHello(newId);
  // A client without the SessionTicket extension resumes by ID only, as pion/dtls 2.x does: it keeps the ID of a
  // ServerHello it read, reads the ServerHello again on each later datagram of the flight and then takes that ID for a
  // resumption (docs/interop.md). So after a HelloVerifyRequest its ServerHello's datagram goes last (the whole flight
  // is there as the ServerHello arrives); without one, a new ID only in a flight of one datagram.
  const ticketless = findExtension(ch.extensions, 'session_ticket') === undefined;
  const flight = [withId, ...rest.messages.map((m) => m.body)];
  const given = !ticketless || sessionIdGiven12(hs.helloVerifyRequest, flight, c.config.base.maxDatagramSize);
  const sessionId = given ? newId : new Uint8Array(0);
  const hello = message12(c, 'server_hello', given ? withId : serverHello(sessionId), hs.log);
  const out: Out12[] = [
    ticketless && sessionId.length > 0 && hs.helloVerifyRequest ? sentLast(hello) : hello,
    ...rest.messages.map((m) => message12(c, m.msgType, m.body, hs.log)),
  ];
  c.flights.sendFlight(out, false);
  const offered: Offered12 = {
    log: hs.log,
    clientRandom: ch.random,
    serverRandom: hs.serverRandom,
    suite,
    sessionId,
    ticket,
    extensions: hs.extensions,
    serverName: requestedName(ch),
    extendedMasterSecret: hs.answer.extendedMasterSecret,
    helloVerifyRequest: hs.helloVerifyRequest,
    certificateTypes: hs.certificateTypes.types,
    share: rest.share,
    signatureAlgorithm: rest.signatureAlgorithm,
    clientCertificateRequested,
  };
  const next: At<'waitClientCertificate' | 'waitClientKeyExchange'> = clientCertificateRequested
    ? { kind: 'waitClientCertificate', hs: offered }
    : { kind: 'waitClientKeyExchange', hs: offered, peer: undefined };
  return next as At<T>; // the variant `to` names
}

/**
 * The messages of a full handshake's flight after the ServerHello, made before any is numbered and logged (the
 * ServerHello's session ID depends on the flight's size): Certificate, ServerKeyExchange, [CertificateRequest],
 * ServerHelloDone; for PSK suites [ServerKeyExchange], ServerHelloDone (RFC 4279 §2, RFC 5489 §2).
 */
function serverFlightAfterHello12(
  c: HandshakeParts12,
  hs: At<'answeringClientHello'>['hs'],
  suite: NonNullable<ReturnType<typeof dtls12Suite>>,
  clientCertificateRequested: boolean,
): {
  readonly messages: readonly { readonly msgType: HandshakeType; readonly body: Uint8Array }[];
  readonly share: KeyShare | undefined;
  readonly signatureAlgorithm: Keyed12['signatureAlgorithm'];
} {
  const { provider } = c.config.base;
  const ch = hs.hello;
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.namedGroupList;
  // RFC 8422 §4: a client without supported_groups takes any curve; secp256r1 is the one all do.
  const group = c.config.groups.find((g) =>
    clientGroups === undefined ? g === 'secp256r1' : clientGroups.includes(g),
  );
  const done = { msgType: 'server_hello_done' as const, body: encodeServerHelloDone({}) };
  if (isPskSuite(suite)) {
    // No certificates; a ServerKeyExchange for ECDHE_PSK or a hint.
    const ske = pskServerKeyExchange12(provider, suite, c.config.pskIdentityHint, group);
    const messages = ske.body !== undefined ? [{ msgType: 'server_key_exchange' as const, body: ske.body }] : [];
    return { messages: [...messages, done], share: ske.share, signatureAlgorithm: undefined };
  }
  const own = ownCertificate12(c.config, hs.certificateTypes.types.server);
  const key = own.key;
  if (key === undefined) throw new ProtocolError('handshake_failure', 'no certificate for a DTLS 1.2 ECDHE handshake');
  if (group === undefined) throw new ProtocolError('handshake_failure', 'no ECDHE group in common');
  const signatureAlgorithm = chooseScheme12(
    c.config.base.signatureAlgorithms,
    key,
    findExtension(ch.extensions, 'signature_algorithms')?.supportedSignatureAlgorithms,
  );
  // A share made ahead where the provider holds them for servers (native, X25519).
  const share = provider.serverKeyShare?.(group) ?? provider.generateKeyShare(group);
  const params = { namedCurve: group, publicKey: share.publicKey };
  const signed = serverKeyExchangeSignedData(ch.random, hs.serverRandom, encodeServerEcdhParams(params));
  const signature = sign12(provider, signatureAlgorithm, key, signed);
  const messages: { readonly msgType: HandshakeType; readonly body: Uint8Array }[] = [
    { msgType: 'certificate', body: own.body },
    {
      msgType: 'server_key_exchange',
      body: encodeServerKeyExchangeEcdhe({ params, signedParams: { algorithm: signatureAlgorithm, signature } }),
    },
  ];
  if (clientCertificateRequested) {
    const request = {
      certificateTypes: ['ecdsa_sign' as const, 'rsa_sign' as const],
      supportedSignatureAlgorithms: [...offeredSchemes12(c.config)],
      certificateAuthorities: [],
    };
    messages.push({ msgType: 'certificate_request', body: encodeTls12CertificateRequest(request) });
  }
  return { messages: [...messages, done], share, signatureAlgorithm };
}

function acceptClientCertificate(
  c: HandshakeParts12,
  s: At<'waitClientCertificate'>,
  e: On<'Certificate'>,
): At<'waitClientKeyExchange'> {
  const type = s.hs.certificateTypes.client;
  const cert = decodeCertificate12(e.message.body, type);
  let peer: Peer12 | undefined;
  if (cert.certificateList.length === 0) {
    if (c.config.base.clientAuthentication === 'required')
      throw new ProtocolError('handshake_failure', 'the client sent no certificate, and one is required');
  } else peer = acceptChain12(c.config, cert, c.config.wallClock(), type);
  addMessage12(s.hs.log, e.message);
  return { kind: 'waitClientKeyExchange', hs: s.hs, peer };
}

/** Its target (`to`) is the chart's, which chose it by whether the client sent a certificate (`s.peer`). */
function applyClientKeyExchange<T extends 'waitClientCertificateVerify' | 'waitChangeCipherSpec'>(
  c: HandshakeParts12,
  s: At<'waitClientKeyExchange'>,
  e: On<'ClientKeyExchange'>,
  _p: undefined,
  _to: T,
): At<T> {
  const { hs } = s;
  let premaster: Uint8Array;
  let pskIdentity: Uint8Array | undefined;
  let grant: Uint8Array;
  if (isPskSuite(hs.suite)) {
    const accepted = acceptPskClientKeyExchange12(c.config.base.serverPsk, hs.suite, e.message.body, hs.share);
    ({ premaster, identity: pskIdentity } = accepted);
    grant = grantFor(c.config.base, { identity: accepted.identity, key: accepted.psk.key, hash: accepted.psk.hash });
  } else {
    grant = grantFor(c.config.base, undefined);
    const cke = decodeClientKeyExchangeEcdhe(e.message.body);
    const share = hs.share!;
    try {
      premaster = share.deriveSecret(cke.ecdhYc);
    } finally {
      share.release();
    }
  }
  addMessage12(hs.log, e.message);
  const master = deriveMaster12(c.config, hs, premaster);
  // Field by field, one shape for every handshake: an object rest and spread here cost some 7 KB of allocation each.
  const keyed: ServerKeyed12 = {
    log: hs.log,
    clientRandom: hs.clientRandom,
    serverRandom: hs.serverRandom,
    suite: hs.suite,
    master,
    sessionId: hs.sessionId,
    resumed: false,
    extendedMasterSecret: hs.extendedMasterSecret,
    helloVerifyRequest: hs.helloVerifyRequest,
    peer: s.peer,
    group: hs.share?.group, // the ECDHE key is used up: only its group is kept
    signatureAlgorithm: hs.signatureAlgorithm,
    pskIdentity,
    grant,
    ticket: hs.ticket,
    serverName: hs.serverName,
    extensions: hs.extensions,
  };
  installKeys12(c, keyed);
  if (s.peer === undefined) hs.log.release();
  const next: At<'waitClientCertificateVerify' | 'waitChangeCipherSpec'> =
    s.peer !== undefined
      ? { kind: 'waitClientCertificateVerify', keyed, peer: s.peer }
      : { kind: 'waitChangeCipherSpec', keyed, clientAuthenticated: false };
  return next as At<T>; // the variant the chart named by the same test
}

function verifyClientCertificateVerify(
  c: HandshakeParts12,
  s: At<'waitClientCertificateVerify'>,
  e: On<'CertificateVerify'>,
): At<'waitChangeCipherSpec'> {
  const cv = decodeCertificateVerify(e.message.body);
  verify12(
    c.config.base.provider,
    offeredSchemes12(c.config),
    s.peer.key,
    cv.algorithm,
    s.keyed.log.messages(),
    cv.signature,
    'client CertificateVerify',
  );
  addMessage12(s.keyed.log, e.message);
  s.keyed.log.release();
  return { kind: 'waitChangeCipherSpec', keyed: s.keyed, clientAuthenticated: true };
}

/** sendServerFinishedFlight: the full handshake's last flight is ours, with a NewSessionTicket before ChangeCipherSpec (RFC 5077 §3.3); the session cached. */
function sendServerFinishedFlight(c: HandshakeParts12, s: At<'waitClientFinished'>): At<'waitClientFinished'> {
  const { ticket, suite, master: masterSecret, pskIdentity, grant, sessionId, serverName } = s.keyed;
  const { clientAuthenticated } = s;
  // The ticket's contents as one literal: spreads of the plan and the keys into it were V8's slow copy.
  const out =
    ticket === undefined
      ? []
      : ticketMessage12(
          c,
          {
            suite: suite.name,
            masterSecret,
            issuedAt: ticket.issuedAt,
            lifetimeSeconds: ticket.lifetimeSeconds,
            serverName: ticket.serverName,
            pskIdentity,
            clientAuthenticated,
            grant,
          },
          s.keyed.log,
        );
  c.flights.sendFlight([...out, ...ourFinished12(c, s.keyed)], true);
  const cache = c.config.sessionCache;
  if (sessionId.length > 0 && s.keyed.extendedMasterSecret && cache !== undefined) {
    const expiresAt = c.config.wallClock() + cache.lifetimeMs;
    // Literals, not spreads: a spread into a literal with more fields is V8's slow copy (a few KB per handshake).
    const session: Session12 =
      pskIdentity === undefined
        ? { id: sessionId, masterSecret, suite: suite.name, serverName, expiresAt, clientAuthenticated, grant }
        : {
            id: sessionId,
            masterSecret,
            suite: suite.name,
            serverName,
            expiresAt,
            clientAuthenticated,
            grant,
            pskIdentity,
          };
    cache.store(session);
    return { kind: s.kind, keyed: keyedWithSession(s.keyed, session), clientAuthenticated };
  }
  return s;
}

/** `k` and the session cached with our last flight, field by field (one shape, no spread's copy). */
function keyedWithSession(k: ServerKeyed12, stored: Session12): ServerKeyed12 {
  return {
    log: k.log,
    clientRandom: k.clientRandom,
    serverRandom: k.serverRandom,
    suite: k.suite,
    master: k.master,
    sessionId: k.sessionId,
    resumed: k.resumed,
    extendedMasterSecret: k.extendedMasterSecret,
    helloVerifyRequest: k.helloVerifyRequest,
    peer: k.peer,
    group: k.group,
    signatureAlgorithm: k.signatureAlgorithm,
    pskIdentity: k.pskIdentity,
    grant: k.grant,
    ticket: k.ticket,
    serverName: k.serverName,
    extensions: k.extensions,
    stored,
  };
}

function completeHandshake(c: HandshakeParts12, s: At<'waitClientFinished' | 'waitResumedFinished'>): At<'connected'> {
  // The client's Finished verified under the cached master secret: the session proved itself, the cache keeps it longer.
  if (s.kind === 'waitResumedFinished' && s.keyed.sessionId.length > 0)
    c.config.sessionCache?.proven(s.keyed.sessionId);
  return connected12(s.keyed, s.kind === 'waitClientFinished' && s.clientAuthenticated, s.keyed.stored);
}

/** Our NewSessionTicket sealing `contents` (RFC 5077 §3.3), added to `log`; none without ticket keys. */
function ticketMessage12(
  c: HandshakeParts12,
  contents: Parameters<typeof newSessionTicket12>[2],
  log: HandshakeLog12,
): Out12[] {
  const keys = c.config.base.ticketKeys;
  if (keys === undefined) return [];
  return [message12(c, 'new_session_ticket', newSessionTicket12(c.config, keys, contents, c.config.wallClock()), log)];
}

/** The server chart's steps, one per action (`satisfies`: exactly the chart's actions). */
export const SERVER_STEPS12 = stepTable({
  sendHelloVerifyRequest,
  applyClientHello,
  sendResumedServerFlight,
  sendServerFlight,
  acceptClientCertificate,
  applyClientKeyExchange,
  verifyClientCertificateVerify,
  verifyClientFinished: verifyPeerFinished12,
  sendServerFinishedFlight,
  completeHandshake,
  ...SESSION_STEPS12,
} satisfies Dtls12ServerStepTable);

/** The server chart's guards: pure branches over the state, the event (the ClientHello's plan) and the configuration. */
export const SERVER_GUARDS12 = guardTable({
  cookieMissing: (_s: At<'waitClientHello'>, e: On<'ClientHello'>): boolean => e.plan?.kind === 'verify',
  resumableSession: (_s: At<'waitClientHello'>, e: On<'ClientHello'>): boolean =>
    e.plan?.kind === 'answer' && e.plan.resumption !== undefined,
  clientCertificateRequested: (_s: At<'waitClientHello'>, e: On<'ClientHello'>, c: HandshakeParts12): boolean =>
    e.plan?.kind === 'answer' &&
    e.plan.suite.ok &&
    !isPskSuite(e.plan.suite.suite) &&
    c.config.base.clientAuthentication !== 'none',
  clientCertificateSent: (s: At<'waitClientKeyExchange'>): boolean => s.peer !== undefined,
} satisfies Dtls12ServerGuardTable);

/**
 * The ServerHello's bytes: without an extensions block when it has no extension (RFC 5246 §7.4.1.4, the client sent
 * none, or none we answer: a ClientHello without extensions, client-hello-body.ts). An empty block is legal too, but
 * clients that send no extensions read none back (node-dtls-client hashes the ServerHello without it, and its Finished
 * then fails).
 */
function serverHelloBody12(sh: Tls12ServerHello): Uint8Array {
  const body = encodeTls12ServerHello(sh);
  return sh.extensions.length === 0 ? body.subarray(0, body.length - 2) : body;
}
