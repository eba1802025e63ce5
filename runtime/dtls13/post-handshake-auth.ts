import type { Certificate, CertificateRequest, CertificateVerify, Finished } from '../../generated/wire/index.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { bytesEqual } from '../wire/bytes.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ResolvedConfig } from '../shared/config.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { PendingAuthentication, Session } from '../shared/key-material.js';
import type { ClientContext } from './machine-context.js';
import type { InboundMessage } from './client-states.js';
import { certificateBody, certificateRequestBody, certificateVerifyBody, finishedBody } from '../shared/messages.js';
import { acceptPeerCertificate, checkCertificateVerify, checkFinished } from '../shared/peer-authentication.js';
import { sendPostHandshakeFlight, type PostHandshakeSender } from './post-handshake-flights.js';

/**
 * Post-handshake client authentication (RFC 8446 §4.6.2): a CertificateRequest answered by Certificate,
 * CertificateVerify and Finished over the handshake's transcript, each a post-handshake flight (RFC 9147 §5.8).
 */

/** The event when the client's answer verified: its leaf certificate, or undefined when it sent none. */
export function postHandshakeAuthenticated(events: ConnectionEvent[], certificate: Uint8Array | undefined): void {
  events.push({ type: 'clientAuthenticated', certificate });
}

/** A handshake message's event: the transcript takes the message's bytes. */
type Received = { readonly message: InboundMessage };

/** The handshake's transcript, which a session keeps when post_handshake_auth was offered (both callers check that first). */
function handshakeTranscript(session: Session): Transcript {
  if (session.transcript === undefined)
    throw new ProtocolError('internal_error', 'post-handshake authentication without the handshake transcript kept');
  return session.transcript;
}

/** Server: sends a CertificateRequest with an 8-byte random context. One request at a time. */
export function requestClientCertificate(
  c: PostHandshakeSender & { readonly config: ResolvedConfig; readonly provider: CryptoProvider },
  session: Session,
): void {
  if (session.pendingAuth) return;
  const context = c.provider.randomBytes(8);
  const body = certificateRequestBody(c.config.signatureAlgorithms, context, c.config.signatureAlgorithmsCert);
  const transcript = handshakeTranscript(session).clone();
  transcript.addMessage(13, body);
  session.pendingAuth = { stage: 'certificate', context, transcript };
  sendPostHandshakeFlight(c, () => c.queue(session.write.epoch, 'certificate_request', body));
}

function pending<S extends PendingAuthentication['stage']>(
  session: Session,
  stage: S,
  what: string,
): Extract<PendingAuthentication, { stage: S }> {
  const p = session.pendingAuth;
  if (!p || p.stage !== stage)
    throw new ProtocolError(
      'unexpected_message',
      `a post-handshake ${what} the server did not ask for (RFC 8446 §4.6.2)`,
    );
  return p as Extract<PendingAuthentication, { stage: S }>;
}

/** Server: the client's Certificate; empty means it has none (certificate_required when the server requires one). */
export function applyPostHandshakeCertificate(
  c: { readonly config: ResolvedConfig; readonly wallClock: () => number },
  session: Session,
  cert: Certificate,
  { message }: Received,
): void {
  const p = pending(session, 'certificate', 'Certificate');
  if (!bytesEqual(cert.certificateRequestContext, p.context)) {
    throw new ProtocolError(
      'illegal_parameter',
      'the client Certificate does not echo the CertificateRequest context (RFC 8446 §4.4.2)',
    );
  }
  if (cert.certificateList.length === 0) {
    if (c.config.clientAuthentication === 'required')
      throw new ProtocolError('certificate_required', 'the client sent no certificate (RFC 8446 §4.4.2.4)');
    p.transcript.addMessage(11, message.body);
    session.pendingAuth = { stage: 'finished', context: p.context, transcript: p.transcript, peer: undefined };
    return;
  }
  const peer = acceptPeerCertificate(c.config, 'server', cert, c.wallClock());
  p.transcript.addMessage(11, message.body);
  session.pendingAuth = { stage: 'certificateVerify', context: p.context, transcript: p.transcript, peer };
}

export function applyPostHandshakeCertificateVerify(
  c: { readonly config: ResolvedConfig },
  session: Session,
  cv: CertificateVerify,
  { message }: Received,
): void {
  const p = pending(session, 'certificateVerify', 'CertificateVerify');
  checkCertificateVerify(c.config, 'server', p.peer, cv, p.transcript);
  p.transcript.addMessage(15, message.body);
  session.pendingAuth = { stage: 'finished', context: p.context, transcript: p.transcript, peer: p.peer };
}

/** Server: the client's Finished, keyed by its current application traffic secret; the authentication is reported. */
export function applyPostHandshakeFinished(
  c: { readonly events: ConnectionEvent[] },
  session: Session,
  finished: Finished,
): void {
  const p = pending(session, 'finished', 'Finished');
  checkFinished(session.schedule, session.read.secret, p.transcript, finished, 'client');
  session.pendingAuth = undefined;
  postHandshakeAuthenticated(c.events, p.peer?.chain[0]);
}

/** Client: answers a post-handshake CertificateRequest with our certificate (if it fits the request) or an empty one. */
export function answerCertificateRequest(
  c: ClientContext,
  session: Session,
  cr: CertificateRequest,
  { message }: Received,
): void {
  if (!c.config.postHandshakeAuth) {
    throw new ProtocolError(
      'unexpected_message',
      'a post-handshake CertificateRequest, but the client did not offer post_handshake_auth (RFC 8446 §4.6.2)',
    );
  }
  if (cr.certificateRequestContext.length === 0) {
    throw new ProtocolError(
      'illegal_parameter',
      'a post-handshake CertificateRequest with an empty context (RFC 8446 §4.3.2)',
    );
  }
  const sigs = findExtension(cr.extensions, 'signature_algorithms');
  if (!sigs)
    throw new ProtocolError('missing_extension', 'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2)');
  const accepted = sigs.supportedSignatureAlgorithms.filter(
    (a): a is Extract<typeof a, string> => typeof a === 'string',
  );
  const transcript = handshakeTranscript(session).clone();
  transcript.addMessage(13, message.body);
  const key = c.ownKey;
  const certificate = c.config.certificate;
  const scheme = key && certificate ? schemesForKey(key).find((a) => accepted.includes(a)) : undefined;
  // The server checks the answer after we sent it: what the application sends meanwhile waits for its ACK (peer-confirmation.ts).
  const confirmation = c.confirmation;
  confirmation.begin('certificate');
  sendPostHandshakeFlight(
    c,
    () => {
      const epoch = session.write.epoch;
      c.queue(
        epoch,
        'certificate',
        certificateBody(scheme && certificate ? certificate.chain : [], cr.certificateRequestContext),
        transcript,
      );
      if (scheme && key)
        c.queue(
          epoch,
          'certificate_verify',
          certificateVerifyBody(c.provider, 'client', scheme, key, transcript),
          transcript,
        );
      c.queue(epoch, 'finished', finishedBody(session.schedule, session.write.secret, transcript), transcript);
    },
    () => confirmation.confirm('certificate'),
  );
}
