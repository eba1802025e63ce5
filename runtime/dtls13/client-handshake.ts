import type { Dtls13ClientGuardTable, Dtls13ClientStepTable } from '../../generated/charts/dtls13-client.js';
import type { ServerHello } from '../../generated/wire/index.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { Transcript } from '../keyschedule/transcript.js';
import type { ClientEvent, ClientOffer, ClientState, InboundMessage } from './client-states.js';
import {
  checkEncryptedExtensions,
  checkHelloRetryRequestExtensions,
  checkServerHelloExtensions,
} from './extension-policy.js';
import {
  deriveApplicationSecrets,
  deriveEarlySecret,
  deriveHandshakeKeys,
  deriveResumptionSecret,
  negotiatedParameters,
  scheduleFor,
  type HandshakeKeys,
} from '../shared/key-material.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { resumptionPsk } from '../keyschedule/derived-keys.js';
import { encodeClientSession } from '../session/client-session.js';
import { acceptedAlpn } from '../shared/alpn-negotiation.js';
import { sentServerName } from '../shared/sni-selection.js';
import { applyServerAnswers, clientOfferedMore } from './extension-answers.js';
import {
  bindClientHello,
  earlyDataFits,
  pskExtensions,
  pskOfferFor,
  ticketModesExtension,
  type PskOffer,
} from './psk-offer.js';
import { answerCertificateRequest } from './post-handshake-auth.js';
import { certificateBody, certificateVerifyBody, clientHelloBody, finishedBody } from '../shared/messages.js';
import { firstKeyShares, sharesThatFit } from './key-share-offer.js';
import { ownChain, X509_TYPES } from '../shared/certificate-types.js';
import {
  acceptPeerCertificate,
  checkCertificateVerify,
  checkFinished,
  type PeerCertificate,
} from '../shared/peer-authentication.js';
import { CID_STEPS, inSession, SESSION_STEPS } from './session-actions.js';
import type { ClientContext } from './machine-context.js';
import { guardTable, stepTable } from '../machine/step-table.js';
import { acceptServerCid, clientCidExtensions } from '../cid/negotiation.js';
import { handshakeConfirmedAtOnce } from './peer-confirmation.js';

/** What a client step gets besides its state and event (one per connection: machine-context.ts). */
export type { ClientContext };

/** The variant of the client's state in chart state `K`, and the event of type `T`. */
type At<K extends ClientState['kind']> = Extract<ClientState, { readonly kind: K }>;
type On<T extends ClientEvent['type']> = Extract<ClientEvent, { readonly type: T }>;

const transcribe = (t: Transcript, m: InboundMessage): void => t.addMessage(m.msgType, m.body);

/** The client chart's steps (RFC 8446 §4, RFC 9147 §5), each typed over the state it runs in and the one it leads to. */
function clientSteps() {
  const sendHello = (c: ClientContext, first: ClientOffer): At<'waitServerHello'> => {
    let offer = first;
    const cookie = offer.retry?.cookie;
    const now = c.wallClock();
    const early = offer.earlyData === 'offered';
    const psk = offer.psk
      ? pskExtensions(offer.psk, c.config.pskModes, now, early)
      : ticketModesExtension(c.config.pskModes);
    const extra = [...clientCidExtensions(c.cid), ...psk];
    let body = clientHelloBody(c.config, offer.random, offer.keyShares, cookie, extra);
    // The first ClientHello only: after a HelloRetryRequest that asks for no group the shares stay as they were (RFC 8446 §4.1.2).
    const kept =
      offer.retry === undefined
        ? sharesThatFit(offer.keyShares, body.length, c.config.maxDatagramSize)
        : offer.keyShares;
    if (kept !== offer.keyShares) {
      offer = { ...offer, keyShares: kept };
      body = clientHelloBody(c.config, offer.random, offer.keyShares, cookie, extra);
    }
    if (offer.psk) bindClientHello(c.provider, body, offer.psk, offer.transcript);
    const clientHelloSeq = c.sendSeq;
    c.queue(0, 'client_hello', body, offer.transcript);
    c.sendFlight();
    if (early && offer.psk && c.config.earlyData)
      sendEarlyData(c, offer.psk, offer, c.config.earlyData, clientHelloSeq);
    return { kind: 'waitServerHello', offer };
  };
  // 0-RTT (RFC 8446 §4.2.10, RFC 9147 epoch 1): records keyed by client_early_traffic_secret over the ClientHello, right after it.
  const sendEarlyData = (
    c: ClientContext,
    psk: PskOffer,
    offer: ClientOffer,
    data: Uint8Array,
    clientHelloSeq: number,
  ): void => {
    const suite = psk.session?.suite;
    if (!suite) return;
    const schedule = scheduleFor(c.provider, suite);
    const t = offer.transcript.clone();
    t.selectHash(schedule.hash);
    const secret = deriveEarlySecret(schedule, psk.key, t.current(), offer.random, c.log);
    c.installEpoch(1, suite, schedule, { clientSecret: secret, serverSecret: secret }, 'write');
    const chunk = Math.max(1, c.config.maxDatagramSize - 64);
    const datagrams: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += chunk)
      datagrams.push(c.records.writer.seal('application_data', data.subarray(i, i + chunk), { epoch: 1 }).bytes);
    c.outgoing.push(...datagrams);
    c.earlyDatagrams = { clientHelloSeq, datagrams }; // resent with the ClientHello (ConnectionHooks.transmit)
  };

  // EncryptedExtensions leads where the chart's guards sent it: waitFinished when the server accepted our PSK (and maybe our 0-RTT data), else the certificate.
  function applyEncryptedExtensions<T extends 'waitFinished' | 'waitCertificateOrCertificateRequest'>(
    c: ClientContext,
    s: At<'waitEncryptedExtensions'>,
    event: On<'EncryptedExtensions'>,
    _p: undefined,
    to: T,
  ): At<T> {
    const ee = event.payload;
    const offered = s.earlyData === 'offered';
    // server_name may be acknowledged only when it was sent: never for an IP address (RFC 6066 §3).
    const sentName = sentServerName(c.config.serverName) !== undefined;
    checkEncryptedExtensions(
      ee.extensions,
      sentName,
      offered,
      c.config.alpnOffer !== undefined,
      clientOfferedMore(c.config),
    );
    const alpnAnswer = findExtension(ee.extensions, 'application_layer_protocol_negotiation');
    const alpn = alpnAnswer && acceptedAlpn(c.config.alpnOffer, alpnAnswer);
    const answers = applyServerAnswers(c.config, c.records, ee);
    transcribe(s.keys.transcript, event.message);
    const accepted = findExtension(ee.extensions, 'early_data') !== undefined;
    if (accepted && s.keys.psk?.kind !== 'resumption')
      throw new ProtocolError(
        'illegal_parameter',
        'early data accepted without the ticket it was sent under (RFC 8446 §4.2.10)',
      );
    const keys: HandshakeKeys = {
      ...s.keys,
      alpn,
      ...answers,
      earlyData: offered ? (accepted ? 'accepted' : 'rejected') : s.keys.earlyData,
    };
    // Refused here or by a HelloRetryRequest: the application gets its data back to send again.
    if (s.earlyData !== 'not sent' && c.config.earlyData)
      c.events.push({ type: 'earlyData', accepted, data: c.config.earlyData });
    // With a PSK the server's Finished alone authenticates it (RFC 8446 §2.2): the chart's pskAccepted and earlyDataAccepted.
    const next: At<'waitFinished' | 'waitCertificateOrCertificateRequest'> =
      to === 'waitFinished'
        ? { kind: 'waitFinished', keys, request: undefined, peer: undefined, signature: undefined }
        : { kind: 'waitCertificateOrCertificateRequest', keys };
    return next as At<T>; // the variant `to` names
  }

  return {
    // The first ClientHello, or after a HelloRetryRequest the second, with a share for the group it asked for.
    sendClientHello(c: ClientContext, s: At<'start'> | At<'waitServerHello'>): At<'waitServerHello'> {
      if (s.kind === 'start') {
        const keyShares = firstKeyShares(c.provider, c.config.groups);
        const psk = pskOfferFor(c.config, c.wallClock());
        return sendHello(c, {
          random: c.provider.randomBytes(32),
          keyShares,
          transcript: new Transcript(c.provider),
          retry: undefined,
          psk,
          earlyData: earlyDataFits(psk, c.config.earlyData) ? 'offered' : 'not sent',
        });
      }
      const group = s.offer.retry?.group;
      let keyShares = s.offer.keyShares;
      // The second ClientHello carries one share, for the group the HelloRetryRequest asked for (RFC 8446 §4.1.2).
      if (group !== undefined) {
        for (const k of keyShares) k.release();
        keyShares = [c.provider.generateKeyShare(group)];
      }
      return sendHello(c, { ...s.offer, keyShares });
    },

    applyHelloRetryRequest(
      c: ClientContext,
      s: At<'waitServerHello'>,
      event: On<'HelloRetryRequest'>,
    ): At<'waitServerHello'> {
      const hrr = event.payload;
      if (!hrr.isHelloRetryRequest) throw new Error('a ServerHello decoded as HelloRetryRequest'); // the handler table decides by this flag
      const suite = checkVersionAndSuite(
        c.config.cipherSuites,
        findExtension(hrr.extensions, 'supported_versions')?.selectedVersion,
        hrr,
        undefined,
      );
      checkHelloRetryRequestExtensions(hrr.extensions);
      const selected = findExtension(hrr.extensions, 'key_share')?.selectedGroup;
      const cookie = findExtension(hrr.extensions, 'cookie')?.cookie;
      if (selected === undefined && cookie === undefined)
        throw new ProtocolError('illegal_parameter', 'a HelloRetryRequest that would change nothing (RFC 8446 §4.1.4)');
      if (selected === undefined && s.offer.keyShares.length === 0 && s.offer.psk === undefined)
        throw new ProtocolError(
          'illegal_parameter',
          'a HelloRetryRequest that names no group for a ClientHello with no key share (RFC 8446 §4.1.4)',
        );
      let group: KeyExchangeGroup | undefined;
      if (selected !== undefined) {
        group = c.config.groups.find((g) => g === selected);
        if (group === undefined || s.offer.keyShares.some((k) => k.group === group)) {
          throw new ProtocolError(
            'illegal_parameter',
            `HelloRetryRequest selects ${String(selected)}: not offered, or already shared (RFC 8446 §4.1.4)`,
          );
        }
      }
      s.offer.transcript.selectHash(scheduleFor(c.provider, suite).hash);
      s.offer.transcript.replaceWithMessageHash();
      transcribe(s.offer.transcript, event.message);
      c.flight.peerFlight(false);
      // A PSK whose hash is not the suite's is dropped from the second ClientHello (RFC 8446 §4.1.4).
      const psk = s.offer.psk && s.offer.psk.hash === CIPHER_SUITES[suite].hash ? s.offer.psk : undefined;
      // Early data sent with the first ClientHello is refused by a HelloRetryRequest; the second carries none (RFC 8446 §4.2.10).
      const earlyData = s.offer.earlyData === 'offered' ? 'rejected' : s.offer.earlyData;
      if (earlyData === 'rejected') c.records.writer.retireWriteEpoch(1);
      c.earlyDatagrams = undefined;
      return { kind: 'waitServerHello', offer: { ...s.offer, retry: { suite, group, cookie }, psk, earlyData } };
    },

    applyServerHello(
      c: ClientContext,
      s: At<'waitServerHello'>,
      event: On<'ServerHello'>,
    ): At<'waitEncryptedExtensions'> {
      const sh = event.payload;
      if (sh.isHelloRetryRequest) throw new Error('a HelloRetryRequest decoded as ServerHello'); // the handler table decides by this flag
      const suite = checkVersionAndSuite(
        c.config.cipherSuites,
        findExtension(sh.extensions, 'supported_versions')?.selectedVersion,
        sh,
        s.offer.retry?.suite,
      );
      checkServerHelloExtensions(sh.extensions, s.offer.psk !== undefined, c.cid.offered !== undefined);
      acceptServerCid(c.cid, sh.extensions);
      const psk = acceptedPsk(s.offer, findExtension(sh.extensions, 'pre_shared_key')?.selectedIdentity, suite);
      const share = findExtension(sh.extensions, 'key_share')?.serverShare;
      const mode = psk && (share ? 'psk_dhe_ke' : 'psk_ke');
      if (mode && !c.config.pskModes.includes(mode))
        throw new ProtocolError(
          share ? 'illegal_parameter' : 'missing_extension',
          `the server chose ${mode}, which the client did not offer (RFC 8446 §4.2.9)`,
        );
      let shared: Uint8Array | undefined;
      const own = share && s.offer.keyShares.find((k) => k.group === share.group);
      if (mode !== 'psk_ke') {
        if (!share || !own)
          throw new ProtocolError(
            'illegal_parameter',
            'the server key share is missing or not for a group the client sent',
          );
        shared = own.deriveSecret(share.keyExchange);
      }
      for (const k of s.offer.keyShares) k.release();
      const schedule = scheduleFor(c.provider, suite);
      if (s.offer.retry === undefined) s.offer.transcript.selectHash(schedule.hash);
      transcribe(s.offer.transcript, event.message);
      const keys = deriveHandshakeKeys(
        {
          suite,
          schedule,
          transcript: s.offer.transcript,
          group: shared ? own?.group : undefined,
          psk: psk && mode && { kind: psk.kind, identity: psk.identity, mode },
          earlyData: s.offer.earlyData === 'offered' ? 'rejected' : s.offer.earlyData, // until EncryptedExtensions says otherwise
          alpn: undefined, // until EncryptedExtensions names it
          servername: sentServerName(c.config.serverName),
          srtpProfile: undefined, // until EncryptedExtensions names it
          peerRecordSizeLimit: undefined,
          certificateTypes: X509_TYPES, // until EncryptedExtensions says otherwise
          clientRandom: s.offer.random,
          helloRetried: s.offer.retry !== undefined,
        },
        shared,
        c.log,
        psk?.key,
      );
      c.flight.peerFlight(false);
      c.earlyDatagrams = undefined;
      return { kind: 'waitEncryptedExtensions', keys, earlyData: s.offer.earlyData };
    },

    installHandshakeKeys(c: ClientContext, s: At<'waitEncryptedExtensions'>): At<'waitEncryptedExtensions'> {
      c.installEpoch(2, s.keys.suite, s.keys.schedule, s.keys);
      c.records.writer.retireWriteEpoch(1); // 0-RTT ends with the ServerHello (RFC 9147: no EndOfEarlyData)
      return s;
    },

    applyEncryptedExtensions,

    applyCertificateRequest(
      _c: ClientContext,
      s: At<'waitCertificateOrCertificateRequest'>,
      event: On<'CertificateRequest'>,
    ): At<'waitCertificate'> {
      const cr = event.payload;
      const sigs = findExtension(cr.extensions, 'signature_algorithms');
      if (!sigs)
        throw new ProtocolError(
          'missing_extension',
          'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2)',
        );
      transcribe(s.keys.transcript, event.message);
      const signatureAlgorithms = sigs.supportedSignatureAlgorithms.filter(
        (a): a is Extract<typeof a, string> => typeof a === 'string',
      );
      return {
        kind: 'waitCertificate',
        keys: s.keys,
        request: { context: cr.certificateRequestContext, signatureAlgorithms },
      };
    },

    // From waitCertificateOrCertificateRequest (no request) or waitCertificate (after one).
    applyServerCertificate(
      c: ClientContext,
      s: At<'waitCertificateOrCertificateRequest'> | At<'waitCertificate'>,
      event: On<'Certificate'>,
    ): At<'waitCertificateVerify'> {
      const request = s.kind === 'waitCertificate' ? s.request : undefined;
      return { kind: 'waitCertificateVerify', keys: s.keys, request, peer: serverCertificate(c, s.keys, event) };
    },

    applyServerCertificateVerify(
      c: ClientContext,
      s: At<'waitCertificateVerify'>,
      event: On<'CertificateVerify'>,
    ): At<'waitFinished'> {
      const signature = checkCertificateVerify(c.config, 'client', s.peer, event.payload, s.keys.transcript);
      transcribe(s.keys.transcript, event.message);
      return { kind: 'waitFinished', keys: s.keys, request: s.request, peer: s.peer, signature };
    },

    applyServerFinished(c: ClientContext, s: At<'waitFinished'>, event: On<'Finished'>): At<'finishing'> {
      checkFinished(s.keys.schedule, s.keys.serverSecret, s.keys.transcript, event.payload, 'server');
      transcribe(s.keys.transcript, event.message);
      const application = deriveApplicationSecrets(s.keys, s.keys.transcript.current(), c.log);
      // A certificate goes out only with a scheme the CertificateRequest accepts and our key can make (RFC 8446 §4.4.2.4).
      const own = c.ownKey ? schemesForKey(c.ownKey) : [];
      const presents = s.keys.certificateTypes.client === 'raw_public_key' || c.config.certificate !== undefined;
      const clientSignature =
        s.request && presents ? own.find((a) => s.request?.signatureAlgorithms.includes(a)) : undefined;
      c.flight.peerFlight(true);
      return {
        kind: 'finishing',
        keys: s.keys,
        request: s.request,
        peer: s.peer,
        signature: s.signature,
        application,
        clientSignature,
      };
    },

    sendClientCertificate(c: ClientContext, s: At<'finishing'>): At<'finishing'> {
      const chain = s.clientSignature ? ownChain(c.config, s.keys.certificateTypes.client) : [];
      c.queue(2, 'certificate', certificateBody(chain, s.request?.context ?? new Uint8Array(0)), s.keys.transcript);
      return s;
    },

    sendClientCertificateVerify(c: ClientContext, s: At<'finishing'>): At<'finishing'> {
      if (s.clientSignature && c.ownKey) {
        c.queue(
          2,
          'certificate_verify',
          certificateVerifyBody(c.provider, 'client', s.clientSignature, c.ownKey, s.keys.transcript),
          s.keys.transcript,
        );
      }
      return s;
    },

    sendClientFinished(c: ClientContext, s: At<'finishing'>): At<'finishing'> {
      c.queue(2, 'finished', finishedBody(s.keys.schedule, s.keys.clientSecret, s.keys.transcript), s.keys.transcript);
      c.sendFlight();
      return s;
    },

    installApplicationKeys(c: ClientContext, s: At<'finishing'>): At<'finishing'> {
      c.installEpoch(3, s.keys.suite, s.keys.schedule, s.application);
      return s;
    },

    reportConnected(c: ClientContext, s: At<'finishing'>): At<'connected'> {
      const parameters = negotiatedParameters(s.keys, s.signature, s.clientSignature !== undefined, s.peer?.chain);
      c.events.push({ type: 'handshakeComplete', parameters });
      // A server that asked for our certificate may still refuse it: confirmed once it acknowledged our flight (peer-confirmation.ts).
      if (s.request !== undefined) c.confirmation.begin('handshake');
      else handshakeConfirmedAtOnce(c.events);
      return {
        kind: 'connected',
        session: {
          parameters,
          schedule: s.keys.schedule,
          read: { epoch: 3, secret: s.application.serverSecret },
          write: { epoch: 3, secret: s.application.clientSecret },
          // The transcript now ends with our Finished.
          resumptionSecret: deriveResumptionSecret(s.application, s.keys.transcript.current()),
          serverName: c.config.serverName,
          clientAuthenticated: s.clientSignature !== undefined,
          ticketsIssued: 0,
          transcript: c.config.postHandshakeAuth ? s.keys.transcript : undefined,
          postHandshakeAuth: c.config.postHandshakeAuth,
          exporterSecret: s.application.exporterSecret,
        },
      };
    },

    // RFC 8446 §4.6.1: the ticket's PSK from the resumption master secret and its nonce, handed to the application as a session to resume.
    storeTicket(c: ClientContext, s: At<'connected'>, event: On<'NewSessionTicket'>): At<'connected'> {
      const nst = event.payload;
      if (nst.ticketLifetime > 604_800)
        throw new ProtocolError(
          'illegal_parameter',
          `ticket_lifetime ${nst.ticketLifetime} s is above 7 days (RFC 8446 §4.6.1)`,
        );
      if (nst.ticketLifetime === 0) return s; // "discard the ticket immediately"
      const session = s.session;
      const now = c.wallClock();
      const maxEarlyData = findExtension(nst.extensions, 'early_data')?.maxEarlyDataSize ?? 0;
      const bytes = encodeClientSession({
        suite: session.parameters.cipherSuite,
        serverName: session.serverName,
        ticket: nst.ticket.slice(),
        psk: resumptionPsk(session.schedule, session.resumptionSecret, nst.ticketNonce),
        ticketAgeAdd: nst.ticketAgeAdd,
        receivedAt: now,
        lifetimeSeconds: nst.ticketLifetime,
        maxEarlyData,
      });
      c.events.push({ type: 'sessionTicket', session: bytes, expiresAt: now + nst.ticketLifetime * 1000 });
      return s;
    },

    // RFC 8446 §4.6.2: our certificate (or an empty one), CertificateVerify and Finished as one post-handshake flight.
    answerCertificateRequest: inSession(answerCertificateRequest),

    ...SESSION_STEPS,
    ...CID_STEPS,
  } satisfies Dtls13ClientStepTable;

  function serverCertificate(c: ClientContext, keys: HandshakeKeys, event: On<'Certificate'>): PeerCertificate {
    const transcript = keys.transcript;
    const cert = event.payload;
    if (cert.certificateList.length === 0)
      throw new ProtocolError('decode_error', 'the server sent an empty Certificate (RFC 8446 §4.4.2.4)');
    if (cert.certificateRequestContext.length !== 0)
      throw new ProtocolError(
        'illegal_parameter',
        'a server Certificate must have an empty certificate_request_context (RFC 8446 §4.4.2)',
      );
    const peer = acceptPeerCertificate(c.config, 'client', cert, c.wallClock(), keys.certificateTypes.server);
    transcribe(transcript, event.message);
    return peer;
  }
}

/** The client chart's steps, one table for every client connection (each call brings its connection's context). */
export const CLIENT_STEPS = stepTable(clientSteps());

/** The client chart's guards: pure branches over the state the event arrives in and the event. */
export const CLIENT_GUARDS = guardTable({
  firstHelloRetryRequest: (s: At<'waitServerHello'>): boolean => s.offer.retry === undefined,
  certificateRequested: (s: At<'waitFinished'>): boolean => s.request !== undefined,
  pskAccepted: (s: At<'waitEncryptedExtensions'>): boolean => s.keys.psk !== undefined,
  earlyDataAccepted: (s: At<'waitEncryptedExtensions'>, event: On<'EncryptedExtensions'>): boolean =>
    s.earlyData === 'offered' && findExtension(event.payload.extensions, 'early_data') !== undefined,
} satisfies Dtls13ClientGuardTable);

/** The PSK the ServerHello selected, checked (RFC 8446 §4.2.11); undefined for a full handshake. */
function acceptedPsk(
  offer: ClientOffer,
  selected: number | undefined,
  suite: SupportedCipherSuite,
): PskOffer | undefined {
  if (selected === undefined) return undefined;
  const psk = offer.psk;
  if (!psk || selected !== 0)
    throw new ProtocolError(
      'illegal_parameter',
      `the server selected PSK identity ${selected}, which the client did not offer`,
    );
  if (CIPHER_SUITES[suite].hash !== psk.hash)
    throw new ProtocolError(
      'illegal_parameter',
      `the server selected ${suite} for a PSK whose hash is ${psk.hash} (RFC 8446 §4.2.11)`,
    );
  return psk;
}

/** RFC 8446 §4.1.3/§4.1.4: DTLS 1.3 selected, a suite we offered (the HelloRetryRequest's, if there was one), empty echo, null compression. */
function checkVersionAndSuite(
  offered: readonly SupportedCipherSuite[],
  selectedVersion: unknown,
  sh: ServerHello,
  fixed: SupportedCipherSuite | undefined,
): SupportedCipherSuite {
  if (selectedVersion !== 'dtls1_3') {
    throw new ProtocolError('protocol_version', 'the server did not select DTLS 1.3 in supported_versions');
  }
  const suite = offered.find((s) => s === sh.cipherSuite);
  if (suite === undefined)
    throw new ProtocolError(
      'illegal_parameter',
      `the server chose cipher suite ${String(sh.cipherSuite)}, which the client did not offer`,
    );
  if (fixed !== undefined && suite !== fixed)
    throw new ProtocolError(
      'illegal_parameter',
      'ServerHello changes the HelloRetryRequest cipher suite (RFC 8446 §4.1.4)',
    );
  if (sh.legacySessionIdEcho.length !== 0)
    throw new ProtocolError('illegal_parameter', 'legacy_session_id_echo must match the empty legacy_session_id');
  if (sh.legacyCompressionMethod !== 0)
    throw new ProtocolError('illegal_parameter', 'legacy_compression_method must be 0');
  return suite;
}
