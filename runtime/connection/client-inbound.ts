import {
  decodeCertificate, decodeCertificateRequest, decodeCertificateVerify, decodeEncryptedExtensions, decodeFinished, decodeKeyUpdate,
  decodeNewSessionTicket, decodeServerHello, type ServerHello,
} from '../../generated/wire/index.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import type { Dtls13ClientEvent } from '../../generated/charts/dtls13-client.js';
import { CryptoError, type KeyExchangeGroup } from '../crypto/provider.js';
import { findExtension } from '../handshake/extensions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { addToTranscript, selectSuite, type HandshakeContext } from './context.js';
import { decodeOrFail, requireEpoch } from './inbound-common.js';
import { acceptPeerCertificate, acceptPeerCertificateVerify, acceptPeerFinished } from './verify-peer.js';

/**
 * The client's inbound step: turns a whole handshake message into its chart
 * event after every check that is not the chart's business (RFC 8446 §4,
 * RFC 9147 §5), and adds it to the transcript. Throws ProtocolError.
 */
export function clientInbound(ctx: HandshakeContext, msgType: HandshakeTypeName | number, body: Uint8Array, epoch: number, wallClock: number): Dtls13ClientEvent {
  switch (msgType) {
    case 'server_hello': {
      requireEpoch(epoch, 0, 'ServerHello');
      const sh = decodeOrFail(decodeServerHello, body);
      return sh.isHelloRetryRequest ? helloRetryRequest(ctx, sh, body) : serverHello(ctx, sh, body);
    }
    case 'encrypted_extensions': {
      requireEpoch(epoch, 2, 'EncryptedExtensions');
      const payload = decodeOrFail(decodeEncryptedExtensions, body);
      addToTranscript(ctx, msgType, body);
      return { type: 'EncryptedExtensions', payload };
    }
    case 'certificate_request': {
      requireEpoch(epoch, 2, 'CertificateRequest');
      const payload = decodeOrFail(decodeCertificateRequest, body);
      const sigs = findExtension(payload.extensions, 'signature_algorithms');
      if (!sigs) throw new ProtocolError('missing_extension', 'CertificateRequest without signature_algorithms (RFC 8446 §4.3.2)');
      ctx.certificateRequestContext = payload.certificateRequestContext;
      ctx.requestedSignatures = sigs.supportedSignatureAlgorithms.filter((s): s is Extract<typeof s, string> => typeof s === 'string');
      addToTranscript(ctx, msgType, body);
      return { type: 'CertificateRequest', payload };
    }
    case 'certificate': {
      requireEpoch(epoch, 2, 'Certificate');
      const payload = decodeOrFail(decodeCertificate, body);
      if (payload.certificateList.length === 0) throw new ProtocolError('decode_error', 'the server sent an empty Certificate (RFC 8446 §4.4.2.4)');
      acceptPeerCertificate(ctx, payload, wallClock);
      addToTranscript(ctx, msgType, body);
      return { type: 'Certificate', payload };
    }
    case 'certificate_verify': {
      requireEpoch(epoch, 2, 'CertificateVerify');
      const payload = decodeOrFail(decodeCertificateVerify, body);
      acceptPeerCertificateVerify(ctx, payload);
      ctx.signature = payload.algorithm as typeof ctx.signature;
      addToTranscript(ctx, msgType, body);
      return { type: 'CertificateVerify', payload };
    }
    case 'finished': {
      requireEpoch(epoch, 2, 'Finished');
      const payload = decodeOrFail(decodeFinished, body);
      acceptPeerFinished(ctx, payload);
      addToTranscript(ctx, msgType, body);
      ctx.serverFinishedHash = ctx.transcript.current();
      return { type: 'Finished', payload };
    }
    case 'new_session_ticket':
      requireEpoch(epoch, 3, 'NewSessionTicket', true);
      return { type: 'NewSessionTicket', payload: decodeOrFail(decodeNewSessionTicket, body) };
    case 'key_update':
      requireEpoch(epoch, 3, 'KeyUpdate', true);
      return { type: 'KeyUpdate', payload: decodeOrFail(decodeKeyUpdate, body) };
    default:
      throw new ProtocolError('unexpected_message', `a client does not expect ${String(msgType)}`);
  }
}

function checkVersionAndSuite(ctx: HandshakeContext, sh: ServerHello): void {
  const version = sh.isHelloRetryRequest ? findExtension(sh.extensions, 'supported_versions') : findExtension(sh.extensions, 'supported_versions');
  if (version?.selectedVersion !== 'dtls1_3') throw new ProtocolError('protocol_version', 'the server did not select DTLS 1.3 in supported_versions');
  const suite = sh.cipherSuite;
  if (typeof suite !== 'string' || !(ctx.config.cipherSuites as readonly string[]).includes(suite)) {
    throw new ProtocolError('illegal_parameter', `the server chose cipher suite ${String(suite)}, which the client did not offer`);
  }
  if (ctx.suite !== undefined && suite !== ctx.suite) throw new ProtocolError('illegal_parameter', 'ServerHello changes the HelloRetryRequest cipher suite (RFC 8446 §4.1.4)');
  if (sh.legacySessionIdEcho.length !== 0) throw new ProtocolError('illegal_parameter', 'legacy_session_id_echo must match the empty legacy_session_id');
  if (sh.legacyCompressionMethod !== 0) throw new ProtocolError('illegal_parameter', 'legacy_compression_method must be 0');
}

function helloRetryRequest(ctx: HandshakeContext, sh: ServerHello, body: Uint8Array): Dtls13ClientEvent {
  const event: Dtls13ClientEvent = { type: 'HelloRetryRequest', payload: sh };
  if (ctx.helloRetryRequest) return event; // the chart answers a second one with unexpected_message
  checkVersionAndSuite(ctx, sh);
  if (sh.isHelloRetryRequest) {
    const selected = findExtension(sh.extensions, 'key_share')?.selectedGroup;
    const cookie = findExtension(sh.extensions, 'cookie')?.cookie;
    if (selected === undefined && cookie === undefined) throw new ProtocolError('illegal_parameter', 'a HelloRetryRequest that would change nothing (RFC 8446 §4.1.4)');
    if (selected !== undefined) {
      if (typeof selected !== 'string' || !(ctx.config.groups as readonly string[]).includes(selected) || selected === ctx.group) {
        throw new ProtocolError('illegal_parameter', `HelloRetryRequest selects ${String(selected)}: not offered, or already shared`);
      }
      ctx.helloRetryGroup = selected as KeyExchangeGroup;
    }
    ctx.cookie = cookie;
  }
  selectSuite(ctx, sh.cipherSuite as NonNullable<typeof ctx.suite>);
  ctx.transcript.replaceWithMessageHash();
  addToTranscript(ctx, 'server_hello', body);
  return event;
}

function serverHello(ctx: HandshakeContext, sh: ServerHello, body: Uint8Array): Dtls13ClientEvent {
  checkVersionAndSuite(ctx, sh);
  const share = sh.isHelloRetryRequest ? undefined : findExtension(sh.extensions, 'key_share');
  if (!share || share.serverShare.group !== ctx.group) {
    throw new ProtocolError('illegal_parameter', 'the server key share is missing or not for the group the client sent');
  }
  try {
    ctx.sharedSecret = ctx.keyShare!.deriveSecret(share.serverShare.keyExchange);
  } catch (e) {
    if (e instanceof CryptoError) throw new ProtocolError('illegal_parameter', `the server key share is invalid: ${e.message}`);
    throw e;
  }
  if (ctx.suite === undefined) selectSuite(ctx, sh.cipherSuite as NonNullable<typeof ctx.suite>);
  addToTranscript(ctx, 'server_hello', body);
  return { type: 'ServerHello', payload: sh };
}
