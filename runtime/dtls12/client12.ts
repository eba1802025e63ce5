/**
 * The DTLS 1.2 client handshake (spec/charts/dtls12-client.json): one
 * variant per chart state, carrying only what that state needs, and one
 * step per transition. A step validates its message and returns the next
 * state; a violation throws (ProtocolError with its alert, DecodeError),
 * and the connection answers with the one fatal alert.
 */
import { encodeCertificateVerify } from '../../generated/wire/certificate-verify.js';
import { encodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeClientKeyExchangeEcdhe } from '../../generated/wire/client-key-exchange.js';
import { handshakeTypeToNumber, type HandshakeType } from '../../generated/wire/enums.js';
import { decodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import { encodeServerEcdhParams } from '../../generated/wire/server-ecdh-params.js';
import { decodeServerHelloDone } from '../../generated/wire/server-hello-done.js';
import { decodeServerKeyExchangeEcdhe } from '../../generated/wire/server-key-exchange.js';
import { decodeTls12CertificateRequest, type Tls12CertificateRequest } from '../../generated/wire/tls12-certificate-request.js';
import { decodeTls12Certificate, encodeTls12Certificate } from '../../generated/wire/tls12-certificate.js';
import { decodeTls12Finished, encodeTls12Finished } from '../../generated/wire/tls12-finished.js';
import { decodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { cachedPrivateKey } from '../connection/option-cache.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { bytesEqual } from '../wire/bytes.js';
import { checkDowngradeSentinel } from './downgrade.js';
import { eventName12, type Event12 } from './event12.js';
import { acceptServerExtensions12, clientExtensions12, offerFromClientHello12 } from './extensions12.js';
import type { Cids12 } from './cid12.js';
import { HandshakeLog12 } from './handshake-log.js';
import { checkServerHello12 } from './hello-checks.js';
import { clientHello12, offeredSchemes12 } from './hello12.js';
import type { Io12, Out12 } from './io12.js';
import { acceptChain12, checkFinished12, deriveMaster12, installKeys12, ourFinished12, type Keyed12, type Peer12 } from './keys12.js';
import { chooseScheme12, keyExchangeForKey, schemesForKey12, verify12 } from './signing12.js';
import type { Session12 } from './session12.js';
import { serverKeyExchangeSignedData } from './transcript.js';
import type { Dtls12SuiteParams } from './suites.js';
import { isPskSuite, pskClientKeyExchange12, readPskServerKeyExchange12, type PskServerParams12 } from './psk-key-exchange12.js';
import { clientPsk12 } from './psk12.js';
import { acceptNewSessionTicket12, ticketOffer12 } from './ticket12.js';

const EMPTY = new Uint8Array(0);

/** What the ServerHello settled, before the master secret. */
interface Hello12 {
  readonly log: HandshakeLog12;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly suite: Dtls12SuiteParams;
  readonly sessionId: Uint8Array;
  readonly extendedMasterSecret: boolean;
  readonly helloVerifyRequest: boolean;
  /** The CIDs of the epoch-1 records (RFC 9146), when both hellos carried connection_id. */
  readonly cids: Cids12 | undefined;
  /** The ServerHello carried SessionTicket: a NewSessionTicket may follow (RFC 5077 §3.3). */
  readonly ticketExpected: boolean;
}

/** The keyed state of a client, with what its session keeps: a ticket (RFC 5077) and the PSK identity. */
type ClientKeyed12 = Keyed12 & {
  readonly ticketExpected: boolean;
  readonly ticket: { readonly ticket: Uint8Array; readonly lifetimeSeconds: number } | undefined;
  readonly pskIdentity: Uint8Array | undefined;
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
  | { readonly kind: 'waitCertificate'; readonly hs: Hello12 }
  | { readonly kind: 'waitPskServerKeyExchange'; readonly hs: Hello12 }
  | { readonly kind: 'waitPskServerHelloDone'; readonly hs: Hello12; readonly server: PskServerParams12 }
  | { readonly kind: 'waitServerKeyExchange'; readonly hs: Hello12; readonly peer: Peer12 }
  | { readonly kind: 'waitCertificateRequestOrServerHelloDone'; readonly hs: Hello12; readonly peer: Peer12; readonly server: ServerParams12 }
  | {
      readonly kind: 'waitServerHelloDone';
      readonly hs: Hello12;
      readonly peer: Peer12;
      readonly server: ServerParams12;
      readonly request: Tls12CertificateRequest;
    }
  | {
      readonly kind: 'waitNewSessionTicketOrChangeCipherSpec' | 'waitChangeCipherSpec' | 'waitFinished';
      readonly keyed: ClientKeyed12;
      readonly clientAuthenticated: boolean;
    }
  | { readonly kind: 'waitResumedNewSessionTicketOrChangeCipherSpec' | 'waitResumedChangeCipherSpec' | 'waitResumedFinished'; readonly keyed: ClientKeyed12 }
  | { readonly kind: 'connected' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed' };

function message(io: Io12, msgType: HandshakeType, body: Uint8Array, log: HandshakeLog12 | undefined, epoch: 0 | 1 = 0): Out12 {
  const messageSeq = io.nextMessageSeq();
  log?.add(handshakeTypeToNumber(msgType), messageSeq, body);
  return { kind: 'handshake', msgType, messageSeq, body, epoch };
}

function add(log: HandshakeLog12, e: Extract<Event12, { type: 'handshake' }>): void {
  log.add(handshakeTypeToNumber(e.msgType), e.messageSeq, e.body);
}

/** The session to offer: the configured one, when live and for the same server name. */
function offerable(io: Io12): Session12 | undefined {
  const s = io.config.session;
  if (s === undefined || s.expiresAt <= io.wallClock || s.serverName !== io.config.base.serverName) return undefined;
  return s;
}

/** start → waitServerHello: sendClientHello. */
export function startClient12(io: Io12): ClientState12 {
  const offered = offerable(io);
  const tickets = ticketOffer12(io.config, offered);
  const more = [...clientExtensions12(io.config.base), ...tickets.extensions];
  const hello = clientHello12(io.config, io.config.base.provider.randomBytes(32), tickets.sessionId, EMPTY, more);
  const log = new HandshakeLog12(io.config.base.provider);
  io.flight([message(io, 'client_hello', encodeClientHello(hello), log)], false);
  return { kind: 'waitServerHello', log, hello, helloVerifyRequest: false, offered };
}

/** waitServerHello from a ClientHello already sent (a 1.3 client's offer that also offered 1.2): its body as sent starts the transcript. */
export function clientStateFromOffer(io: Io12, hello: ClientHello, body: Uint8Array, messageSeq: number): ClientState12 {
  const log = new HandshakeLog12(io.config.base.provider);
  log.add(handshakeTypeToNumber('client_hello'), messageSeq, body);
  return { kind: 'waitServerHello', log, hello, helloVerifyRequest: false, offered: undefined };
}

function unexpected(state: string, e: Event12): ProtocolError {
  return new ProtocolError('unexpected_message', `${eventName12(e)} in ${state}`);
}

/** One transition of the client chart. */
export function clientStep12(s: ClientState12, e: Event12, io: Io12): ClientState12 {
  const provider = io.config.base.provider;
  if (e.type === 'changeCipherSpec') {
    switch (s.kind) {
      case 'waitNewSessionTicketOrChangeCipherSpec':
      case 'waitChangeCipherSpec':
        return { ...s, kind: 'waitFinished' };
      case 'waitResumedNewSessionTicketOrChangeCipherSpec':
      case 'waitResumedChangeCipherSpec':
        return { kind: 'waitResumedFinished', keyed: s.keyed };
      default:
        throw unexpected(s.kind, e);
    }
  }
  switch (s.kind) {
    case 'waitServerHello': {
      if (e.msgType === 'hello_verify_request') {
        if (s.helloVerifyRequest) throw new ProtocolError('unexpected_message', 'a second HelloVerifyRequest (RFC 6347 §4.2.1 allows one per hello)');
        const hvr = decodeHelloVerifyRequest(e.body);
        if (hvr.serverVersion !== 'dtls1_2' && hvr.serverVersion !== 'dtls1_0')
          throw new ProtocolError('protocol_version', `HelloVerifyRequest.server_version is ${String(hvr.serverVersion)}`);
        if (hvr.cookie.length === 0) throw new ProtocolError('illegal_parameter', 'HelloVerifyRequest with an empty cookie');
        s.log.restart();
        const hello: ClientHello = { ...s.hello, legacyCookie: hvr.cookie };
        io.flight([message(io, 'client_hello', encodeClientHello(hello), s.log)], false);
        return { ...s, hello, helloVerifyRequest: true };
      }
      if (e.msgType !== 'server_hello') throw unexpected(s.kind, e);
      const sh = decodeTls12ServerHello(e.body);
      checkDowngradeSentinel(sh.random, 'DTLSv1.2', io.config.offers13 ? 'DTLSv1.3' : 'DTLSv1.2');
      const outcome = checkServerHello12(sh, {
        cipherSuites: s.hello.cipherSuites,
        extensions: s.hello.extensions.map((x) => String(x.extensionType)),
        requireExtendedMasterSecret: io.config.requireExtendedMasterSecret,
      });
      // ALPN, use_srtp and connection_id checked against what the ClientHello offered, whoever built it.
      const extensions = acceptServerExtensions12(sh, offerFromClientHello12(s.hello), io.config.base.maxDatagramSize);
      io.extensions(extensions);
      add(s.log, e);
      s.log.choose(outcome.suite.hash);
      const base = {
        log: s.log,
        clientRandom: s.hello.random,
        serverRandom: sh.random,
        suite: outcome.suite,
        sessionId: sh.sessionId,
        helloVerifyRequest: s.helloVerifyRequest,
        ticketExpected: sh.extensions.some((x) => x.extensionType === 'session_ticket'),
      };
      // The session ID we sent echoed: the session's own, or the one sent with its ticket (RFC 5077 §3.4).
      if (s.offered !== undefined && sh.sessionId.length > 0 && bytesEqual(sh.sessionId, s.hello.legacySessionId)) {
        // resumeSession (RFC 5246 §7.3): the same suite, the kept master secret (RFC 7627 §5.3: made with EMS, and EMS again).
        if (sh.cipherSuite !== s.offered.suite) throw new ProtocolError('illegal_parameter', 'a resumed session with another cipher suite');
        if (!outcome.extendedMasterSecret) throw new ProtocolError('handshake_failure', 'a resumed session without extended_master_secret (RFC 7627 §5.3)');
        const ticket = s.offered.ticket !== undefined ? { ticket: s.offered.ticket, lifetimeSeconds: 0 } : undefined;
        const keyed: ClientKeyed12 = {
          ...base,
          master: s.offered.masterSecret.slice(),
          resumed: true,
          extendedMasterSecret: true,
          peer: undefined,
          group: undefined,
          signatureAlgorithm: undefined,
          ticket,
          pskIdentity: s.offered.pskIdentity,
        };
        installKeys12(io, keyed.suite, keyed.master, keyed.clientRandom, keyed.serverRandom, extensions.cids);
        return { kind: 'waitResumedNewSessionTicketOrChangeCipherSpec', keyed };
      }
      const hs: Hello12 = { ...base, extendedMasterSecret: outcome.extendedMasterSecret, cids: extensions.cids };
      // A PSK suite: no Certificate; a ServerKeyExchange (ECDHE_PSK always, plain PSK with a hint) or ServerHelloDone.
      return isPskSuite(outcome.suite) ? { kind: 'waitPskServerKeyExchange', hs } : { kind: 'waitCertificate', hs };
    }
    case 'waitPskServerKeyExchange':
    case 'waitPskServerHelloDone': {
      if (e.msgType === 'server_key_exchange' && s.kind === 'waitPskServerKeyExchange') {
        const server = readPskServerKeyExchange12(s.hs.suite, e.body, io.config.groups);
        add(s.hs.log, e);
        return { kind: 'waitPskServerHelloDone', hs: s.hs, server };
      }
      // Plain PSK without a hint sends no ServerKeyExchange (RFC 4279 §2); ECDHE_PSK must (RFC 5489 §2).
      const skipped = s.kind === 'waitPskServerKeyExchange' && s.hs.suite.keyExchange === 'psk';
      if (e.msgType !== 'server_hello_done' || (s.kind === 'waitPskServerKeyExchange' && !skipped)) throw unexpected(s.kind, e);
      decodeServerHelloDone(e.body);
      add(s.hs.log, e);
      const server = s.kind === 'waitPskServerHelloDone' ? s.server : { hint: EMPTY, ecdh: undefined };
      const psk = clientPsk12(io.config);
      const kx = pskClientKeyExchange12(provider, s.hs.suite, psk, server);
      return sendClientFlight(io, s.hs, undefined, { ...kx, signatureAlgorithm: undefined, pskIdentity: psk.identity }, undefined);
    }
    case 'waitCertificate': {
      if (e.msgType !== 'certificate') throw unexpected(s.kind, e);
      const peer = acceptChain12(io.config, decodeTls12Certificate(e.body), io.wallClock);
      if (keyExchangeForKey(peer.key.keyType) !== s.hs.suite.keyExchange)
        throw new ProtocolError('unsupported_certificate', `a ${peer.key.keyType} certificate cannot serve ${s.hs.suite.name}`);
      add(s.hs.log, e);
      return { kind: 'waitServerKeyExchange', hs: s.hs, peer };
    }
    case 'waitServerKeyExchange': {
      if (e.msgType !== 'server_key_exchange') throw unexpected(s.kind, e);
      const ske = decodeServerKeyExchangeEcdhe(e.body);
      const group = io.config.groups.find((g) => g === ske.params.namedCurve);
      if (group === undefined) throw new ProtocolError('illegal_parameter', `the server chose curve ${String(ske.params.namedCurve)}, which was not offered`);
      const signed = serverKeyExchangeSignedData(s.hs.clientRandom, s.hs.serverRandom, encodeServerEcdhParams(ske.params));
      const signatureAlgorithm = verify12(
        provider,
        offeredSchemes12(io.config),
        s.peer.key,
        ske.signedParams.algorithm,
        signed,
        ske.signedParams.signature,
        'ServerKeyExchange',
      );
      add(s.hs.log, e);
      return {
        kind: 'waitCertificateRequestOrServerHelloDone',
        hs: s.hs,
        peer: s.peer,
        server: { group, publicKey: ske.params.publicKey, signatureAlgorithm },
      };
    }
    case 'waitCertificateRequestOrServerHelloDone':
    case 'waitServerHelloDone': {
      if (e.msgType === 'certificate_request' && s.kind === 'waitCertificateRequestOrServerHelloDone') {
        const request = decodeTls12CertificateRequest(e.body);
        add(s.hs.log, e);
        return { kind: 'waitServerHelloDone', hs: s.hs, peer: s.peer, server: s.server, request };
      }
      if (e.msgType !== 'server_hello_done') throw unexpected(s.kind, e);
      decodeServerHelloDone(e.body);
      add(s.hs.log, e);
      return sendClientFlight(io, s.hs, s.peer, ecdheKeyExchange(io, s.server), s.kind === 'waitServerHelloDone' ? s.request : undefined);
    }
    case 'waitNewSessionTicketOrChangeCipherSpec':
    case 'waitResumedNewSessionTicketOrChangeCipherSpec': {
      // storeSessionTicket: allowed only after a ServerHello with SessionTicket (RFC 5077 §3.3).
      if (e.msgType !== 'new_session_ticket' || !s.keyed.ticketExpected) throw unexpected(s.kind, e);
      const ticket = acceptNewSessionTicket12(e.body);
      add(s.keyed.log, e);
      const keyed: ClientKeyed12 = { ...s.keyed, ticket };
      return s.kind === 'waitNewSessionTicketOrChangeCipherSpec'
        ? { kind: 'waitChangeCipherSpec', keyed, clientAuthenticated: s.clientAuthenticated }
        : { kind: 'waitResumedChangeCipherSpec', keyed };
    }
    case 'waitFinished':
    case 'waitResumedFinished': {
      if (e.msgType !== 'finished') throw unexpected(s.kind, e);
      const fin = decodeTls12Finished(e.body);
      checkFinished12(io, s.keyed, fin.verifyData);
      add(s.keyed.log, e);
      if (s.kind === 'waitResumedFinished') {
        // sendClientFinishedFlight: the abbreviated handshake's last flight is ours.
        const body = encodeTls12Finished({ verifyData: ourFinished12(io, s.keyed) });
        io.flight([{ kind: 'changeCipherSpec' }, message(io, 'finished', body, s.keyed.log, 1)], true);
      }
      complete(io, s.keyed, s.kind === 'waitFinished' && s.clientAuthenticated);
      return { kind: 'connected' };
    }
    default:
      throw unexpected(s.kind, e);
  }
}

/** The ECDHE ClientKeyExchange: our public value on the server's curve. */
function ecdheKeyExchange(io: Io12, server: ServerParams12): ClientKx12 {
  const share = io.config.base.provider.generateKeyShare(server.group);
  try {
    const premaster = share.deriveSecret(server.publicKey);
    const body = encodeClientKeyExchangeEcdhe({ ecdhYc: share.publicKey });
    return { body, premaster, group: server.group, signatureAlgorithm: server.signatureAlgorithm, pskIdentity: undefined };
  } finally {
    share.release();
  }
}

/** sendClientFlight: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished (RFC 5246 §7.3). */
function sendClientFlight(io: Io12, hs: Hello12, peer: Peer12 | undefined, kx: ClientKx12, request: Tls12CertificateRequest | undefined): ClientState12 {
  const provider = io.config.base.provider;
  const out: Out12[] = [];
  const ours = io.config.base.certificate;
  const key = ours !== undefined ? cachedPrivateKey(provider, ours.privateKey) : undefined;
  let signWith: SignatureAlgorithm | undefined;
  if (request !== undefined) {
    const fits = key !== undefined && schemesForKey12(key).some((sc) => request.supportedSignatureAlgorithms.includes(sc));
    const chain = fits && ours !== undefined ? ours.chain : [];
    out.push(message(io, 'certificate', encodeTls12Certificate({ certificateList: chain.map((cert) => ({ cert })) }), hs.log));
    if (fits && key !== undefined) signWith = chooseScheme12(io.config.base.signatureAlgorithms, key, request.supportedSignatureAlgorithms);
  }
  out.push(message(io, 'client_key_exchange', kx.body, hs.log));
  const master = deriveMaster12(io.config, hs.suite, hs.log, kx.premaster, hs.clientRandom, hs.serverRandom, hs.extendedMasterSecret);
  if (signWith !== undefined && key !== undefined) {
    const signature = provider.sign(signWith, key, hs.log.messages());
    out.push(message(io, 'certificate_verify', encodeCertificateVerify({ algorithm: signWith, signature }), hs.log));
  }
  hs.log.release();
  const keyed: ClientKeyed12 = {
    log: hs.log,
    clientRandom: hs.clientRandom,
    serverRandom: hs.serverRandom,
    suite: hs.suite,
    master,
    sessionId: hs.sessionId,
    resumed: false,
    extendedMasterSecret: hs.extendedMasterSecret,
    helloVerifyRequest: hs.helloVerifyRequest,
    peer,
    group: kx.group,
    signatureAlgorithm: kx.signatureAlgorithm,
    ticketExpected: hs.ticketExpected,
    ticket: undefined,
    pskIdentity: kx.pskIdentity,
  };
  installKeys12(io, hs.suite, master, hs.clientRandom, hs.serverRandom, hs.cids);
  const finished = encodeTls12Finished({ verifyData: ourFinished12(io, keyed) });
  out.push({ kind: 'changeCipherSpec' }, message(io, 'finished', finished, hs.log, 1));
  io.flight(out, false);
  return { kind: 'waitNewSessionTicketOrChangeCipherSpec', keyed, clientAuthenticated: signWith !== undefined };
}

/** completeHandshake: the result, and the session to resume when the server gave it an ID or a ticket. */
function complete(io: Io12, k: ClientKeyed12, clientAuthenticated: boolean): void {
  io.complete({
    version: 'DTLSv1.2',
    cipherSuite: k.suite.name,
    group: k.group,
    signatureAlgorithm: k.signatureAlgorithm,
    extendedMasterSecret: k.extendedMasterSecret,
    resumed: k.resumed,
    helloVerifyRequest: k.helloVerifyRequest,
    clientAuthenticated,
    peerCertificateChain: k.peer?.chain,
    clientRandom: k.clientRandom,
    serverRandom: k.serverRandom,
    masterSecret: k.master,
    pskIdentity: k.pskIdentity,
  });
  if ((k.sessionId.length > 0 || k.ticket !== undefined) && k.extendedMasterSecret) {
    // A ticket's lifetime hint (0: unspecified) bounds the session; two hours otherwise (RFC 5077 §3.3, RFC 5246 §F.1.4).
    const hint = k.ticket?.lifetimeSeconds ?? 0;
    const lifetimeMs = hint > 0 ? Math.min(hint, 604_800) * 1000 : 7_200_000;
    io.session({
      id: k.sessionId,
      masterSecret: k.master,
      suite: k.suite.name,
      serverName: io.config.base.serverName,
      expiresAt: io.wallClock + lifetimeMs,
      ...(k.ticket !== undefined ? { ticket: k.ticket.ticket } : {}),
      ...(k.pskIdentity !== undefined ? { pskIdentity: k.pskIdentity } : {}),
    });
  }
}
