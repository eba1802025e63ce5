import { answerClientCid } from '../cid/negotiation.js';
import type { Dtls13ServerGuardTable, Dtls13ServerStepTable } from '../../generated/charts/dtls13-server.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { resumptionPsk } from '../keyschedule/derived-keys.js';
import { sealTicketContents } from '../session/ticket-contents.js';
import { NO_GENERATION } from '../session/anti-replay.js';
import { grantFor } from '../shared/ticket-grant.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { findExtension } from '../handshake/extensions.js';
import { serverExtensionAnswers } from './extension-answers.js';
import { certificateTypeAnswers } from '../shared/certificate-types.js';
import { Transcript } from '../keyschedule/transcript.js';
import {
  deriveApplicationSecrets,
  deriveEarlySecret,
  deriveHandshakeKeys,
  deriveResumptionSecret,
  negotiatedParameters,
  scheduleFor,
} from '../shared/key-material.js';
import {
  certificateBody,
  certificateRequestBody,
  certificateVerifyBody,
  encryptedExtensionsBody,
  finishedBody,
  helloRetryRequestBody,
  helloRetryRequestView,
  newSessionTicketBody,
  serverHelloBody,
} from '../shared/messages.js';
import { requestedName } from '../shared/psk-selection.js';
import {
  applyPostHandshakeCertificate,
  applyPostHandshakeCertificateVerify,
  applyPostHandshakeFinished,
  requestClientCertificate,
} from './post-handshake-auth.js';
import { acceptPeerCertificate, checkCertificateVerify, checkFinished } from '../shared/peer-authentication.js';
import type { ServerEvent, ServerState } from './server-states.js';
import type { InboundMessage } from './client-states.js';
import { CID_STEPS, inSession, SESSION_STEPS } from './session-actions.js';
import type { ServerContext } from './machine-context.js';
import { guardTable, stepTable } from '../machine/step-table.js';

/** What a server step gets besides its state and event (one per connection: machine-context.ts). */
export type { ServerContext };

/** The variant of the server's state in chart state `K`, and the event of type `T`. */
type At<K extends ServerState['kind']> = Extract<ServerState, { readonly kind: K }>;
type On<T extends ServerEvent['type']> = Extract<ServerEvent, { readonly type: T }>;

const transcribe = (t: Transcript, m: InboundMessage): void => t.addMessage(m.msgType, m.body);

/**
 * The server chart's steps (RFC 8446 §4, RFC 9147 §5), each typed over the state it runs in and the one it leads to.
 * A ClientHello arrives with its plan (hello-plan.ts).
 */
function serverSteps() {
  // The server's flight; it asks for the client's certificate when the chart's guards sent it to waitClientCertificate (clientAuthentication, no PSK).
  function sendServerFlight<T extends 'waitClientCertificate' | 'waitClientFinished'>(
    c: ServerContext,
    s: At<'negotiated'>,
    _e: unknown,
    _p: undefined,
    to: T,
  ): At<T> {
    const h = s.hello;
    let shared: Uint8Array | undefined;
    let share: { readonly group: KeyExchangeGroup; readonly publicKey: Uint8Array } | undefined;
    if (h.keyExchange) {
      const { group, peerShare } = h.keyExchange;
      // One call where the provider answers a share that way: the private key lives only inside it.
      const answer = c.provider.answerKeyShare?.(group, peerShare);
      if (answer !== undefined) {
        shared = answer.secret;
        share = { group, publicKey: answer.publicKey };
      } else {
        const own = c.provider.generateKeyShare(group);
        try {
          shared = own.deriveSecret(peerShare);
          share = { group: own.group, publicKey: own.publicKey };
        } finally {
          own.release();
        }
      }
    }
    const schedule = scheduleFor(c.provider, h.suite);
    if (h.earlyData.status === 'accepted' && h.psk) {
      // The client's 0-RTT records are readable from now until its Finished (RFC 9147: no EndOfEarlyData).
      const early = deriveEarlySecret(schedule, h.psk.key, h.transcript.current(), h.clientRandom, c.log);
      c.installEpoch(1, h.suite, schedule, { clientSecret: early, serverSecret: early }, 'read');
      c.earlyDataRemaining = h.earlyData.limit;
    }
    c.queue(
      0,
      'server_hello',
      serverHelloBody(c.provider.randomBytes(32), h.suite, share, h.psk?.index, h.sessionIdEcho, c.cid.answer),
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
        srtpProfile: h.extensions.srtpProfile,
        peerRecordSizeLimit: h.extensions.peerRecordSizeLimit,
        certificateTypes: h.extensions.certificateTypeChoice.types,
        clientRandom: h.clientRandom,
        helloRetried: h.helloRetried,
      },
      shared,
      c.log,
      h.psk?.key,
    );
    c.installEpoch(2, h.suite, schedule, keys);
    c.handshakeReadSecret = keys.clientSecret;
    // server_name acknowledged (empty) when the name chose the certificate (RFC 6066 §3).
    const acknowledgeName = c.config.sni !== undefined && h.servername !== undefined;
    // A PSK authenticates the server: no certificate messages, and no CertificateRequest (RFC 8446 §4.3.2).
    const certificateAuthentication = h.psk === undefined;
    const answers = [
      ...serverExtensionAnswers(c.config, c.records, h.extensions),
      ...certificateTypeAnswers(
        h.extensions.certificateTypeChoice,
        certificateAuthentication,
        to === 'waitClientCertificate',
      ),
    ];
    c.queue(
      2,
      'encrypted_extensions',
      encryptedExtensionsBody(h.earlyData.status === 'accepted', h.alpn, acknowledgeName, answers),
      h.transcript,
    );
    if (certificateAuthentication) {
      const own = h.credentials;
      if (!own || !h.signature)
        throw new Error('certificate authentication without a certificate (negotiate should have refused)');
      if (to === 'waitClientCertificate')
        c.queue(
          2,
          'certificate_request',
          certificateRequestBody(c.config.signatureAlgorithms, undefined, c.config.signatureAlgorithmsCert),
          h.transcript,
        );
      c.queue(2, 'certificate', certificateBody(own.chain, new Uint8Array(0)), h.transcript);
      c.queue(
        2,
        'certificate_verify',
        certificateVerifyBody(c.provider, 'server', h.signature, own.key, h.transcript),
        h.transcript,
      );
    }
    c.queue(2, 'finished', finishedBody(schedule, keys.serverSecret, h.transcript), h.transcript);
    const application = deriveApplicationSecrets(keys, h.transcript.current(), c.log);
    // Epoch 3 reads may start now (the client may send data right after its Finished); writes wait for that Finished (RFC 9147 §5.8.1).
    c.installEpoch(3, h.suite, schedule, application, 'read');
    c.sendFlight();
    const external = h.psk?.kind === 'external' ? h.psk : undefined;
    const pskIdentity = external?.identity ?? h.psk?.ticket?.pskIdentity;
    // A resumed session keeps what its ticket was granted (checked against this server's in psk-selection.ts).
    const grant = h.psk?.ticket?.grant ?? grantFor(c.config, external);
    // A resumed session's tickets expire with the ticket it resumed (the chain's first: a full handshake's lifetime).
    const resumed = h.psk?.ticket;
    const ticketsUntil = resumed !== undefined ? resumed.issuedAt + resumed.lifetimeSeconds * 1000 : undefined;
    const sent = {
      keys,
      signature: h.signature,
      application,
      serverName: h.serverName,
      postHandshakeAuth: h.postHandshakeAuth,
      pskIdentity,
      grant,
      ticketsUntil,
    };
    const next: At<'waitClientCertificate' | 'waitClientFinished'> =
      to === 'waitClientCertificate'
        ? { kind: 'waitClientCertificate', sent }
        : {
            kind: 'waitClientFinished',
            sent,
            peer: undefined,
            clientAuthenticated: h.psk?.ticket?.clientAuthenticated ?? false,
            ...(h.earlyData.status === 'accepted' ? { earlyDataOpen: true } : {}),
          };
    return next as At<T>; // the variant `to` names
  }

  return {
    restoreFromCookie(
      c: ServerContext,
      _s: At<'waitClientHello'>,
      event: On<'statelessRetryVerified'>,
    ): At<'waitSecondClientHello'> {
      const { contents, cookie } = event.retry;
      const transcript = new Transcript(c.provider);
      transcript.startWithMessageHash(CIPHER_SUITES[contents.suite].hash, contents.clientHelloHash);
      const echo = c.config.echoLegacySessionId
        ? (event.retry.legacySessionId ?? new Uint8Array(0))
        : new Uint8Array(0);
      // Hashed at once: the scratch writer's view will do.
      transcript.addMessage(2, helloRetryRequestView(contents.suite, contents.group, cookie, echo));
      c.sendSeq = 1;
      const retry = {
        suite: contents.suite,
        group: contents.group,
        transcript,
        firstServerName: { name: contents.serverName },
      };
      return { kind: 'waitSecondClientHello', retry };
    },

    sendHelloRetryRequest(
      c: ServerContext,
      _s: At<'waitClientHello'>,
      event: On<'ClientHello'>,
    ): At<'waitSecondClientHello'> {
      const { choice, servername } = event.plan;
      const echo = c.config.echoLegacySessionId ? event.payload.legacySessionId : new Uint8Array(0);
      if (choice.kind !== 'retry') throw new Error('sendHelloRetryRequest without a group to ask for');
      const transcript = new Transcript(c.provider);
      transcript.selectHash(CIPHER_SUITES[choice.suite].hash);
      transcribe(transcript, event.message);
      transcript.replaceWithMessageHash();
      c.flight.peerFlight(false);
      c.queue(0, 'server_hello', helloRetryRequestBody(choice.suite, choice.group, undefined, echo), transcript);
      c.sendFlight();
      return {
        kind: 'waitSecondClientHello',
        retry: { suite: choice.suite, group: choice.group, transcript, firstServerName: { name: servername } },
      };
    },

    applyClientHello(
      c: ServerContext,
      s: At<'waitClientHello'> | At<'waitSecondClientHello'>,
      event: On<'ClientHello'>,
    ): At<'negotiated'> {
      const ch = event.payload;
      const { choice, psk } = event.plan;
      c.cid.answer = answerClientCid(c.cid, ch.extensions);
      if (choice.kind !== 'proceed')
        throw new ProtocolError(
          'illegal_parameter',
          'the second ClientHello still has no key share the server can use (RFC 8446 §4.1.2)',
        );
      const retry = s.kind === 'waitSecondClientHello' ? s.retry : undefined;
      if (retry && choice.suite !== retry.suite)
        throw new ProtocolError(
          'illegal_parameter',
          'the second ClientHello changes the cipher suite (RFC 8446 §4.1.2)',
        );
      if (retry?.group !== undefined && choice.keyExchange?.group !== retry.group)
        throw new ProtocolError(
          'illegal_parameter',
          'the second ClientHello has no share for the group the HelloRetryRequest asked for',
        );
      const transcript = retry?.transcript ?? new Transcript(c.provider);
      if (!retry) transcript.selectHash(CIPHER_SUITES[choice.suite].hash);
      transcribe(transcript, event.message);
      c.flight.peerFlight(false);
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
          earlyData: event.plan.earlyData,
          alpn: event.plan.alpn,
          servername: event.plan.servername,
          credentials: event.plan.credentials,
          extensions: event.plan.extensions,
          sessionIdEcho: c.config.echoLegacySessionId ? ch.legacySessionId.slice() : new Uint8Array(0),
        },
      };
    },

    sendServerFlight,

    acceptNoClientCertificate(
      c: ServerContext,
      s: At<'waitClientCertificate'>,
      event: On<'Certificate'>,
    ): At<'waitClientFinished'> {
      checkRequestContext(event.payload.certificateRequestContext);
      if (c.config.clientAuthentication === 'required')
        throw new ProtocolError('certificate_required', 'the client sent no certificate (RFC 8446 §4.4.2.4)');
      transcribe(s.sent.keys.transcript, event.message);
      return { kind: 'waitClientFinished', sent: s.sent, peer: undefined, clientAuthenticated: false };
    },

    applyClientCertificate(
      c: ServerContext,
      s: At<'waitClientCertificate'>,
      event: On<'Certificate'>,
    ): At<'waitClientCertificateVerify'> {
      const cert = event.payload;
      checkRequestContext(cert.certificateRequestContext);
      const peer = acceptPeerCertificate(c.config, 'server', cert, c.wallClock(), s.sent.keys.certificateTypes.client);
      transcribe(s.sent.keys.transcript, event.message);
      return { kind: 'waitClientCertificateVerify', sent: s.sent, peer };
    },

    applyClientCertificateVerify(
      c: ServerContext,
      s: At<'waitClientCertificateVerify'>,
      event: On<'CertificateVerify'>,
    ): At<'waitClientFinished'> {
      checkCertificateVerify(c.config, 'server', s.peer, event.payload, s.sent.keys.transcript);
      transcribe(s.sent.keys.transcript, event.message);
      return { kind: 'waitClientFinished', sent: s.sent, peer: s.peer, clientAuthenticated: true };
    },

    // NSS's EndOfEarlyData (the chart's interop allowance): in its transcript, so in ours; no early data after it.
    applyEndOfEarlyData(
      c: ServerContext,
      s: At<'waitClientFinished'>,
      event: On<'EndOfEarlyData'>,
    ): At<'waitClientFinished'> {
      transcribe(s.sent.keys.transcript, event.message);
      c.records.reader.dropReadEpoch(1);
      c.earlyDataRemaining = undefined;
      return { kind: 'waitClientFinished', sent: s.sent, peer: s.peer, clientAuthenticated: s.clientAuthenticated };
    },

    applyClientFinished(
      c: ServerContext,
      s: At<'waitClientFinished'>,
      event: On<'Finished'>,
    ): At<'waitClientFinished'> {
      checkFinished(s.sent.keys.schedule, s.sent.keys.clientSecret, s.sent.keys.transcript, event.payload, 'client');
      transcribe(s.sent.keys.transcript, event.message);
      c.flight.peerFlight(true);
      // 0-RTT is over with the client's Finished.
      if (c.earlyDataRemaining !== undefined) c.records.reader.dropReadEpoch(1);
      c.earlyDataRemaining = undefined;
      // The client's flight is the last: nothing of ours answers it, so it is ACKed now (RFC 9147 §5.8.3, §7).
      c.sendAck(c.acks.list());
      c.acks.clear();
      return s;
    },

    installApplicationKeys(c: ServerContext, s: At<'waitClientFinished'>): At<'waitClientFinished'> {
      c.installEpoch(3, s.sent.keys.suite, s.sent.keys.schedule, s.sent.application, 'write');
      return s;
    },

    reportConnected(c: ServerContext, s: At<'waitClientFinished'>): At<'connected'> {
      const parameters = negotiatedParameters(s.sent.keys, s.sent.signature, s.clientAuthenticated, s.peer?.chain);
      c.events.push({ type: 'handshakeComplete', parameters });
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
          pskIdentity: s.sent.pskIdentity,
          grant: s.sent.grant,
          ticketsUntil: s.sent.ticketsUntil,
          transcript: s.sent.postHandshakeAuth ? s.sent.keys.transcript : undefined,
          postHandshakeAuth: s.sent.postHandshakeAuth,
          exporterSecret: s.sent.application.exporterSecret,
        },
      };
    },

    // RFC 8446 §4.6.1: tickets sealed under our ticket keys, so a server holding them and granting what this one grants
    // (ticket-grant.ts) can resume the session; one post-handshake flight.
    sendNewSessionTickets(c: ServerContext, s: At<'connected'>): At<'connected'> {
      const keys = c.config.ticketKeys;
      const session = s.session;
      if (!keys || c.config.tickets === 0 || !c.flight.acceptsFlight) return s;
      const grant = session.grant;
      if (grant === undefined) return s; // a session woken from hibernation: its tickets went out before
      const now = c.wallClock();
      const lifetimeSeconds =
        session.ticketsUntil === undefined
          ? c.config.ticketLifetime
          : Math.min(c.config.ticketLifetime, Math.floor((session.ticketsUntil - now) / 1000));
      if (lifetimeSeconds < 1) return s; // the resumed ticket's lifetime is over: the next connection is a full handshake
      for (let i = 0; i < c.config.tickets; i++) {
        const nonce = Uint8Array.of(session.ticketsIssued++);
        const r = c.provider.randomBytes(4);
        const ticketAgeAdd = ((r[0]! << 24) | (r[1]! << 16) | (r[2]! << 8) | r[3]!) >>> 0;
        const contents = {
          suite: session.parameters.cipherSuite,
          psk: resumptionPsk(session.schedule, session.resumptionSecret, nonce),
          issuedAt: now,
          lifetimeSeconds,
          ticketAgeAdd,
          serverName: session.serverName,
          clientAuthenticated: session.clientAuthenticated,
          maxEarlyData: c.config.maxEarlyData,
          alpn: session.parameters.alpnProtocol,
          address: c.peerAddress,
          pskIdentity: session.pskIdentity,
          grant,
          // The anti-replay store's generation: 0-RTT from this ticket only while that store remembers (hello-plan.ts).
          replayGeneration: c.antiReplay.generation ?? NO_GENERATION,
        };
        const ticket = sealTicketContents(keys, contents);
        const maxEarlyData = contents.maxEarlyData; // the five fields the message reads, not a spread of all of them
        const body = newSessionTicketBody({ lifetimeSeconds, ticketAgeAdd, nonce, ticket, maxEarlyData });
        c.queue(session.write.epoch, 'new_session_ticket', body);
      }
      c.sendFlight({ acknowledgesPeer: false });
      return s;
    },

    // Post-handshake client authentication (RFC 8446 §4.6.2), asked for by the application.
    sendCertificateRequest(c: ServerContext, s: At<'connected'>): At<'connected'> {
      requestClientCertificate(c, s.session);
      return s;
    },
    applyPostHandshakeCertificate: inSession(applyPostHandshakeCertificate),
    applyPostHandshakeCertificateVerify: inSession(applyPostHandshakeCertificateVerify),
    applyPostHandshakeFinished: inSession(applyPostHandshakeFinished),

    ...SESSION_STEPS,
    ...CID_STEPS,
  } satisfies Dtls13ServerStepTable;
}

/** The server chart's steps, one table for every server connection (each call brings its connection's context). */
export const SERVER_STEPS = stepTable(serverSteps());

/** The server chart's guards: pure branches over the state, the event (a ClientHello's carries its plan) and the connection's configuration. */
export const SERVER_GUARDS = guardTable({
  helloRetryNeeded: (_s: unknown, event: On<'ClientHello'>): boolean => event.plan.choice.kind === 'retry',
  earlyDataAccepted: (_s: unknown, event: On<'ClientHello'>): boolean => event.plan.earlyData.status === 'accepted',
  pskAccepted: (_s: unknown, event: On<'ClientHello'>): boolean => event.plan.psk !== undefined,
  clientAuthentication: (_s: unknown, _e: unknown, c: ServerContext): boolean =>
    c.config.clientAuthentication !== 'none',
  emptyCertificate: (_s: unknown, event: On<'Certificate'>): boolean => event.payload.certificateList.length === 0,
  // 0-RTT accepted and not ended yet by an EndOfEarlyData.
  earlyDataOpen: (s: At<'waitClientFinished'>): boolean => s.earlyDataOpen === true,
} satisfies Dtls13ServerGuardTable);

/** Our CertificateRequest's context is empty; the client's Certificate must echo it (RFC 8446 §4.4.2). */
function checkRequestContext(context: Uint8Array): void {
  if (context.length !== 0)
    throw new ProtocolError(
      'illegal_parameter',
      'the client Certificate does not echo the CertificateRequest context (RFC 8446 §4.4.2)',
    );
}
