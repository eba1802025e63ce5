import type { ClientEvent, InboundMessage } from './client-states.js';
import type { ServerMessage } from './server-states.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeClientHello,
  decodeEncryptedExtensions,
  decodeEndOfEarlyData,
  decodeFinished,
  decodeKeyUpdate,
  decodeNewConnectionId,
  decodeNewSessionTicket,
  decodeRequestConnectionId,
  decodeServerHello,
} from '../../generated/wire/index.js';

/**
 * Which epochs a handshake message may arrive in (RFC 9147 §5, §6.1): hellos 0, 0-RTT's end 1, the handshake 2,
 * post-handshake 3+.
 */
export type EpochRule = 'plaintext' | 'early' | 'handshake' | 'application';

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

/** The message's body decoded into the chart event `type`, which carries the message too. */
function decodedAs<T extends string, P>(type: T, decode: (body: Uint8Array) => P) {
  return (m: InboundMessage) => ({ type, payload: decode(m.body), message: m });
}

/** A message only a client takes, and one only a server takes: one chart event each. */
const forClient = <T extends string, P>(type: T, decode: (body: Uint8Array) => P) => ({
  events: [type],
  client: decodedAs(type, decode),
});
const forServer = <T extends string, P>(type: T, decode: (body: Uint8Array) => P) => ({
  events: [type],
  server: decodedAs(type, decode),
});

/** A message both roles take alike. */
const forBoth = <T extends string, P>(type: T, decode: (body: Uint8Array) => P) => ({
  events: [type],
  client: decodedAs(type, decode),
  server: decodedAs(type, decode),
});

/** The one table of inbound handshake messages; a type with no entry for a role is unexpected_message. */
export const HANDSHAKE_HANDLERS: Readonly<Partial<Record<HandshakeTypeName, HandshakeHandler>>> = {
  client_hello: { epochs: 'plaintext', ...forServer('ClientHello', decodeClientHello) },
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
  // RFC 9147 §5.6 removed it; NSS's client still sends it after accepted 0-RTT, under the early keys (the chart takes
  // it only then, once).
  end_of_early_data: { epochs: 'early', ...forServer('EndOfEarlyData', decodeEndOfEarlyData) },
  encrypted_extensions: { epochs: 'handshake', ...forClient('EncryptedExtensions', decodeEncryptedExtensions) },
  certificate_request: {
    epochs: 'handshake',
    afterHandshake: true,
    ...forClient('CertificateRequest', decodeCertificateRequest),
  },
  certificate: { epochs: 'handshake', afterHandshake: true, ...forBoth('Certificate', decodeCertificate) },
  certificate_verify: {
    epochs: 'handshake',
    afterHandshake: true,
    ...forBoth('CertificateVerify', decodeCertificateVerify),
  },
  finished: { epochs: 'handshake', afterHandshake: true, ...forBoth('Finished', decodeFinished) },
  new_session_ticket: { epochs: 'application', ...forClient('NewSessionTicket', decodeNewSessionTicket) },
  // RFC 9147 §9: either side, after the handshake.
  new_connection_id: { epochs: 'application', ...forBoth('NewConnectionId', decodeNewConnectionId) },
  request_connection_id: { epochs: 'application', ...forBoth('RequestConnectionId', decodeRequestConnectionId) },
  key_update: { epochs: 'application', ...forBoth('KeyUpdate', decodeKeyUpdate) },
};

/** Whether a message of `handler` may arrive in `epoch`: its rule, or after the handshake (`connected`) an application epoch if it may come then. */
export function epochAllows(handler: HandshakeHandler, epoch: number, connected: boolean): boolean {
  const rule = handler.epochs;
  const allowed =
    rule === 'plaintext'
      ? epoch === 0
      : rule === 'early'
        ? epoch === 1
        : rule === 'handshake'
          ? epoch === 2
          : epoch >= 3;
  if (allowed) return true;
  return handler.afterHandshake === true && connected && epoch >= 3;
}

/** The handler of a handshake type for a role, when the role receives that type at all. */
export function handlerFor(role: 'client' | 'server', type: HandshakeTypeName | number): HandshakeHandler | undefined {
  if (typeof type === 'number') return undefined;
  const h = HANDSHAKE_HANDLERS[type];
  return h !== undefined && h[role] !== undefined ? h : undefined;
}
