import type { Dtls13ClientEvent } from '../../generated/charts/dtls13-client.js';
import type { Dtls13ServerEvent } from '../../generated/charts/dtls13-server.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeFinished,
  decodeKeyUpdate,
  decodeNewConnectionId,
  decodeNewSessionTicket,
  decodeRequestConnectionId,
  decodeServerHello,
} from '../../generated/wire/index.js';

/**
 * Which epochs a handshake message may arrive in (RFC 9147 §5, §6.1): the
 * hellos in plaintext epoch 0, the rest of the handshake under handshake
 * keys (epoch 2), post-handshake messages under application keys (3+).
 */
export type EpochRule = 'plaintext' | 'handshake' | 'application';

/** What one handshake type is to each role: where it may arrive, and the chart event its body decodes to. */
export interface HandshakeHandler {
  readonly epochs: EpochRule;
  /** Also after the handshake, under application keys: the messages of post-handshake authentication (RFC 8446 §4.6.2). */
  readonly afterHandshake?: true;
  /** The chart events the message can become (checked against the chart before the body is decoded). */
  readonly events: readonly string[];
  readonly client?: (body: Uint8Array) => Dtls13ClientEvent;
  readonly server?: (body: Uint8Array) => Dtls13ServerEvent;
}

/**
 * The one table of inbound handshake messages (aioquic's frame-handler
 * table is the model). A type with no entry for a role is unexpected_message
 * for that role; decoders throw DecodeError (decode_error).
 */
export const HANDSHAKE_HANDLERS: Readonly<Partial<Record<HandshakeTypeName, HandshakeHandler>>> = {
  client_hello: { epochs: 'plaintext', events: ['ClientHello'], server: (b) => ({ type: 'ClientHello', payload: decodeClientHello(b) }) },
  server_hello: {
    epochs: 'plaintext',
    events: ['ServerHello', 'HelloRetryRequest'],
    client: (b) => {
      const payload = decodeServerHello(b);
      return payload.isHelloRetryRequest ? { type: 'HelloRetryRequest', payload } : { type: 'ServerHello', payload };
    },
  },
  encrypted_extensions: {
    epochs: 'handshake',
    events: ['EncryptedExtensions'],
    client: (b) => ({ type: 'EncryptedExtensions', payload: decodeEncryptedExtensions(b) }),
  },
  certificate_request: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['CertificateRequest'],
    client: (b) => ({ type: 'CertificateRequest', payload: decodeCertificateRequest(b) }),
  },
  certificate: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['Certificate'],
    client: (b) => ({ type: 'Certificate', payload: decodeCertificate(b) }),
    server: (b) => ({ type: 'Certificate', payload: decodeCertificate(b) }),
  },
  certificate_verify: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['CertificateVerify'],
    client: (b) => ({ type: 'CertificateVerify', payload: decodeCertificateVerify(b) }),
    server: (b) => ({ type: 'CertificateVerify', payload: decodeCertificateVerify(b) }),
  },
  finished: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['Finished'],
    client: (b) => ({ type: 'Finished', payload: decodeFinished(b) }),
    server: (b) => ({ type: 'Finished', payload: decodeFinished(b) }),
  },
  new_session_ticket: {
    epochs: 'application',
    events: ['NewSessionTicket'],
    client: (b) => ({ type: 'NewSessionTicket', payload: decodeNewSessionTicket(b) }),
  },
  // RFC 9147 §9: either side, after the handshake.
  new_connection_id: {
    epochs: 'application',
    events: ['NewConnectionId'],
    client: (b) => ({ type: 'NewConnectionId', payload: decodeNewConnectionId(b) }),
    server: (b) => ({ type: 'NewConnectionId', payload: decodeNewConnectionId(b) }),
  },
  request_connection_id: {
    epochs: 'application',
    events: ['RequestConnectionId'],
    client: (b) => ({ type: 'RequestConnectionId', payload: decodeRequestConnectionId(b) }),
    server: (b) => ({ type: 'RequestConnectionId', payload: decodeRequestConnectionId(b) }),
  },
  key_update: {
    epochs: 'application',
    events: ['KeyUpdate'],
    client: (b) => ({ type: 'KeyUpdate', payload: decodeKeyUpdate(b) }),
    server: (b) => ({ type: 'KeyUpdate', payload: decodeKeyUpdate(b) }),
  },
};

/** Whether a message of `handler` may arrive in `epoch`: its rule, or after the handshake (`connected`) an application epoch if it may come then. */
export function epochAllows(handler: HandshakeHandler, epoch: number, connected: boolean): boolean {
  const rule = handler.epochs;
  if (rule === 'plaintext' ? epoch === 0 : rule === 'handshake' ? epoch === 2 : epoch >= 3) return true;
  return handler.afterHandshake === true && connected && epoch >= 3;
}

/** The handler of a handshake type for a role, when the role receives that type at all. */
export function handlerFor(role: 'client' | 'server', type: HandshakeTypeName | number): HandshakeHandler | undefined {
  if (typeof type === 'number') return undefined;
  const h = HANDSHAKE_HANDLERS[type];
  return h !== undefined && h[role] !== undefined ? h : undefined;
}
