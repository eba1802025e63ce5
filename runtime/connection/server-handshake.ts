import { answerClientCid } from '../cid/negotiation.js';
import type { Dtls13ServerEvent, Dtls13ServerImplementation } from '../../generated/charts/dtls13-server.js';
import type { ClientHello } from '../../generated/wire/index.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { negotiate, type ServerChoice, type ServerPreferences } from '../handshake/negotiation.js';
import { resumptionPsk } from '../keyschedule/derived-keys.js';
import { encodeTicketContents } from '../session/ticket-contents.js';
import { ticketNamesAddress } from '../session/ticket-address.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { findExtension } from '../handshake/extensions.js';
import { decodeAlpnName } from '../session/alpn.js';
import { credentialsFor, offeredServerName, type SelectedCredentials } from './sni-selection.js';
import { serverExtensionAnswers, serverExtensionChoices, type ServerExtensionChoices } from './extension-answers.js';
import { Transcript } from '../keyschedule/transcript.js';
import { type ChartBinding, payloadOf } from './chart-binding.js';
import type { ConnectionParts } from './connection-parts.js';
import { deriveApplicationSecrets, deriveEarlySecret, deriveHandshakeKeys, deriveResumptionSecret, negotiatedParameters, scheduleFor } from './key-material.js';
import {
  certificateBody,
  certificateRequestBody,
  certificateVerifyBody,
  encryptedExtensionsBody,
  finishedBody,
  helloRetryRequestBody,
  newSessionTicketBody,
  serverHelloBody,
} from './messages.js';
import { requestedName, selectPsk, TICKET_AGE_TOLERANCE_MS, type SelectedPsk } from './psk-selection.js';
import {
  applyPostHandshakeCertificate,
  applyPostHandshakeCertificateVerify,
  applyPostHandshakeFinished,
  requestClientCertificate,
} from './post-handshake-auth.js';
import { acceptPeerCertificate, checkCertificateVerify, checkFinished } from './peer-authentication.js';
import type { AcceptedHello, ServerState } from './server-states.js';
import { sessionActions } from './session-actions.js';
import { ChartContext, sharedCidActions, sharedSteps } from './chart-context.js';
import type { StatelessRetry } from './stateless-retry.js';

export type ServerBinding = ChartBinding<ServerState, Dtls13ServerEvent>;

/** A server chart actor's context (one per actor; role-driver.ts makes it): with the cookie exchange the connection started from, if any. */
export class ServerContext extends ChartContext<ServerState, Dtls13ServerEvent> {
  readonly statelessRetry: StatelessRetry | undefined;

  constructor(parts: ConnectionParts, binding: ServerBinding, failMessage: () => string | undefined, statelessRetry: StatelessRetry | undefined) {
    super(parts, binding, failMessage, { kind: 'closed' });
    this.statelessRetry = statelessRetry;
  }
}

/** The actions both roles share, once for every server connection. */
const SESSION_ACTIONS = sessionActions<Dtls13ServerEvent>();
const CID_ACTIONS = sharedCidActions<Dtls13ServerEvent>();
const { step, anyStep, guard } = sharedSteps<ServerState, Dtls13ServerEvent, ServerContext>();

/**
 * The server chart's actions and guards (RFC 8446 §4, RFC 9147 §5), each a
 * step over the server's typed state.
 */
function serverImplementation(): Dtls13ServerImplementation<ServerContext> {
  // The certificate is chosen per ClientHello (server_name, RFC 6066), and with it the schemes we can sign with.
  const preferencesFor = (c: ServerContext, credentials: SelectedCredentials | undefined): ServerPreferences => {
    const ownSchemes = credentials ? schemesForKey(credentials.key) : [];
    return {
      cipherSuites: c.parts.config.cipherSuites,
      groups: c.parts.config.groups,
      signatureAlgorithms: c.parts.config.signatureAlgorithms.filter((a) => ownSchemes.includes(a)),
    };
  };
  // What a ClientHello leads to, worked out once for the guards and the action that follow it.
  // One map for every connection: its keys are the decoded ClientHello of one event of one connection each.
  const plans = new WeakMap<ClientHello, HelloPlan | { readonly error: unknown }>();
  const plan = (c: ServerContext, s: ServerState, event: Dtls13ServerEvent): HelloPlan => {
    const ch = payloadOf(event, 'ClientHello');
    let p = plans.get(ch);
    if (!p) {
      try {
        const before = s.kind === 'waitSecondClientHello' ? s.retry.transcript : new Transcript(c.parts.provider);
        const servername = offeredServerName(ch);
        if (s.kind === 'waitSecondClientHello' && s.retry.firstServerName && s.retry.firstServerName.name !== servername)
          throw new ProtocolError('illegal_parameter', 'the second ClientHello changes server_name (RFC 8446 §4.1.2)');
        const credentials = credentialsFor(c.parts.provider, c.parts.config.certificate, c.parts.config.sni, servername, {
          ch,
          ourSchemes: c.parts.config.signatureAlgorithms,
        });
        const psk = selectPsk(ch, c.binding.message().body, before, c.parts.config, c.parts.wallClock());
        const choice = negotiate(ch, preferencesFor(c, credentials), psk && { hash: psk.hash, mode: psk.mode });
        const alpn = chooseAlpn(c, ch);
        const extensions = serverExtensionChoices(c.parts.config, ch);
        p = { psk, choice, alpn, servername, credentials, extensions, earlyData: earlyDataDecision(c, ch, s.kind === 'waitClientHello', psk, choice, alpn) };
      } catch (error) {
        p = { error };
      }
      plans.set(ch, p);
    }
    if ('error' in p) throw p.error;
    return p;
  };
  const transcribe = (c: ServerContext, t: Transcript): void => {
    const m = c.binding.message();
    t.addMessage(m.msgType, m.body);
  };
  // RFC 8446 §4.2.10, §8: 0-RTT only with the first identity's ticket, on the first ClientHello (no HelloRetryRequest), the
  // ticket's suite, a fresh ticket age, a server and a ticket that take it, and a ClientHello the anti-replay store has not seen.
  // RFC 7301 §3.2: a protocol the client offered, or no_application_protocol; nothing when either side has no ALPN.
  const chooseAlpn = (c: ServerContext, ch: ClientHello): string | undefined => {
    const offer = findExtension(ch.extensions, 'application_layer_protocol_negotiation');
    if (!offer || !c.parts.config.alpnSelect) return undefined;
    const names = offer.protocolNameList.map((p) => decodeAlpnName(p.name));
    const pick = c.parts.config.alpnSelect(names, requestedName(ch));
    if (pick === undefined || !names.includes(pick)) {
      throw new ProtocolError('no_application_protocol', `no application protocol in common: the client offered ${names.join(', ')} (RFC 7301 §3.2)`);
    }
    return pick;
  };
  const earlyDataDecision = (
    c: ServerContext,
    ch: ClientHello,
    firstHello: boolean,
    psk: SelectedPsk | undefined,
    choice: ServerChoice,
    alpn: string | undefined,
  ): AcceptedHello['earlyData'] => {
    if (findExtension(ch.extensions, 'early_data') === undefined) return { status: 'not sent' };
    const ticket = psk?.ticket;
    const limit = Math.min(ticket?.maxEarlyData ?? 0, c.parts.config.maxEarlyData);
    const fresh = psk?.ticketAgeSkewMs !== undefined && psk.ticketAgeSkewMs <= TICKET_AGE_TOLERANCE_MS;
    // Early data is for the protocol the ticket was issued under (RFC 8446 §4.2.10).
    const usable = firstHello && psk?.index === 0 && limit > 0 && fresh && choice.kind === 'proceed' && choice.suite === ticket?.suite && ticket.alpn === alpn;
    // RFC 9147 §5.1: early data skips the address check, so only from the address the ticket was issued to.
    const sameAddress = ticket !== undefined && ticketNamesAddress(ticket.address, c.parts.peerAddress);
    return usable && sameAddress && c.parts.antiReplay.admit(psk.binder, 2 * TICKET_AGE_TOLERANCE_MS) ? { status: 'accepted', limit } : { status: 'rejected' };
  };

  return {
    actions: {
      // The transcript a stateless HelloRetryRequest left in its cookie: message_hash(ClientHello1), then the HelloRetryRequest itself.
      restoreFromCookie: step('restoreFromCookie', 'waitClientHello', (c) => {
        if (!c.statelessRetry) throw new Error('restoreFromCookie without a stateless retry');
        const { contents, cookie } = c.statelessRetry;
        const transcript = new Transcript(c.parts.provider);
        transcript.startWithMessageHash(CIPHER_SUITES[contents.suite].hash, contents.clientHelloHash);
        const echo = c.parts.config.echoLegacySessionId ? (c.statelessRetry.legacySessionId ?? new Uint8Array(0)) : new Uint8Array(0);
        transcript.addMessage(2, helloRetryRequestBody(contents.suite, contents.group, cookie, echo));
        c.parts.sendSeq = 1;
        const retry = { suite: contents.suite, group: contents.group, transcript, firstServerName: { name: contents.serverName } };
        return { kind: 'waitSecondClientHello', retry };
      }),

      sendHelloRetryRequest: step('sendHelloRetryRequest', 'waitClientHello', (c, s, event) => {
        const { choice, servername } = plan(c, s, event);
        const echo = c.parts.config.echoLegacySessionId ? payloadOf(event, 'ClientHello').legacySessionId : new Uint8Array(0);
        if (choice.kind !== 'retry') throw new Error('sendHelloRetryRequest without a group to ask for');
        const transcript = new Transcript(c.parts.provider);
        transcript.selectHash(CIPHER_SUITES[choice.suite].hash);
        transcribe(c, transcript);
        transcript.replaceWithMessageHash();
        c.parts.flight.peerFlight(false);
        c.parts.queue(0, 'server_hello', helloRetryRequestBody(choice.suite, choice.group, undefined, echo), transcript);
        c.parts.sendFlight();
        return { kind: 'waitSecondClientHello', retry: { suite: choice.suite, group: choice.group, transcript, firstServerName: { name: servername } } };
      }),

      applyClientHello: anyStep((c, s, event) => {
        if (s.kind !== 'waitClientHello' && s.kind !== 'waitSecondClientHello') throw new Error(`applyClientHello ran in state ${s.kind}`);
        const ch = payloadOf(event, 'ClientHello');
        const { choice, psk } = plan(c, s, event);
        c.parts.cid.answer = answerClientCid(c.parts.cid, ch.extensions);
        if (choice.kind !== 'proceed')
          throw new ProtocolError('illegal_parameter', 'the second ClientHello still has no key share the server can use (RFC 8446 §4.1.2)');
        const retry = s.kind === 'waitSecondClientHello' ? s.retry : undefined;
        if (retry && choice.suite !== retry.suite)
          throw new ProtocolError('illegal_parameter', 'the second ClientHello changes the cipher suite (RFC 8446 §4.1.2)');
        if (retry?.group !== undefined && choice.keyExchange?.group !== retry.group)
          throw new ProtocolError('illegal_parameter', 'the second ClientHello has no share for the group the HelloRetryRequest asked for');
        const transcript = retry?.transcript ?? new Transcript(c.parts.provider);
        if (!retry) transcript.selectHash(CIPHER_SUITES[choice.suite].hash);
        transcribe(c, transcript);
        c.parts.flight.peerFlight(false);
        return {
          kind: 'negotiated',
          hello: {
            suite: choice.suite,
            keyExchange: choice.keyExchange,
            signature: choice.signature,
            psk,
            transcript,
            clientRandom: ch.random,
            helloRetried: retry !== undefined,
            serverName: requestedName(ch),
            postHandshakeAuth: findExtension(ch.extensions, 'post_handshake_auth') !== undefined,
            earlyData: plan(c, s, event).earlyData,
            alpn: plan(c, s, event).alpn,
            servername: plan(c, s, event).servername,
            credentials: plan(c, s, event).credentials,
            extensions: plan(c, s, event).extensions,
            sessionIdEcho: c.parts.config.echoLegacySessionId ? ch.legacySessionId.slice() : new Uint8Array(0),
          },
        };
      }),

      sendServerFlight: step('sendServerFlight', 'negotiated', (c, s) => {
        const h = s.hello;
        let shared: Uint8Array | undefined;
        let share: { readonly group: KeyExchangeGroup; readonly publicKey: Uint8Array } | undefined;
        if (h.keyExchange) {
          const own = c.parts.provider.generateKeyShare(h.keyExchange.group);
          try {
            shared = own.deriveSecret(h.keyExchange.peerShare);
            share = { group: own.group, publicKey: own.publicKey };
          } finally {
            own.release();
          }
        }
        const schedule = scheduleFor(c.parts.provider, h.suite);
        if (h.earlyData.status === 'accepted' && h.psk) {
          // The client's 0-RTT records are readable from now until its Finished (RFC 9147: no EndOfEarlyData).
          const early = deriveEarlySecret(schedule, h.psk.key, h.transcript.current(), h.clientRandom, c.parts.log);
          c.parts.installEpoch(1, h.suite, schedule, { clientSecret: early, serverSecret: early }, 'read');
          c.parts.earlyDataRemaining = h.earlyData.limit;
        }
        c.parts.queue(
          0,
          'server_hello',
          serverHelloBody(c.parts.provider.randomBytes(32), h.suite, share, h.psk?.index, h.sessionIdEcho, c.parts.cid.answer),
          h.transcript,
        );
        const keys = deriveHandshakeKeys(
          {
            suite: h.suite,
            schedule,
            transcript: h.transcript,
            group: h.keyExchange?.group,
            psk: h.psk && { kind: h.psk.kind, identity: h.psk.identity, mode: h.psk.mode },
            earlyData: h.earlyData.status,
            alpn: h.alpn,
            servername: h.servername,
            ...h.extensions,
            clientRandom: h.clientRandom,
            helloRetried: h.helloRetried,
          },
          shared,
          c.parts.log,
          h.psk?.key,
        );
        c.parts.installEpoch(2, h.suite, schedule, keys);
        // server_name acknowledged (empty) when the name chose the certificate (RFC 6066 §3).
        const acknowledgeName = c.parts.config.sni !== undefined && h.servername !== undefined;
        const answers = serverExtensionAnswers(c.parts.config, c.parts.records, h.extensions);
        c.parts.queue(2, 'encrypted_extensions', encryptedExtensionsBody(h.earlyData.status === 'accepted', h.alpn, acknowledgeName, answers), h.transcript);
        // A PSK authenticates the server: no certificate messages, and no CertificateRequest (RFC 8446 §4.3.2).
        const certificateAuthentication = h.psk === undefined;
        if (certificateAuthentication) {
          const own = h.credentials;
          if (!own || !h.signature) throw new Error('certificate authentication without a certificate (negotiate should have refused)');
          if (c.parts.config.clientAuthentication !== 'none')
            c.parts.queue(
              2,
              'certificate_request',
              certificateRequestBody(c.parts.config.signatureAlgorithms, undefined, c.parts.config.signatureAlgorithmsCert),
              h.transcript,
            );
          c.parts.queue(2, 'certificate', certificateBody(own.chain, new Uint8Array(0)), h.transcript);
          c.parts.queue(2, 'certificate_verify', certificateVerifyBody(c.parts.provider, 'server', h.signature, own.key, h.transcript), h.transcript);
        }
        c.parts.queue(2, 'finished', finishedBody(schedule, keys.serverSecret, h.transcript), h.transcript);
        const application = deriveApplicationSecrets(keys, h.transcript.current(), c.parts.log);
        // Epoch 3 reads may start now (the client may send data right after its Finished); writes wait for that Finished (RFC 9147 §5.8.1).
        c.parts.installEpoch(3, h.suite, schedule, application, 'read');
        c.parts.sendFlight();
        const sent = { keys, signature: h.signature, application, serverName: h.serverName, postHandshakeAuth: h.postHandshakeAuth };
        return certificateAuthentication && c.parts.config.clientAuthentication !== 'none'
          ? { kind: 'waitClientCertificate', sent }
          : { kind: 'waitClientFinished', sent, peer: undefined, clientAuthenticated: h.psk?.ticket?.clientAuthenticated ?? false };
      }),

      acceptNoClientCertificate: step('acceptNoClientCertificate', 'waitClientCertificate', (c, s, event) => {
        checkRequestContext(payloadOf(event, 'Certificate').certificateRequestContext);
        if (c.parts.config.clientAuthentication === 'required')
          throw new ProtocolError('certificate_required', 'the client sent no certificate (RFC 8446 §4.4.2.4)');
        transcribe(c, s.sent.keys.transcript);
        return { kind: 'waitClientFinished', sent: s.sent, peer: undefined, clientAuthenticated: false };
      }),

      applyClientCertificate: step('applyClientCertificate', 'waitClientCertificate', (c, s, event) => {
        const cert = payloadOf(event, 'Certificate');
        checkRequestContext(cert.certificateRequestContext);
        const peer = acceptPeerCertificate(c.parts.config, 'server', cert, c.parts.wallClock());
        transcribe(c, s.sent.keys.transcript);
        return { kind: 'waitClientCertificateVerify', sent: s.sent, peer };
      }),

      applyClientCertificateVerify: step('applyClientCertificateVerify', 'waitClientCertificateVerify', (c, s, event) => {
        checkCertificateVerify(c.parts.config, 'server', s.peer, payloadOf(event, 'CertificateVerify'), s.sent.keys.transcript);
        transcribe(c, s.sent.keys.transcript);
        return { kind: 'waitClientFinished', sent: s.sent, peer: s.peer, clientAuthenticated: true };
      }),

      applyClientFinished: step('applyClientFinished', 'waitClientFinished', (c, s, event) => {
        checkFinished(s.sent.keys.schedule, s.sent.keys.clientSecret, s.sent.keys.transcript, payloadOf(event, 'Finished'), 'client');
        transcribe(c, s.sent.keys.transcript);
        c.parts.flight.peerFlight(true);
        // 0-RTT is over with the client's Finished.
        if (c.parts.earlyDataRemaining !== undefined) c.parts.records.dropReadEpoch(1);
        c.parts.earlyDataRemaining = undefined;
        // The client's flight is the last: nothing of ours answers it, so it is ACKed now (RFC 9147 §5.8.3, §7).
        c.parts.sendAck(c.parts.acks.list());
        c.parts.acks.clear();
        return s;
      }),

      installApplicationKeys: step('installApplicationKeys', 'waitClientFinished', (c, s) => {
        c.parts.installEpoch(3, s.sent.keys.suite, s.sent.keys.schedule, s.sent.application, 'write');
        return s;
      }),

      reportConnected: step('reportConnected', 'waitClientFinished', (c, s) => {
        const parameters = negotiatedParameters(s.sent.keys, s.sent.signature, s.clientAuthenticated, s.peer?.chain);
        c.parts.events.push({ type: 'handshakeComplete', parameters });
        return {
          kind: 'connected',
          session: {
            parameters,
            schedule: s.sent.keys.schedule,
            read: { epoch: 3, secret: s.sent.application.clientSecret },
            write: { epoch: 3, secret: s.sent.application.serverSecret },
            // The transcript now ends with the client's Finished.
            resumptionSecret: deriveResumptionSecret(s.sent.application, s.sent.keys.transcript.current()),
            serverName: s.sent.serverName,
            clientAuthenticated: s.clientAuthenticated,
            ticketsIssued: 0,
            transcript: s.sent.keys.transcript,
            postHandshakeAuth: s.sent.postHandshakeAuth,
            exporterSecret: s.sent.application.exporterSecret,
          },
        };
      }),

      // RFC 8446 §4.6.1: tickets sealed under our ticket keys, so any server holding them can resume the session; one post-handshake flight.
      sendNewSessionTickets: step('sendNewSessionTickets', 'connected', (c, s) => {
        const keys = c.parts.config.ticketKeys;
        const session = s.session;
        if (!keys || c.parts.config.tickets === 0 || !c.parts.flight.acceptsFlight) return s;
        for (let i = 0; i < c.parts.config.tickets; i++) {
          const nonce = Uint8Array.of(session.ticketsIssued++);
          const ticketAgeAdd = new DataView(c.parts.provider.randomBytes(4).buffer).getUint32(0);
          const contents = {
            suite: session.parameters.cipherSuite,
            psk: resumptionPsk(session.schedule, session.resumptionSecret, nonce),
            issuedAt: c.parts.wallClock(),
            lifetimeSeconds: c.parts.config.ticketLifetime,
            ticketAgeAdd,
            serverName: session.serverName,
            clientAuthenticated: session.clientAuthenticated,
            maxEarlyData: c.parts.config.maxEarlyData,
            alpn: session.parameters.alpnProtocol,
            address: c.parts.peerAddress,
          };
          const ticket = keys.seal(encodeTicketContents(contents));
          c.parts.queue(session.write.epoch, 'new_session_ticket', newSessionTicketBody({ ...contents, nonce, ticket }));
        }
        c.parts.sendFlight({ acknowledgesPeer: false });
        return s;
      }),

      // Post-handshake client authentication (RFC 8446 §4.6.2), asked for by the application.
      sendCertificateRequest: step('sendCertificateRequest', 'connected', (c, s) => {
        requestClientCertificate(c.parts, s.session);
        return s;
      }),
      applyPostHandshakeCertificate: step('applyPostHandshakeCertificate', 'connected', (c, s, event) => {
        applyPostHandshakeCertificate(c.parts, s.session, payloadOf(event, 'Certificate'), c.binding.message().body);
        return s;
      }),
      applyPostHandshakeCertificateVerify: step('applyPostHandshakeCertificateVerify', 'connected', (c, s, event) => {
        applyPostHandshakeCertificateVerify(c.parts, s.session, payloadOf(event, 'CertificateVerify'), c.binding.message().body);
        return s;
      }),
      applyPostHandshakeFinished: step('applyPostHandshakeFinished', 'connected', (c, s, event) => {
        applyPostHandshakeFinished(c.parts, s.session, payloadOf(event, 'Finished'));
        return s;
      }),

      ...SESSION_ACTIONS,
      ...CID_ACTIONS,
    },
    guards: {
      helloRetryNeeded: guard(
        (s, event, c) => (s.kind === 'waitClientHello' || s.kind === 'waitSecondClientHello') && plan(c, s, event).choice.kind === 'retry',
      ),
      earlyDataAccepted: guard((s, event, c) => s.kind === 'waitClientHello' && plan(c, s, event).earlyData.status === 'accepted'),
      pskAccepted: guard((s, event, c) => (s.kind === 'waitClientHello' || s.kind === 'waitSecondClientHello') && plan(c, s, event).psk !== undefined),
      clientAuthentication: guard((_s, _e, c) => c.parts.config.clientAuthentication !== 'none'),
      emptyCertificate: guard((_s, event) => payloadOf(event, 'Certificate').certificateList.length === 0),
    },
    delays: {},
  };
}

/** The server chart's implementation, one for every server connection (each actor's context brings its connection). */
export const SERVER_IMPLEMENTATION = serverImplementation();

/** What the server makes of a ClientHello: the PSK it accepted (binder verified), and suite, group and signature. */
interface HelloPlan {
  readonly psk: SelectedPsk | undefined;
  readonly choice: ServerChoice;
  readonly earlyData: AcceptedHello['earlyData'];
  readonly alpn: string | undefined;
  /** server_name's host name, normalized (RFC 6066). */
  readonly servername: string | undefined;
  /** The certificate and key this ClientHello gets (by server_name when `sni` is set); undefined for a PSK-only server. */
  readonly credentials: SelectedCredentials | undefined;
  /** record_size_limit and use_srtp, as the server settled them. */
  readonly extensions: ServerExtensionChoices;
}

/** Our CertificateRequest's context is empty; the client's Certificate must echo it (RFC 8446 §4.4.2). */
function checkRequestContext(context: Uint8Array): void {
  if (context.length !== 0)
    throw new ProtocolError('illegal_parameter', 'the client Certificate does not echo the CertificateRequest context (RFC 8446 §4.4.2)');
}
