import type { Dtls13ServerImplementation } from '../../generated/charts/dtls13-server.js';
import { addToTranscript, installEpoch, queueMessage, sendFlight, type HandshakeContext } from './context.js';
import { CIPHER_SUITES } from '../crypto/suites.js';
import { scheduleContext } from '../keyschedule/context.js';
import type { CookieContents } from '../handshake/cookie.js';
import { deriveApplicationSecrets, deriveHandshakeSecrets, reportConnected } from './common-actions.js';
import { connectedAndFatalActions } from './shared-actions.js';
import { certificateBody, certificateRequestBody, certificateVerifyBody, encryptedExtensionsBody, finishedBody, helloRetryRequestBody, serverHelloBody } from './messages.js';

/** The server chart's named actions and guards, bound to one connection's context. */
export function serverImplementation(
  ctx: HandshakeContext,
  emit: (d: Uint8Array) => void,
  ackFinalFlight: () => void,
  statelessRetry?: StatelessRetry,
): Dtls13ServerImplementation<HandshakeContext> {
  return {
    actions: {
      restoreFromCookie: () => {
        // The transcript a stateless HelloRetryRequest left in its cookie: message_hash(ClientHello1), then the HelloRetryRequest itself.
        const r = statelessRetry!;
        ctx.helloRetryRequest = true;
        ctx.suite = r.contents.suite;
        selectSuiteFromCookie(ctx, r);
        ctx.sendSeq = 1;
      },
      sendHelloRetryRequest: () => {
        ctx.helloRetryRequest = true;
        ctx.transcript.replaceWithMessageHash();
        ctx.flight.peerFlight(false);
        queueMessage(ctx, 0, 'server_hello', helloRetryRequestBody(ctx.suite!, ctx.group!, undefined));
        sendFlight(ctx);
      },
      applyClientHello: () => ctx.flight.peerFlight(false),
      sendServerFlight: () => {
        queueMessage(ctx, 0, 'server_hello', serverHelloBody(ctx));
        deriveHandshakeSecrets(ctx);
        installEpoch(ctx, 2, ctx.clientHandshakeSecret!, ctx.serverHandshakeSecret!);
        queueMessage(ctx, 2, 'encrypted_extensions', encryptedExtensionsBody());
        if (ctx.config.clientAuthentication !== 'none') queueMessage(ctx, 2, 'certificate_request', certificateRequestBody(ctx));
        queueMessage(ctx, 2, 'certificate', certificateBody(ctx, new Uint8Array(0)));
        queueMessage(ctx, 2, 'certificate_verify', certificateVerifyBody(ctx));
        queueMessage(ctx, 2, 'finished', finishedBody(ctx));
        ctx.serverFinishedHash = ctx.transcript.current();
        deriveApplicationSecrets(ctx);
        // Epoch 3 reads may start now; application data is held back until the client's Finished (RFC 9147 §5.8.1).
        installEpoch(ctx, 3, ctx.clientApplicationSecret!, ctx.serverApplicationSecret!);
        sendFlight(ctx);
      },
      acceptNoClientCertificate: () => {},
      applyClientCertificate: () => {},
      applyClientCertificateVerify: () => {},
      applyClientFinished: () => {
        ctx.flight.peerFlight(true);
        ackFinalFlight();
      },
      installApplicationKeys: () => {},
      reportConnected: () => reportConnected(ctx),
      ...connectedAndFatalActions(ctx, emit),
    },
    guards: {
      helloRetryNeeded: () => ctx.prepared.helloRetryNeeded === true,
      clientAuthentication: () => ctx.config.clientAuthentication !== 'none',
      emptyCertificate: () => ctx.prepared.emptyCertificate === true,
    },
    delays: {},
  };
}

/** What a connection created after a stateless HelloRetryRequest starts from. */
export interface StatelessRetry {
  readonly contents: CookieContents;
  /** The cookie as the second ClientHello echoed it (part of the HelloRetryRequest bytes). */
  readonly cookie: Uint8Array;
  /**
   * The second ClientHello's record sequence number. The HelloRetryRequest
   * took the first ClientHello's; our epoch-0 records start here so that
   * none repeats it (a peer's replay window would drop the ServerHello).
   */
  readonly recordSequence: number;
}

function selectSuiteFromCookie(ctx: HandshakeContext, r: StatelessRetry): void {
  const hash = CIPHER_SUITES[r.contents.suite].hash;
  ctx.transcript.startWithMessageHash(hash, r.contents.clientHelloHash);
  ctx.schedule = scheduleContext(ctx.provider, hash, 'dtls13');
  addToTranscript(ctx, 'server_hello', helloRetryRequestBody(r.contents.suite, r.contents.group, r.cookie));
}
