import { decodeCertificate, decodeCertificateVerify, decodeClientHello, decodeFinished, decodeKeyUpdate } from '../../generated/wire/index.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import type { Dtls13ServerEvent } from '../../generated/charts/dtls13-server.js';
import { CryptoError } from '../crypto/provider.js';
import { schemesForKey } from '../handshake/certificate-verify.js';
import { negotiate } from '../handshake/negotiation.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { addToTranscript, selectSuite, type HandshakeContext } from './context.js';
import { decodeOrFail, requireEpoch } from './inbound-common.js';
import { acceptPeerCertificate, acceptPeerCertificateVerify, acceptPeerFinished } from './verify-peer.js';

/**
 * The server's inbound step: turns a whole handshake message into its chart
 * event after the checks that are not the chart's business, and adds it to
 * the transcript. Throws ProtocolError.
 */
export function serverInbound(ctx: HandshakeContext, msgType: HandshakeTypeName | number, body: Uint8Array, epoch: number, wallClock: number): Dtls13ServerEvent {
  switch (msgType) {
    case 'client_hello': {
      requireEpoch(epoch, 0, 'ClientHello');
      const ch = decodeOrFail(decodeClientHello, body);
      ctx.clientRandom = ch.random;
      const ownSchemes = schemesForKey(ctx.ownKey!);
      const choice = negotiate(ch, {
        cipherSuites: ctx.config.cipherSuites,
        groups: ctx.config.groups,
        signatureAlgorithms: ctx.config.signatureAlgorithms.filter((a) => ownSchemes.includes(a)),
      });
      addToTranscript(ctx, msgType, body);
      if (ctx.suite !== undefined && choice.suite !== ctx.suite) throw new ProtocolError('illegal_parameter', 'the second ClientHello changes the cipher suite');
      if (ctx.suite === undefined) selectSuite(ctx, choice.suite);
      if (choice.kind === 'retry') {
        ctx.group = choice.group;
        ctx.prepared = { helloRetryNeeded: true };
      } else {
        ctx.group = choice.group;
        ctx.signature = choice.signature;
        ctx.keyShare = ctx.provider.generateKeyShare(choice.group);
        try {
          ctx.sharedSecret = ctx.keyShare.deriveSecret(choice.peerShare);
        } catch (e) {
          if (e instanceof CryptoError) throw new ProtocolError('illegal_parameter', `the client key share is invalid: ${e.message}`);
          throw e;
        }
        ctx.prepared = { helloRetryNeeded: false };
      }
      return { type: 'ClientHello', payload: ch };
    }
    case 'certificate': {
      requireEpoch(epoch, 2, 'Certificate');
      const payload = decodeOrFail(decodeCertificate, body);
      const empty = payload.certificateList.length === 0;
      if (empty && ctx.config.clientAuthentication === 'required') throw new ProtocolError('certificate_required', 'the client sent no certificate (RFC 8446 §4.4.2.4)');
      if (!empty) acceptPeerCertificate(ctx, payload, wallClock);
      ctx.prepared = { emptyCertificate: empty };
      addToTranscript(ctx, msgType, body);
      return { type: 'Certificate', payload };
    }
    case 'certificate_verify': {
      requireEpoch(epoch, 2, 'CertificateVerify');
      const payload = decodeOrFail(decodeCertificateVerify, body);
      acceptPeerCertificateVerify(ctx, payload);
      ctx.clientAuthenticated = true;
      addToTranscript(ctx, msgType, body);
      return { type: 'CertificateVerify', payload };
    }
    case 'finished': {
      requireEpoch(epoch, 2, 'Finished');
      const payload = decodeOrFail(decodeFinished, body);
      acceptPeerFinished(ctx, payload);
      addToTranscript(ctx, msgType, body);
      return { type: 'Finished', payload };
    }
    case 'key_update':
      requireEpoch(epoch, 3, 'KeyUpdate', true);
      return { type: 'KeyUpdate', payload: decodeOrFail(decodeKeyUpdate, body) };
    default:
      throw new ProtocolError('unexpected_message', `a server does not expect ${String(msgType)}`);
  }
}
