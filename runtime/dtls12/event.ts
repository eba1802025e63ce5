/**
 * The events the 1.2 machines take, named as in spec/charts/dtls12-*.json: a whole handshake message (its chart event
 * name, with the message), the peer's ChangeCipherSpec, and what the connection reports (a peer's alert, a local close
 * or failure; application data goes around the machines). The ServerHello comes decoded (the client's guards branch on it); the server's
 * ClientHello comes with its plan (client-hello-plan.ts: the cookie check, the session to resume and the suite,
 * computed before dispatch so the guards stay pure).
 */
import type { AlertDescriptionName, HandshakeType } from '../../generated/wire/enums.js';
import type { Tls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import type { HandshakeMessage } from '../handshake/handshake-message.js';
import type { ClientHelloPlan12 } from './client-hello-plan.js';

/** A whole handshake message as received: the transcript takes these exact bytes. */
export interface Message12 extends HandshakeMessage {
  readonly recordSequenceNumber: number;
}

type MessageEvent<T extends string> = T extends string ? { readonly type: T; readonly message: Message12 } : never;

/** What either machine takes besides handshake messages. */
type CommonEvent12 =
  | { readonly type: 'ChangeCipherSpec' }
  | { readonly type: 'FinishedRetransmitted' }
  | { readonly type: 'closeNotify' }
  | { readonly type: 'close' }
  | { readonly type: 'fail'; readonly reason: FatalReason }
  | { readonly type: 'alertReceived'; readonly description: AlertDescriptionName };

/** The handshake messages the client chart names (a ClientHello only after the handshake: renegotiation, refused). */
const CLIENT_MESSAGES = {
  hello_verify_request: 'HelloVerifyRequest',
  server_hello: 'ServerHello',
  certificate: 'Certificate',
  server_key_exchange: 'ServerKeyExchange',
  certificate_request: 'CertificateRequest',
  server_hello_done: 'ServerHelloDone',
  new_session_ticket: 'NewSessionTicket',
  finished: 'Finished',
  hello_request: 'HelloRequest',
  client_hello: 'ClientHello',
} as const;

/** The handshake messages the server chart names. */
const SERVER_MESSAGES = {
  client_hello: 'ClientHello',
  certificate: 'Certificate',
  client_key_exchange: 'ClientKeyExchange',
  certificate_verify: 'CertificateVerify',
  finished: 'Finished',
  hello_request: 'HelloRequest',
} as const;

type ClientMessageName = (typeof CLIENT_MESSAGES)[keyof typeof CLIENT_MESSAGES];
type ServerMessageName = (typeof SERVER_MESSAGES)[keyof typeof SERVER_MESSAGES];

export type ClientEvent12 =
  | { readonly type: 'connect' }
  | MessageEvent<Exclude<ClientMessageName, 'ServerHello'>>
  | { readonly type: 'ServerHello'; readonly message: Message12; readonly payload: Tls12ServerHello }
  | CommonEvent12;

export type ServerEvent12 =
  | MessageEvent<Exclude<ServerMessageName, 'ClientHello'>>
  /** `plan` is undefined for a ClientHello after the handshake (renegotiation: only refused). */
  | { readonly type: 'ClientHello'; readonly message: Message12; readonly plan: ClientHelloPlan12 | undefined }
  | CommonEvent12;

export type Event12 = ClientEvent12 | ServerEvent12;

const has = <T extends object>(table: T, key: PropertyKey): key is keyof T => Object.hasOwn(table, key);

/** The client chart's event for a message (a ServerHello is decoded here), or undefined when the chart names no such message. */
export function clientMessageEvent12(
  m: Message12,
  decodeServerHello: (body: Uint8Array) => Tls12ServerHello,
): ClientEvent12 | undefined {
  const type = m.msgType;
  if (!has(CLIENT_MESSAGES, type)) return undefined;
  const name = CLIENT_MESSAGES[type];
  if (name === 'ServerHello') return { type: name, message: m, payload: decodeServerHello(m.body) };
  return { type: name, message: m };
}

/** The server chart's event for a message (a ClientHello with its plan), or undefined when the chart names no such message. */
export function serverMessageEvent12(m: Message12, plan: ClientHelloPlan12 | undefined): ServerEvent12 | undefined {
  const type = m.msgType;
  if (!has(SERVER_MESSAGES, type)) return undefined;
  const name = SERVER_MESSAGES[type];
  if (name === 'ClientHello') return { type: name, message: m, plan };
  return { type: name, message: m };
}

/** The chart event a message of `msgType` would be for `role`, or undefined when its chart names no such message. */
export function messageEventType12(role: 'client' | 'server', msgType: HandshakeType): string | undefined {
  const table = role === 'client' ? CLIENT_MESSAGES : SERVER_MESSAGES;
  return has(table, msgType) ? table[msgType] : undefined;
}

/** A name for an event in errors ("server_hello", "ChangeCipherSpec"). */
export function eventName12(e: Event12): string {
  return 'message' in e ? String(e.message.msgType) : e.type;
}
