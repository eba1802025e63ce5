/**
 * The DTLS 1.2 server handshake (spec/charts/dtls12-server.json): one
 * variant per chart state, carrying only its data, and one step per
 * transition. In waitClientHello nothing is kept: a ClientHello without a
 * valid cookie is answered with a HelloVerifyRequest made from the hello
 * and the server secret (RFC 6347 §4.2.1), and the state stays as it was.
 */
import { decodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { decodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import { handshakeTypeToNumber, type CipherSuite, type HandshakeType, type NamedGroupName } from '../../generated/wire/enums.js';
import { encodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { encodeServerEcdhParams } from '../../generated/wire/server-ecdh-params.js';
import { encodeServerHelloDone } from '../../generated/wire/server-hello-done.js';
import { encodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import { encodeTls12CertificateRequest } from '../../generated/wire/tls12-certificate-request.js';
import { decodeTls12Certificate, encodeTls12Certificate } from '../../generated/wire/tls12-certificate.js';
import { decodeTls12Finished, encodeTls12Finished } from '../../generated/wire/tls12-finished.js';
import { encodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { KeyShare } from '../crypto/provider.js';
import { cachedPrivateKey } from '../connection/option-cache.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { cookieValid12, makeCookie12 } from './cookie12.js';
import { withDowngradeSentinel } from './downgrade.js';
import type { Cids12 } from './cid12.js';
import { eventName12, type Event12 } from './event12.js';
import { answerClientExtensions12 } from './extensions12.js';
import { HandshakeLog12 } from './handshake-log.js';
import { checkClientHello12 } from './hello-checks.js';
import { offeredSchemes12, serverHello12 } from './hello12.js';
import type { Io12, Out12 } from './io12.js';
import { acceptChain12, checkFinished12, deriveMaster12, installKeys12, ourFinished12, type Keyed12, type Peer12 } from './keys12.js';
import { chooseScheme12, keyExchangeForKey, verify12 } from './signing12.js';
import { dtls12Suite, type Dtls12SuiteParams } from './suites.js';
import { serverKeyExchangeSignedData } from './transcript.js';
import { acceptPskClientKeyExchange12, isPskSuite, pskServerKeyExchange12 } from './psk-key-exchange12.js';
import { issuesTicket12, newSessionTicket12, SESSION_TICKET_ANSWER, ticketPlan12, ticketResumption12, type TicketPlan12 } from './ticket12.js';

const EMPTY = new Uint8Array(0);

/** The full handshake before ClientKeyExchange: our ECDHE key and what was chosen. */
interface Offered12 {
  readonly log: HandshakeLog12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly suite: Dtls12SuiteParams;
  readonly sessionId: Uint8Array;
  /** Our ECDHE key (ECDHE_ECDSA, ECDHE_RSA, ECDHE_PSK); none for plain PSK. */
  readonly share: KeyShare | undefined;
  readonly signatureAlgorithm: Keyed12['signatureAlgorithm'];
  /** The ticket to issue with our last flight (RFC 5077), or undefined. */
  readonly ticket: TicketPlan12 | undefined;
  readonly extendedMasterSecret: boolean;
  readonly helloVerifyRequest: boolean;
  readonly clientCertificateRequested: boolean;
  /** The CIDs of the epoch-1 records (RFC 9146), when both hellos carried connection_id. */
  readonly cids: Cids12 | undefined;
}

/** The keyed state of a server, with the PSK identity (PSK suites) and the ticket still to issue. */
type ServerKeyed12 = Keyed12 & { readonly pskIdentity: Uint8Array | undefined; readonly ticket: TicketPlan12 | undefined };

export type ServerState12 =
  | { readonly kind: 'waitClientHello' }
  | { readonly kind: 'waitClientCertificate'; readonly hs: Offered12 }
  | { readonly kind: 'waitClientKeyExchange'; readonly hs: Offered12; readonly peer: Peer12 | undefined }
  | { readonly kind: 'waitClientCertificateVerify'; readonly keyed: ServerKeyed12; readonly peer: Peer12 }
  | { readonly kind: 'waitChangeCipherSpec' | 'waitClientFinished'; readonly keyed: ServerKeyed12; readonly clientAuthenticated: boolean }
  | { readonly kind: 'waitResumedChangeCipherSpec' | 'waitResumedFinished'; readonly keyed: ServerKeyed12 }
  | { readonly kind: 'connected' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed' };

/** What the server sends statelessly: the HelloVerifyRequest for a ClientHello without a valid cookie. */
export interface StatelessReply12 {
  readonly body: Uint8Array;
}

function message(io: Io12, msgType: HandshakeType, body: Uint8Array, log: HandshakeLog12, epoch: 0 | 1 = 0): Out12 {
  const messageSeq = io.nextMessageSeq();
  log.add(handshakeTypeToNumber(msgType), messageSeq, body);
  return { kind: 'handshake', msgType, messageSeq, body, epoch };
}

function add(log: HandshakeLog12, e: Extract<Event12, { type: 'handshake' }>): void {
  log.add(handshakeTypeToNumber(e.msgType), e.messageSeq, e.body);
}

function unexpected(state: string, e: Event12): ProtocolError {
  return new ProtocolError('unexpected_message', `${eventName12(e)} in ${state}`);
}

/**
 * The guard cookieMissing and its action sendHelloVerifyRequest, as one
 * pure look at the hello: the HelloVerifyRequest body to send, or
 * undefined when the cookie is valid (or cookies are off). Decoding errors
 * throw; the connection drops such a datagram without answering.
 */
export function helloVerifyRequestFor(io: Io12, body: Uint8Array): StatelessReply12 | undefined {
  if (!io.config.helloVerify) return undefined;
  const ch = decodeClientHello(body);
  const { provider } = io.config.base;
  if (cookieValid12(provider, io.config.cookieSecret, io.config.peer, ch)) return undefined;
  const cookie = makeCookie12(provider, io.config.cookieSecret, io.config.peer, ch);
  // RFC 6347 §4.2.1: HelloVerifyRequest.server_version is DTLS 1.0 whatever the version to be negotiated.
  return { body: encodeHelloVerifyRequest({ serverVersion: 'dtls1_0', cookie }) };
}

/** One transition of the server chart. */
export function serverStep12(s: ServerState12, e: Event12, io: Io12): ServerState12 {
  if (e.type === 'changeCipherSpec') {
    if (s.kind === 'waitChangeCipherSpec') return { ...s, kind: 'waitClientFinished' };
    if (s.kind === 'waitResumedChangeCipherSpec') return { kind: 'waitResumedFinished', keyed: s.keyed };
    throw unexpected(s.kind, e);
  }
  const provider = io.config.base.provider;
  switch (s.kind) {
    case 'waitClientHello':
      if (e.msgType !== 'client_hello') throw unexpected(s.kind, e);
      return applyClientHello(io, e);
    case 'waitClientCertificate': {
      if (e.msgType !== 'certificate') throw unexpected(s.kind, e);
      const cert = decodeTls12Certificate(e.body);
      let peer: Peer12 | undefined;
      if (cert.certificateList.length === 0) {
        if (io.config.base.clientAuthentication === 'required')
          throw new ProtocolError('handshake_failure', 'the client sent no certificate, and one is required');
      } else peer = acceptChain12(io.config, cert, io.wallClock);
      add(s.hs.log, e);
      return { kind: 'waitClientKeyExchange', hs: s.hs, peer };
    }
    case 'waitClientKeyExchange': {
      if (e.msgType !== 'client_key_exchange') throw unexpected(s.kind, e);
      let premaster: Uint8Array;
      let pskIdentity: Uint8Array | undefined;
      if (isPskSuite(s.hs.suite)) {
        ({ premaster, identity: pskIdentity } = acceptPskClientKeyExchange12(io.config.base.serverPsk, s.hs.suite, e.body, s.hs.share));
      } else {
        const cke = decodeClientKeyExchangeEcdhe(e.body);
        const share = s.hs.share!;
        try {
          premaster = share.deriveSecret(cke.ecdhYc);
        } finally {
          share.release();
        }
      }
      add(s.hs.log, e);
      const master = deriveMaster12(io.config, s.hs.suite, s.hs.log, premaster, s.hs.clientRandom, s.hs.serverRandom, s.hs.extendedMasterSecret);
      installKeys12(io, s.hs.suite, master, s.hs.clientRandom, s.hs.serverRandom, s.hs.cids);
      const keyed: ServerKeyed12 = {
        log: s.hs.log,
        clientRandom: s.hs.clientRandom,
        serverRandom: s.hs.serverRandom,
        suite: s.hs.suite,
        master,
        sessionId: s.hs.sessionId,
        resumed: false,
        extendedMasterSecret: s.hs.extendedMasterSecret,
        helloVerifyRequest: s.hs.helloVerifyRequest,
        peer: s.peer,
        group: s.hs.share?.group,
        signatureAlgorithm: s.hs.signatureAlgorithm,
        pskIdentity,
        ticket: s.hs.ticket,
      };
      if (s.peer !== undefined) return { kind: 'waitClientCertificateVerify', keyed, peer: s.peer };
      s.hs.log.release();
      return { kind: 'waitChangeCipherSpec', keyed, clientAuthenticated: false };
    }
    case 'waitClientCertificateVerify': {
      if (e.msgType !== 'certificate_verify') throw unexpected(s.kind, e);
      const cv = decodeCertificateVerify(e.body);
      verify12(provider, offeredSchemes12(io.config), s.peer.key, cv.algorithm, s.keyed.log.messages(), cv.signature, 'client CertificateVerify');
      add(s.keyed.log, e);
      s.keyed.log.release();
      return { kind: 'waitChangeCipherSpec', keyed: s.keyed, clientAuthenticated: true };
    }
    case 'waitClientFinished':
    case 'waitResumedFinished': {
      if (e.msgType !== 'finished') throw unexpected(s.kind, e);
      checkFinished12(io, s.keyed, decodeTls12Finished(e.body).verifyData);
      add(s.keyed.log, e);
      if (s.kind === 'waitClientFinished') {
        // sendServerFinishedFlight: the full handshake's last flight is ours, with a NewSessionTicket before ChangeCipherSpec (RFC 5077 §3.3).
        const out: Out12[] = [];
        const keys = io.config.base.ticketKeys;
        if (s.keyed.ticket !== undefined && keys !== undefined) {
          const contents = {
            ...s.keyed.ticket,
            suite: s.keyed.suite.name,
            masterSecret: s.keyed.master,
            pskIdentity: s.keyed.pskIdentity,
            clientAuthenticated: s.clientAuthenticated,
          };
          out.push(message(io, 'new_session_ticket', newSessionTicket12(keys, contents, io.wallClock), s.keyed.log));
        }
        const body = encodeTls12Finished({ verifyData: ourFinished12(io, s.keyed) });
        io.flight([...out, { kind: 'changeCipherSpec' }, message(io, 'finished', body, s.keyed.log, 1)], true);
        if (s.keyed.sessionId.length > 0 && s.keyed.extendedMasterSecret && io.config.sessionCache !== undefined) {
          const session = {
            id: s.keyed.sessionId,
            masterSecret: s.keyed.master,
            suite: s.keyed.suite.name,
            serverName: undefined,
            expiresAt: io.wallClock + io.config.sessionCache.lifetimeMs,
            ...(s.keyed.pskIdentity !== undefined ? { pskIdentity: s.keyed.pskIdentity } : {}),
          };
          io.config.sessionCache.store(session);
          io.session(session);
        }
      }
      io.complete({
        version: 'DTLSv1.2',
        cipherSuite: s.keyed.suite.name,
        group: s.keyed.group,
        signatureAlgorithm: s.keyed.signatureAlgorithm,
        extendedMasterSecret: s.keyed.extendedMasterSecret,
        resumed: s.keyed.resumed,
        helloVerifyRequest: s.keyed.helloVerifyRequest,
        clientAuthenticated: s.kind === 'waitClientFinished' && s.clientAuthenticated,
        peerCertificateChain: s.keyed.peer?.chain,
        clientRandom: s.keyed.clientRandom,
        serverRandom: s.keyed.serverRandom,
        masterSecret: s.keyed.master,
        pskIdentity: s.keyed.pskIdentity,
      });
      return { kind: 'connected' };
    }
    default:
      throw unexpected(s.kind, e);
  }
}

/** The suite: ours first (server preference), offered by the client, and one our certificate's key (or our `psk` option) can serve (RFC 8422 §5.3). */
/** The named group of an ECDSA key's curve (RFC 8422 §5.1.1), or undefined for other keys. */
const ECDSA_CURVES: Readonly<Record<string, NamedGroupName>> = { 'ec-p256': 'secp256r1', 'ec-p384': 'secp384r1', 'ec-p521': 'secp521r1' };

function chooseSuite(io: Io12, ch: ClientHello, keyType: string | undefined): Dtls12SuiteParams {
  let kx = keyType !== undefined ? keyExchangeForKey(keyType) : undefined;
  // RFC 8422 §5.1: ECDHE_ECDSA only when the client's supported_groups (if sent) names the certificate's curve.
  const curve = keyType !== undefined ? ECDSA_CURVES[keyType] : undefined;
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.namedGroupList;
  const curveRefused = curve !== undefined && clientGroups !== undefined && !clientGroups.includes(curve);
  if (curveRefused) kx = undefined;
  const psk = io.config.base.serverPsk !== undefined;
  for (const name of io.config.suites) {
    const p = dtls12Suite(name);
    if (p !== undefined && (p.keyExchange === kx || (psk && isPskSuite(p))) && ch.cipherSuites.includes(name)) return p;
  }
  if (curveRefused)
    throw new ProtocolError('handshake_failure', `the client's supported_groups does not name ${curve}, the curve of our ECDSA certificate (RFC 8422 §5.1)`);
  throw new ProtocolError('handshake_failure', 'no DTLS 1.2 cipher suite in common');
}

/** applyClientHello with sendServerFlight or sendResumedServerFlight. */
function applyClientHello(io: Io12, e: Extract<Event12, { type: 'handshake' }>): ServerState12 {
  const { provider, certificate, clientAuthentication } = io.config.base;
  const ch = decodeClientHello(e.body);
  if (ch.legacyVersion !== 'dtls1_2') throw new ProtocolError('protocol_version', `ClientHello.client_version is ${String(ch.legacyVersion)}, not DTLS 1.2`);
  const security = checkClientHello12(ch, io.config.requireExtendedMasterSecret);
  // ALPN (no_application_protocol when nothing is in common), use_srtp and connection_id, for either ServerHello.
  const extensions = answerClientExtensions12(io.config.base, ch);
  io.extensions(extensions.negotiated);
  io.answerClientHello(e.messageSeq);
  const log = new HandshakeLog12(provider);
  add(log, e);
  const serverMax = io.config.offers13 ? 'DTLSv1.3' : 'DTLSv1.2';
  const serverRandom = withDowngradeSentinel(provider.randomBytes(32), 'DTLSv1.2', serverMax);
  const pointFormats = findExtension(ch.extensions, 'ec_point_formats') !== undefined;
  const helloVerifyRequest = ch.legacyCookie.length > 0;

  // A ticket that opens (RFC 5077 §3.4: its session under the client's session ID), else the cache by session ID.
  const fromTicket = security.extendedMasterSecret ? ticketResumption12(io.config, ch, io.wallClock) : undefined;
  const cached = fromTicket?.session ?? io.config.sessionCache?.find(ch.legacySessionId, io.wallClock);
  if (cached !== undefined && ch.cipherSuites.includes(cached.suite) && io.config.suites.includes(cached.suite) && security.extendedMasterSecret) {
    // resumableSession → sendResumedServerFlight: ServerHello, ChangeCipherSpec, Finished (RFC 5246 §7.3).
    const suite = dtls12Suite(cached.suite)!;
    log.choose(suite.hash);
    // A renewed ticket keeps the session's start and lifetime; a session resumed by ID gets its first ticket.
    const ticket = fromTicket !== undefined && issuesTicket12(io.config, ch) ? fromTicket.contents : ticketPlan12(io.config, ch, io.wallClock);
    const sh = serverHello12(
      serverRandom,
      cached.id,
      cached.suite as CipherSuite,
      {
        pointFormats,
        secureRenegotiation: security.secureRenegotiation,
        extendedMasterSecret: security.extendedMasterSecret,
      },
      [...extensions.answers, ...(ticket !== undefined ? SESSION_TICKET_ANSWER : [])],
    );
    const out: Out12[] = [message(io, 'server_hello', encodeTls12ServerHello(sh), log)];
    if (ticket !== undefined && io.config.base.ticketKeys !== undefined) {
      const clientAuthenticated = fromTicket?.contents.clientAuthenticated ?? false;
      const contents = { ...ticket, suite: suite.name, masterSecret: cached.masterSecret, pskIdentity: cached.pskIdentity, clientAuthenticated };
      out.push(message(io, 'new_session_ticket', newSessionTicket12(io.config.base.ticketKeys, contents, io.wallClock), log));
    }
    const keyed: ServerKeyed12 = {
      log,
      clientRandom: ch.random,
      serverRandom,
      suite,
      master: cached.masterSecret.slice(),
      sessionId: cached.id,
      resumed: true,
      extendedMasterSecret: true,
      helloVerifyRequest,
      peer: undefined,
      group: undefined,
      signatureAlgorithm: undefined,
      pskIdentity: cached.pskIdentity,
      ticket: undefined,
    };
    log.release();
    installKeys12(io, suite, keyed.master, keyed.clientRandom, keyed.serverRandom, extensions.negotiated.cids);
    out.push({ kind: 'changeCipherSpec' }, message(io, 'finished', encodeTls12Finished({ verifyData: ourFinished12(io, keyed) }), log, 1));
    io.flight(out, false);
    return { kind: 'waitResumedChangeCipherSpec', keyed };
  }

  const key = certificate !== undefined ? cachedPrivateKey(provider, certificate.privateKey) : undefined;
  const suite = chooseSuite(io, ch, key?.keyType);
  log.choose(suite.hash);
  const clientGroups = findExtension(ch.extensions, 'supported_groups')?.namedGroupList;
  // RFC 8422 §4: a client without supported_groups takes any curve; secp256r1 is the one all do.
  const group = io.config.groups.find((g) => (clientGroups === undefined ? g === 'secp256r1' : clientGroups.includes(g)));
  const sessionId = io.config.sessionCache !== undefined ? provider.randomBytes(32) : EMPTY;
  const ticket = security.extendedMasterSecret ? ticketPlan12(io.config, ch, io.wallClock) : undefined;

  const out: Out12[] = [];
  out.push(
    message(
      io,
      'server_hello',
      encodeTls12ServerHello(
        serverHello12(
          serverRandom,
          sessionId,
          suite.name as CipherSuite,
          {
            pointFormats,
            secureRenegotiation: security.secureRenegotiation,
            extendedMasterSecret: security.extendedMasterSecret,
          },
          [...extensions.answers, ...(ticket !== undefined ? SESSION_TICKET_ANSWER : [])],
        ),
      ),
      log,
    ),
  );
  const hs0 = { log, clientRandom: ch.random, serverRandom, suite, sessionId, ticket, cids: extensions.negotiated.cids };
  const flags = { extendedMasterSecret: security.extendedMasterSecret, helloVerifyRequest };
  if (isPskSuite(suite)) {
    // sendServerFlight for PSK suites: ServerHello, [ServerKeyExchange], ServerHelloDone; no certificates (RFC 4279 §2, RFC 5489 §2).
    const ske = pskServerKeyExchange12(provider, suite, io.config.pskIdentityHint, group);
    if (ske.body !== undefined) out.push(message(io, 'server_key_exchange', ske.body, log));
    out.push(message(io, 'server_hello_done', encodeServerHelloDone({}), log));
    io.flight(out, false);
    const hs: Offered12 = { ...hs0, ...flags, share: ske.share, signatureAlgorithm: undefined, clientCertificateRequested: false };
    return { kind: 'waitClientKeyExchange', hs, peer: undefined };
  }
  if (certificate === undefined || key === undefined) throw new ProtocolError('handshake_failure', 'no certificate for a DTLS 1.2 ECDHE handshake');
  if (group === undefined) throw new ProtocolError('handshake_failure', 'no ECDHE group in common');
  const signatureAlgorithm = chooseScheme12(
    io.config.base.signatureAlgorithms,
    key,
    findExtension(ch.extensions, 'signature_algorithms')?.supportedSignatureAlgorithms,
  );
  out.push(message(io, 'certificate', encodeTls12Certificate({ certificateList: certificate.chain.map((cert) => ({ cert })) }), log));
  const share = provider.generateKeyShare(group);
  const params = { namedCurve: group, publicKey: share.publicKey };
  const signed = serverKeyExchangeSignedData(ch.random, serverRandom, encodeServerEcdhParams(params));
  const signature = provider.sign(signatureAlgorithm, key, signed);
  out.push(message(io, 'server_key_exchange', encodeServerKeyExchangeEcdhe({ params, signedParams: { algorithm: signatureAlgorithm, signature } }), log));
  const clientCertificateRequested = clientAuthentication !== 'none';
  if (clientCertificateRequested) {
    const request = {
      certificateTypes: ['ecdsa_sign', 'rsa_sign'] as const,
      supportedSignatureAlgorithms: [...offeredSchemes12(io.config)],
      certificateAuthorities: [],
    };
    out.push(message(io, 'certificate_request', encodeTls12CertificateRequest({ ...request, certificateTypes: [...request.certificateTypes] }), log));
  }
  out.push(message(io, 'server_hello_done', encodeServerHelloDone({}), log));
  io.flight(out, false);
  const hs: Offered12 = {
    log,
    clientRandom: ch.random,
    serverRandom,
    suite,
    sessionId,
    share,
    signatureAlgorithm,
    extendedMasterSecret: security.extendedMasterSecret,
    helloVerifyRequest,
    clientCertificateRequested,
    cids: extensions.negotiated.cids,
    ticket,
  };
  return clientCertificateRequested ? { kind: 'waitClientCertificate', hs } : { kind: 'waitClientKeyExchange', hs, peer: undefined };
}
