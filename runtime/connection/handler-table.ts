import type { ClientEvent, InboundMessage } from './client-states.js';
import type { ServerMessage } from './server-states.js';
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

/** Which epochs a handshake message may arrive in (RFC 9147 §5, §6.1): hellos 0, the handshake 2, post-handshake 3+. */
export type EpochRule = 'plaintext' | 'handshake' | 'application';

/** What one handshake type is to each role: where it may arrive, and the chart event its body decodes to. */
export interface HandshakeHandler {
  readonly epochs: EpochRule;
  /** Also after the handshake, under application keys: the messages of post-handshake authentication (RFC 8446 §4.6.2). */
  readonly afterHandshake?: true;
  /** The chart events the message can become (checked against the chart before the body is decoded). */
  readonly events: readonly string[];
  /** The message decoded into the role's chart event, which carries the message (the transcript takes its bytes). */
  readonly client?: (m: InboundMessage) => ClientEvent;
  readonly server?: (m: InboundMessage) => ServerMessage;
}

/** The one table of inbound handshake messages; a type with no entry for a role is unexpected_message. */
export const HANDSHAKE_HANDLERS: Readonly<Partial<Record<HandshakeTypeName, HandshakeHandler>>> = {
  client_hello: {
    epochs: 'plaintext',
    events: ['ClientHello'],
    server: (m) => ({ type: 'ClientHello', payload: decodeClientHello(m.body), message: m }),
  },
  server_hello: {
    epochs: 'plaintext',
    events: ['ServerHello', 'HelloRetryRequest'],
    client: (m) => {
      const payload = decodeServerHello(m.body);
      return payload.isHelloRetryRequest
        ? { type: 'HelloRetryRequest', payload, message: m }
        : { type: 'ServerHello', payload, message: m };
    },
  },
  encrypted_extensions: {
    epochs: 'handshake',
    events: ['EncryptedExtensions'],
    client: (m) => ({ type: 'EncryptedExtensions', payload: decodeEncryptedExtensions(m.body), message: m }),
  },
  certificate_request: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['CertificateRequest'],
    client: (m) => ({ type: 'CertificateRequest', payload: decodeCertificateRequest(m.body), message: m }),
  },
  certificate: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['Certificate'],
    client: (m) => ({ type: 'Certificate', payload: decodeCertificate(m.body), message: m }),
    server: (m) => ({ type: 'Certificate', payload: decodeCertificate(m.body), message: m }),
  },
  certificate_verify: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['CertificateVerify'],
    client: (m) => ({ type: 'CertificateVerify', payload: decodeCertificateVerify(m.body), message: m }),
    server: (m) => ({ type: 'CertificateVerify', payload: decodeCertificateVerify(m.body), message: m }),
  },
  finished: {
    epochs: 'handshake',
    afterHandshake: true,
    events: ['Finished'],
    client: (m) => ({ type: 'Finished', payload: decodeFinished(m.body), message: m }),
    server: (m) => ({ type: 'Finished', payload: decodeFinished(m.body), message: m }),
  },
  new_session_ticket: {
    epochs: 'application',
    events: ['NewSessionTicket'],
    client: (m) => ({ type: 'NewSessionTicket', payload: decodeNewSessionTicket(m.body), message: m }),
  },
  // RFC 9147 §9: either side, after the handshake.
  new_connection_id: {
    epochs: 'application',
    events: ['NewConnectionId'],
    client: (m) => ({ type: 'NewConnectionId', payload: decodeNewConnectionId(m.body), message: m }),
    server: (m) => ({ type: 'NewConnectionId', payload: decodeNewConnectionId(m.body), message: m }),
  },
  request_connection_id: {
    epochs: 'application',
    events: ['RequestConnectionId'],
    client: (m) => ({ type: 'RequestConnectionId', payload: decodeRequestConnectionId(m.body), message: m }),
    server: (m) => ({ type: 'RequestConnectionId', payload: decodeRequestConnectionId(m.body), message: m }),
  },
  key_update: {
    epochs: 'application',
    events: ['KeyUpdate'],
    client: (m) => ({ type: 'KeyUpdate', payload: decodeKeyUpdate(m.body), message: m }),
    server: (m) => ({ type: 'KeyUpdate', payload: decodeKeyUpdate(m.body), message: m }),
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
