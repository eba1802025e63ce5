import type { Dtls13ClientImplementation } from '../../generated/charts/dtls13-client.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { installEpoch, queueMessage, sendFlight, type HandshakeContext } from './context.js';
import { deriveApplicationSecrets, deriveHandshakeSecrets, reportConnected } from './common-actions.js';
import { connectedAndFatalActions } from './shared-actions.js';
import { certificateBody, certificateVerifyBody, clientHelloBody, emptyCertificateBody, finishedBody } from './messages.js';

/** The client chart's named actions and guards, bound to one connection's context. */
export function clientImplementation(ctx: HandshakeContext, emit: (d: Uint8Array) => void): Dtls13ClientImplementation<HandshakeContext> {
  return {
    actions: {
      sendClientHello: () => {
        const group = ctx.helloRetryGroup ?? ctx.config.groups[0]!;
        if (ctx.keyShare?.group !== group) {
          ctx.keyShare?.release();
          ctx.keyShare = ctx.provider.generateKeyShare(group);
        }
        ctx.group = group;
        queueMessage(ctx, 0, 'client_hello', clientHelloBody(ctx, group));
        sendFlight(ctx);
      },
      applyHelloRetryRequest: () => {
        ctx.helloRetryRequest = true;
        ctx.flight.peerFlight(false);
      },
      applyServerHello: () => {
        deriveHandshakeSecrets(ctx);
        ctx.flight.peerFlight(false);
      },
      installHandshakeKeys: () => installEpoch(ctx, 2, ctx.clientHandshakeSecret!, ctx.serverHandshakeSecret!),
      applyEncryptedExtensions: () => {},
      applyCertificateRequest: () => {
        ctx.certificateRequested = true;
      },
      applyServerCertificate: () => {},
      applyServerCertificateVerify: () => {},
      applyServerFinished: () => deriveApplicationSecrets(ctx),
      sendClientCertificate: () => {
        // A certificate goes out only with a scheme the CertificateRequest accepts and our key can make; otherwise the
        // Certificate is empty and the server decides (RFC 8446 §4.4.2.4).
        const own = ctx.ownKey ? schemesForKey(ctx.ownKey) : [];
        ctx.clientSignature = ctx.config.certificate ? own.find((a) => ctx.requestedSignatures.includes(a)) : undefined;
        const context = ctx.certificateRequestContext;
        queueMessage(ctx, 2, 'certificate', ctx.clientSignature ? certificateBody(ctx, context) : emptyCertificateBody(context));
      },
      sendClientCertificateVerify: () => {
        if (!ctx.clientSignature) return; // the empty Certificate stands alone
        ctx.clientAuthenticated = true;
        queueMessage(ctx, 2, 'certificate_verify', certificateVerifyBody(ctx, ctx.clientSignature));
      },
      sendClientFinished: () => {
        queueMessage(ctx, 2, 'finished', finishedBody(ctx));
        sendFlight(ctx);
      },
      installApplicationKeys: () => installEpoch(ctx, 3, ctx.clientApplicationSecret!, ctx.serverApplicationSecret!),
      reportConnected: () => reportConnected(ctx),
      storeTicket: () => {},
      ...connectedAndFatalActions(ctx, emit),
    },
    guards: {
      firstHelloRetryRequest: () => !ctx.helloRetryRequest,
      certificateRequested: () => ctx.certificateRequested,
    },
    delays: {},
  };
}
