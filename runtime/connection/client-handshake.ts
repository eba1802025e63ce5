import type { Dtls13ClientEvent, Dtls13ClientImplementation } from '../../generated/charts/dtls13-client.js';
import type { ServerHello } from '../../generated/wire/index.js';
import type { KeyExchangeGroup } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { Transcript } from '../keyschedule/transcript.js';
import { type ChartBinding, payloadOf } from './chart-binding.js';
import type { ClientOffer, ClientState, PeerCertificate } from './client-states.js';
import type { PskOffer } from './psk-offer.js';
import { checkEncryptedExtensions, checkHelloRetryRequestExtensions, checkServerHelloExtensions } from './extension-policy.js';
import {
  deriveApplicationSecrets,
  deriveEarlySecret,
  deriveHandshakeKeys,
  deriveResumptionSecret,
  negotiatedParameters,
  scheduleFor,
  type HandshakeKeys,
} from './key-material.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { resumptionPsk } from '../keyschedule/derived-keys.js';
import { encodeClientSession } from '../session/client-session.js';
import { decodeAlpnName } from '../session/alpn.js';
import { sentServerName } from './sni-selection.js';
import { applyServerAnswers, clientOfferedMore } from './extension-answers.js';
import { bindClientHello, earlyDataFits, pskExtensions, pskOfferFor, ticketModesExtension } from './psk-offer.js';
import { answerCertificateRequest } from './post-handshake-auth.js';
import { certificateBody, certificateVerifyBody, clientHelloBody, finishedBody } from './messages.js';
import { acceptPeerCertificate, checkCertificateVerify, checkFinished } from './peer-authentication.js';
import { sessionActions } from './session-actions.js';
import { type ChartContext, sharedCidActions, sharedSteps } from './chart-context.js';
import { acceptServerCid, clientCidExtensions } from '../cid/negotiation.js';

export type ClientBinding = ChartBinding<ClientState, Dtls13ClientEvent>;

/** A client chart actor's context (one per actor; role-driver.ts makes it). */
export type ClientContext = ChartContext<ClientState, Dtls13ClientEvent>;

/** The actions both roles share, once for every client connection. */
const SESSION_ACTIONS = sessionActions<Dtls13ClientEvent>();
const CID_ACTIONS = sharedCidActions<Dtls13ClientEvent>();
const { step, anyStep, guard } = sharedSteps<ClientState, Dtls13ClientEvent>();

/**
 * The client chart's actions and guards (RFC 8446 §4, RFC 9147 §5), each a
 * step over the client's typed state: validation, key derivation and
 * sending all happen here, on the data the state holds.
 */
function clientImplementation(): Dtls13ClientImplementation<ClientContext> {
  const transcribe = (c: ClientContext, t: Transcript): void => {
    const m = c.binding.message();
    t.addMessage(m.msgType, m.body);
  };
  const sendHello = (c: ClientContext, offer: ClientOffer): ClientState => {
    const cookie = offer.retry?.cookie;
    const now = c.parts.wallClock();
    const early = offer.earlyData === 'offered';
    const psk = offer.psk ? pskExtensions(offer.psk, c.parts.config.pskModes, now, early) : ticketModesExtension(c.parts.config.pskModes);
    const body = clientHelloBody(c.parts.config, offer.random, offer.keyShare, cookie, [...clientCidExtensions(c.parts.cid), ...psk]);
    if (offer.psk) bindClientHello(c.parts.provider, body, offer.psk, offer.transcript);
    c.parts.queue(0, 'client_hello', body, offer.transcript);
    c.parts.sendFlight();
    if (early && offer.psk && c.parts.config.earlyData) sendEarlyData(c, offer.psk, offer, c.parts.config.earlyData);
    return { kind: 'waitServerHello', offer };
  };
  // 0-RTT (RFC 8446 §4.2.10, RFC 9147 epoch 1): records keyed by client_early_traffic_secret over the ClientHello, right after it.
  const sendEarlyData = (c: ClientContext, psk: PskOffer, offer: ClientOffer, data: Uint8Array): void => {
    const suite = psk.session?.suite;
    if (!suite) return;
    const schedule = scheduleFor(c.parts.provider, suite);
    const t = offer.transcript.clone();
    t.selectHash(schedule.hash);
    const secret = deriveEarlySecret(schedule, psk.key, t.current(), offer.random, c.parts.log);
    c.parts.installEpoch(1, suite, schedule, { clientSecret: secret, serverSecret: secret }, 'write');
    const chunk = Math.max(1, c.parts.config.maxDatagramSize - 64);
    for (let i = 0; i < data.length; i += chunk)
      c.parts.outgoing.push(c.parts.records.seal('application_data', data.subarray(i, i + chunk), { epoch: 1 }).bytes);
  };
  return {
    actions: {
      // The first ClientHello, or after a HelloRetryRequest the second, with a share for the group it asked for.
      sendClientHello: anyStep((c, s) => {
        if (s.kind === 'start') {
          const share = c.parts.provider.generateKeyShare(c.parts.config.groups[0] ?? 'x25519');
          const psk = pskOfferFor(c.parts.config, c.parts.wallClock());
          return sendHello(c, {
            random: c.parts.provider.randomBytes(32),
            keyShare: share,
            transcript: new Transcript(c.parts.provider),
            retry: undefined,
            psk,
            earlyData: earlyDataFits(psk, c.parts.config.earlyData) ? 'offered' : 'not sent',
          });
        }
        if (s.kind !== 'waitServerHello') throw new Error(`sendClientHello ran in state ${s.kind}`);
        const group = s.offer.retry?.group;
        let keyShare = s.offer.keyShare;
        if (group !== undefined && group !== keyShare.group) {
          keyShare.release();
          keyShare = c.parts.provider.generateKeyShare(group);
        }
        return sendHello(c, { ...s.offer, keyShare });
      }),

      applyHelloRetryRequest: step('applyHelloRetryRequest', 'waitServerHello', (c, s, event) => {
        const hrr = payloadOf(event, 'HelloRetryRequest');
        if (!hrr.isHelloRetryRequest) throw new Error('a ServerHello routed as HelloRetryRequest');
        const suite = checkVersionAndSuite(c.parts.config.cipherSuites, findExtension(hrr.extensions, 'supported_versions')?.selectedVersion, hrr, undefined);
        checkHelloRetryRequestExtensions(hrr.extensions);
        const selected = findExtension(hrr.extensions, 'key_share')?.selectedGroup;
        const cookie = findExtension(hrr.extensions, 'cookie')?.cookie;
        if (selected === undefined && cookie === undefined)
          throw new ProtocolError('illegal_parameter', 'a HelloRetryRequest that would change nothing (RFC 8446 §4.1.4)');
        let group: KeyExchangeGroup | undefined;
        if (selected !== undefined) {
          group = c.parts.config.groups.find((g) => g === selected);
          if (group === undefined || group === s.offer.keyShare.group) {
            throw new ProtocolError('illegal_parameter', `HelloRetryRequest selects ${String(selected)}: not offered, or already shared (RFC 8446 §4.1.4)`);
          }
        }
        s.offer.transcript.selectHash(scheduleFor(c.parts.provider, suite).hash);
        s.offer.transcript.replaceWithMessageHash();
        transcribe(c, s.offer.transcript);
        c.parts.flight.peerFlight(false);
        // A PSK whose hash is not the suite's is dropped from the second ClientHello (RFC 8446 §4.1.4).
        const psk = s.offer.psk && s.offer.psk.hash === CIPHER_SUITES[suite].hash ? s.offer.psk : undefined;
        // Early data sent with the first ClientHello is refused by a HelloRetryRequest; the second carries none (RFC 8446 §4.2.10).
        const earlyData = s.offer.earlyData === 'offered' ? 'rejected' : s.offer.earlyData;
        if (earlyData === 'rejected') c.parts.records.retireWriteEpoch(1);
        return { kind: 'waitServerHello', offer: { ...s.offer, retry: { suite, group, cookie }, psk, earlyData } };
      }),

      applyServerHello: step('applyServerHello', 'waitServerHello', (c, s, event) => {
        const sh = payloadOf(event, 'ServerHello');
        if (sh.isHelloRetryRequest) throw new Error('a HelloRetryRequest routed as ServerHello');
        const suite = checkVersionAndSuite(
          c.parts.config.cipherSuites,
          findExtension(sh.extensions, 'supported_versions')?.selectedVersion,
          sh,
          s.offer.retry?.suite,
        );
        checkServerHelloExtensions(sh.extensions, s.offer.psk !== undefined, c.parts.cid.offered !== undefined);
        acceptServerCid(c.parts.cid, sh.extensions);
        const psk = acceptedPsk(s.offer, findExtension(sh.extensions, 'pre_shared_key')?.selectedIdentity, suite);
        const share = findExtension(sh.extensions, 'key_share')?.serverShare;
        const mode = psk && (share ? 'psk_dhe_ke' : 'psk_ke');
        if (mode && !c.parts.config.pskModes.includes(mode))
          throw new ProtocolError(
            share ? 'illegal_parameter' : 'missing_extension',
            `the server chose ${mode}, which the client did not offer (RFC 8446 §4.2.9)`,
          );
        let shared: Uint8Array | undefined;
        if (mode !== 'psk_ke') {
          if (!share || share.group !== s.offer.keyShare.group)
            throw new ProtocolError('illegal_parameter', 'the server key share is missing or not for the group the client sent');
          shared = s.offer.keyShare.deriveSecret(share.keyExchange);
        }
        s.offer.keyShare.release();
        const schedule = scheduleFor(c.parts.provider, suite);
        if (s.offer.retry === undefined) s.offer.transcript.selectHash(schedule.hash);
        transcribe(c, s.offer.transcript);
        const keys = deriveHandshakeKeys(
          {
            suite,
            schedule,
            transcript: s.offer.transcript,
            group: shared ? s.offer.keyShare.group : undefined,
            psk: psk && mode && { kind: psk.kind, identity: psk.identity, mode },
            earlyData: s.offer.earlyData === 'offered' ? 'rejected' : s.offer.earlyData, // until EncryptedExtensions says otherwise
            alpn: undefined, // until EncryptedExtensions names it
            servername: sentServerName(c.parts.config.serverName),
            srtpProfile: undefined, // until EncryptedExtensions names it
            peerRecordSizeLimit: undefined,
            clientRandom: s.offer.random,
            helloRetried: s.offer.retry !== undefined,
          },
          shared,
          c.parts.log,
          psk?.key,
        );
        c.parts.flight.peerFlight(false);
        return { kind: 'waitEncryptedExtensions', keys, earlyData: s.offer.earlyData };
      }),

      installHandshakeKeys: step('installHandshakeKeys', 'waitEncryptedExtensions', (c, s) => {
        c.parts.installEpoch(2, s.keys.suite, s.keys.schedule, s.keys);
        c.parts.records.retireWriteEpoch(1); // 0-RTT ends with the ServerHello (RFC 9147: no EndOfEarlyData)
        return s;
      }),

      applyEncryptedExtensions: step('applyEncryptedExtensions', 'waitEncryptedExtensions', (c, s, event) => {
        const ee = payloadOf(event, 'EncryptedExtensions');
        const offered = s.earlyData === 'offered';
        // server_name may be acknowledged only when it was sent: never for an IP address (RFC 6066 §3).
        const sentName = sentServerName(c.parts.config.serverName) !== undefined;
        checkEncryptedExtensions(ee.extensions, sentName, offered, c.parts.config.alpnOffer !== undefined, clientOfferedMore(c.parts.config));
        const alpn = chosenAlpn(c.parts.config.alpnOffer, findExtension(ee.extensions, 'application_layer_protocol_negotiation')?.protocolNameList);
        const answers = applyServerAnswers(c.parts.config, c.parts.records, ee);
        transcribe(c, s.keys.transcript);
        const accepted = findExtension(ee.extensions, 'early_data') !== undefined;
        if (accepted && s.keys.psk?.kind !== 'resumption')
          throw new ProtocolError('illegal_parameter', 'early data accepted without the ticket it was sent under (RFC 8446 §4.2.10)');
        const keys: HandshakeKeys = { ...s.keys, alpn, ...answers, earlyData: offered ? (accepted ? 'accepted' : 'rejected') : s.keys.earlyData };
        // Refused here or by a HelloRetryRequest: the application gets its data back to send again.
        if (s.earlyData !== 'not sent' && c.parts.config.earlyData) c.parts.events.push({ type: 'earlyData', accepted, data: c.parts.config.earlyData });
        // With a PSK the server's Finished alone authenticates it (RFC 8446 §2.2).
        if (keys.psk) return { kind: 'waitFinished', keys, request: undefined, peer: undefined, signature: undefined };
        return { kind: 'waitCertificateOrCertificateRequest', keys };
      }),

      applyCertificateRequest: step('applyCertificateRequest', 'waitCertificateOrCertificateRequest', (c, s, event) => {
        const cr = payloadOf(event, 'CertificateRequest');
        const sigs = findExtension(cr.extensions, 'signature_algorithms');
        if (!sigs) throw new ProtocolError('missing_extension', 'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2)');
        transcribe(c, s.keys.transcript);
        const signatureAlgorithms = sigs.supportedSignatureAlgorithms.filter((a): a is Extract<typeof a, string> => typeof a === 'string');
        return { kind: 'waitCertificate', keys: s.keys, request: { context: cr.certificateRequestContext, signatureAlgorithms } };
      }),

      // From waitCertificateOrCertificateRequest (no request) or waitCertificate (after one).
      applyServerCertificate: anyStep((c, s, event) => {
        if (s.kind !== 'waitCertificateOrCertificateRequest' && s.kind !== 'waitCertificate') throw new Error(`applyServerCertificate ran in state ${s.kind}`);
        const request = s.kind === 'waitCertificate' ? s.request : undefined;
        return { kind: 'waitCertificateVerify', keys: s.keys, request, peer: serverCertificate(c, s.keys.transcript, event) };
      }),

      applyServerCertificateVerify: step('applyServerCertificateVerify', 'waitCertificateVerify', (c, s, event) => {
        const signature = checkCertificateVerify(c.parts.config, 'client', s.peer, payloadOf(event, 'CertificateVerify'), s.keys.transcript);
        transcribe(c, s.keys.transcript);
        return { kind: 'waitFinished', keys: s.keys, request: s.request, peer: s.peer, signature };
      }),

      applyServerFinished: step('applyServerFinished', 'waitFinished', (c, s, event) => {
        checkFinished(s.keys.schedule, s.keys.serverSecret, s.keys.transcript, payloadOf(event, 'Finished'), 'server');
        transcribe(c, s.keys.transcript);
        const application = deriveApplicationSecrets(s.keys, s.keys.transcript.current(), c.parts.log);
        // A certificate goes out only with a scheme the CertificateRequest accepts and our key can make (RFC 8446 §4.4.2.4).
        const own = c.parts.ownKey ? schemesForKey(c.parts.ownKey) : [];
        const clientSignature = s.request && c.parts.config.certificate ? own.find((a) => s.request?.signatureAlgorithms.includes(a)) : undefined;
        c.parts.flight.peerFlight(true);
        return { kind: 'finishing', keys: s.keys, request: s.request, peer: s.peer, signature: s.signature, application, clientSignature };
      }),

      sendClientCertificate: step('sendClientCertificate', 'finishing', (c, s) => {
        const chain = s.clientSignature && c.parts.config.certificate ? c.parts.config.certificate.chain : [];
        c.parts.queue(2, 'certificate', certificateBody(chain, s.request?.context ?? new Uint8Array(0)), s.keys.transcript);
        return s;
      }),

      sendClientCertificateVerify: step('sendClientCertificateVerify', 'finishing', (c, s) => {
        if (s.clientSignature && c.parts.ownKey) {
          c.parts.queue(
            2,
            'certificate_verify',
            certificateVerifyBody(c.parts.provider, 'client', s.clientSignature, c.parts.ownKey, s.keys.transcript),
            s.keys.transcript,
          );
        }
        return s;
      }),

      sendClientFinished: step('sendClientFinished', 'finishing', (c, s) => {
        c.parts.queue(2, 'finished', finishedBody(s.keys.schedule, s.keys.clientSecret, s.keys.transcript), s.keys.transcript);
        c.parts.sendFlight();
        return s;
      }),

      installApplicationKeys: step('installApplicationKeys', 'finishing', (c, s) => {
        c.parts.installEpoch(3, s.keys.suite, s.keys.schedule, s.application);
        return s;
      }),

      reportConnected: step('reportConnected', 'finishing', (c, s) => {
        const parameters = negotiatedParameters(s.keys, s.signature, s.clientSignature !== undefined, s.peer?.chain);
        c.parts.events.push({ type: 'handshakeComplete', parameters });
        return {
          kind: 'connected',
          session: {
            parameters,
            schedule: s.keys.schedule,
            read: { epoch: 3, secret: s.application.serverSecret },
            write: { epoch: 3, secret: s.application.clientSecret },
            // The transcript now ends with our Finished.
            resumptionSecret: deriveResumptionSecret(s.application, s.keys.transcript.current()),
            serverName: c.parts.config.serverName,
            clientAuthenticated: s.clientSignature !== undefined,
            ticketsIssued: 0,
            transcript: s.keys.transcript,
            postHandshakeAuth: c.parts.config.postHandshakeAuth,
            exporterSecret: s.application.exporterSecret,
          },
        };
      }),

      // RFC 8446 §4.6.1: the ticket's PSK from the resumption master secret and its nonce, handed to the application as a session to resume.
      storeTicket: step('storeTicket', 'connected', (c, s, event) => {
        const nst = payloadOf(event, 'NewSessionTicket');
        if (nst.ticketLifetime > 604_800)
          throw new ProtocolError('illegal_parameter', `ticket_lifetime ${nst.ticketLifetime} s is above 7 days (RFC 8446 §4.6.1)`);
        if (nst.ticketLifetime === 0) return s; // "discard the ticket immediately"
        const session = s.session;
        const now = c.parts.wallClock();
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
        c.parts.events.push({ type: 'sessionTicket', session: bytes, expiresAt: now + nst.ticketLifetime * 1000 });
        return s;
      }),

      // RFC 8446 §4.6.2: our certificate (or an empty one), CertificateVerify and Finished as one post-handshake flight.
      answerCertificateRequest: step('answerCertificateRequest', 'connected', (c, s, event) => {
        answerCertificateRequest(c.parts, s.session, payloadOf(event, 'CertificateRequest'), c.binding.message().body);
        return s;
      }),

      ...SESSION_ACTIONS,
      ...CID_ACTIONS,
    },
    guards: {
      firstHelloRetryRequest: guard((s) => s.kind === 'waitServerHello' && s.offer.retry === undefined),
      certificateRequested: guard((s) => s.kind === 'waitFinished' && s.request !== undefined),
      pskAccepted: guard((s) => s.kind === 'waitEncryptedExtensions' && s.keys.psk !== undefined),
      earlyDataAccepted: guard(
        (s, event) =>
          s.kind === 'waitEncryptedExtensions' &&
          s.earlyData === 'offered' &&
          findExtension(payloadOf(event, 'EncryptedExtensions').extensions, 'early_data') !== undefined,
      ),
    },
    delays: {},
  };

  function serverCertificate(c: ClientContext, transcript: Transcript, event: Dtls13ClientEvent): PeerCertificate {
    const cert = payloadOf(event, 'Certificate');
    if (cert.certificateList.length === 0) throw new ProtocolError('decode_error', 'the server sent an empty Certificate (RFC 8446 §4.4.2.4)');
    if (cert.certificateRequestContext.length !== 0)
      throw new ProtocolError('illegal_parameter', 'a server Certificate must have an empty certificate_request_context (RFC 8446 §4.4.2)');
    const peer = acceptPeerCertificate(c.parts.config, 'client', cert, c.parts.wallClock());
    transcribe(c, transcript);
    return peer;
  }
}

/** The client chart's implementation, one for every client connection (each actor's context brings its connection). */
export const CLIENT_IMPLEMENTATION = clientImplementation();

/**
 * The PSK the ServerHello selected, checked (RFC 8446 §4.2.11): one we
 * offered, with a suite of its hash. Undefined when the server chose a full
 * handshake.
 */
function acceptedPsk(offer: ClientOffer, selected: number | undefined, suite: SupportedCipherSuite): PskOffer | undefined {
  if (selected === undefined) return undefined;
  const psk = offer.psk;
  if (!psk || selected !== 0) throw new ProtocolError('illegal_parameter', `the server selected PSK identity ${selected}, which the client did not offer`);
  if (CIPHER_SUITES[suite].hash !== psk.hash)
    throw new ProtocolError('illegal_parameter', `the server selected ${suite} for a PSK whose hash is ${psk.hash} (RFC 8446 §4.2.11)`);
  return psk;
}

/** RFC 7301 §3.1: the server names exactly one protocol, one we offered. */
function chosenAlpn(offer: readonly string[] | undefined, names: readonly { readonly name: Uint8Array }[] | undefined): string | undefined {
  if (names === undefined) return undefined;
  const chosen = names.length === 1 ? decodeAlpnName(names[0]!.name) : undefined;
  if (chosen === undefined || !offer?.includes(chosen)) {
    throw new ProtocolError(
      'illegal_parameter',
      `the server's ALPN answer ${names.map((n) => decodeAlpnName(n.name)).join(', ')} is not one protocol we offered (RFC 7301 §3.1)`,
    );
  }
  return chosen;
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
    throw new ProtocolError('illegal_parameter', `the server chose cipher suite ${String(sh.cipherSuite)}, which the client did not offer`);
  if (fixed !== undefined && suite !== fixed)
    throw new ProtocolError('illegal_parameter', 'ServerHello changes the HelloRetryRequest cipher suite (RFC 8446 §4.1.4)');
  if (sh.legacySessionIdEcho.length !== 0) throw new ProtocolError('illegal_parameter', 'legacy_session_id_echo must match the empty legacy_session_id');
  if (sh.legacyCompressionMethod !== 0) throw new ProtocolError('illegal_parameter', 'legacy_compression_method must be 0');
  return suite;
}
