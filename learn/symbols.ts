/**
 * The abstract symbols shared by the mapper (which makes them concrete) and the learner's bug-pattern checks (which
 * read them). An input symbol names one message or record the learner makes the mapper send; an output symbol is the
 * peer's whole answer to one input: the names of what it sent, in order, joined with `+`
 * (`ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished`), or one of the words below.
 *
 * Conventions both sides keep:
 * - A message the peer sends is named as the input of the same message is (`Certificate`, `Finished` ...), so a
 *   check can look for `Finished` in an output. An empty Certificate the peer sends is `EmptyCertificate`.
 * - An alert is `Alert(<description>)` with the RFC 8446 §6 name (`Alert(unexpected_message)`), in both directions.
 * - Application data the peer sends is `ApplicationData`. Peers are learned as echo peers where they can be: a peer
 *   that answers our `ApplicationData` with `ApplicationData` has a connection up (the patterns use this).
 * - `timeout`: nothing within the mapper's wait; `closed` (sul.ts `CLOSED`): the session is over.
 * - Retransmissions of an earlier flight are not part of an answer (the mapper drops them), so they do not make the
 *   model nondeterministic.
 */
import { CLOSED } from './sul.js';
import type { InputSymbol, OutputSymbol } from './sul.js';

export { CLOSED };

/** The peer sent nothing within the mapper's wait. */
export const TIMEOUT: OutputSymbol = 'timeout';

/**
 * The peer went over one of the mapper's caps in one step (names in one answer, bytes or datagrams in one step,
 * datagrams queued: learn/mapper/README.md): the answer is this, not what it sent, and the session is over (every
 * later step answers `closed`).
 */
export const FLOOD: OutputSymbol = 'Flood';

/** What separates the messages of one answer. */
export const FLIGHT_SEPARATOR = '+';

// Handshake messages and records, as inputs (what we send) and as parts of outputs (what the peer sends).
export const CLIENT_HELLO = 'ClientHello';
/** A 1.3 ClientHello whose key_share has no share for a group the peer takes (so a HelloRetryRequest is due). */
export const CLIENT_HELLO_NO_KEY_SHARE = 'ClientHelloNoKeyShare';
/** The ClientHello repeated with the cookie of the peer's last HelloRetryRequest / HelloVerifyRequest. */
export const CLIENT_HELLO_WITH_COOKIE = 'ClientHelloWithCookie';
/**
 * The ClientHello with the peer's cookie but other parameters than the first (another cipher suite or group): a
 * peer must not go on with parameters its cookie did not validate (RFC 9147 §5.1, RFC 8446 §4.1.2).
 */
export const CLIENT_HELLO_WITH_COOKIE_CHANGED = 'ClientHelloWithCookieChanged';
export const HELLO_RETRY_REQUEST = 'HelloRetryRequest';
export const HELLO_VERIFY_REQUEST = 'HelloVerifyRequest';
export const SERVER_HELLO = 'ServerHello';
export const ENCRYPTED_EXTENSIONS = 'EncryptedExtensions';
export const CERTIFICATE_REQUEST = 'CertificateRequest';
export const CERTIFICATE = 'Certificate';
/** A Certificate message with an empty certificate list. */
export const EMPTY_CERTIFICATE = 'EmptyCertificate';
export const CERTIFICATE_VERIFY = 'CertificateVerify';
export const SERVER_KEY_EXCHANGE = 'ServerKeyExchange';
export const SERVER_HELLO_DONE = 'ServerHelloDone';
export const CLIENT_KEY_EXCHANGE = 'ClientKeyExchange';
export const CHANGE_CIPHER_SPEC = 'ChangeCipherSpec';
export const FINISHED = 'Finished';
export const NEW_SESSION_TICKET = 'NewSessionTicket';
export const HELLO_REQUEST = 'HelloRequest';
export const KEY_UPDATE = 'KeyUpdate';
export const ACK = 'ACK';
export const APPLICATION_DATA = 'ApplicationData';

/** `Alert(<description>)`, the symbol of an alert in either direction. */
export function alertSymbol(description: string): string {
  return `Alert(${description})`;
}

export const ALERT_CLOSE_NOTIFY = alertSymbol('close_notify');
export const ALERT_UNEXPECTED_MESSAGE = alertSymbol('unexpected_message');
export const ALERT_HANDSHAKE_FAILURE = alertSymbol('handshake_failure');
export const ALERT_DECRYPT_ERROR = alertSymbol('decrypt_error');
export const ALERT_BAD_RECORD_MAC = alertSymbol('bad_record_mac');

/**
 * The alert descriptions that are warnings, not fatal (RFC 8446 §6.1, RFC 5246 §7.2). RFC 8446 renamed 100
 * `no_renegotiation_RESERVED`, the name the mapper reads from the generated enums (a 1.2 peer refusing renegotiation).
 */
const WARNING_ALERTS = new Set(['close_notify', 'user_canceled', 'no_renegotiation', 'no_renegotiation_reserved']);

/** The description of an alert symbol, or undefined when the symbol is no alert. */
export function alertDescription(symbol: string): string | undefined {
  const match = /^Alert\(([^()]*)\)$/.exec(symbol);
  return match === null ? undefined : match[1];
}

/** Whether a symbol is an alert that ends the connection (anything but close_notify, user_canceled, no_renegotiation). */
export function isFatalAlert(symbol: string): boolean {
  const description = alertDescription(symbol);
  return description !== undefined && !WARNING_ALERTS.has(description);
}

/** The messages of one answer, in order: `[]` for `timeout` and `closed`. */
export function outputParts(output: OutputSymbol): string[] {
  if (output === TIMEOUT || output === CLOSED || output === '') return [];
  return output.split(FLIGHT_SEPARATOR);
}

/** The answer made of these messages: `timeout` when there are none. */
export function flightSymbol(parts: readonly string[]): OutputSymbol {
  return parts.length === 0 ? TIMEOUT : parts.join(FLIGHT_SEPARATOR);
}

/** Whether an answer holds this message. */
export function outputHas(output: OutputSymbol, part: string): boolean {
  return outputParts(output).includes(part);
}

/** Whether an input starts a new handshake (a peer may answer one even after a fatal alert: a new connection). */
export function isClientHello(input: InputSymbol): boolean {
  return input.startsWith(CLIENT_HELLO);
}

/** A default alphabet for learning a DTLS 1.3 server (we play the client). */
export const INPUTS_13_SERVER: readonly InputSymbol[] = [
  CLIENT_HELLO,
  CLIENT_HELLO_NO_KEY_SHARE,
  CLIENT_HELLO_WITH_COOKIE,
  CERTIFICATE,
  EMPTY_CERTIFICATE,
  CERTIFICATE_VERIFY,
  FINISHED,
  APPLICATION_DATA,
  KEY_UPDATE,
  ACK,
  CHANGE_CIPHER_SPEC,
  ALERT_CLOSE_NOTIFY,
  ALERT_UNEXPECTED_MESSAGE,
];

/** A default alphabet for learning a DTLS 1.3 client (we play the server). */
export const INPUTS_13_CLIENT: readonly InputSymbol[] = [
  HELLO_RETRY_REQUEST,
  SERVER_HELLO,
  ENCRYPTED_EXTENSIONS,
  CERTIFICATE_REQUEST,
  CERTIFICATE,
  EMPTY_CERTIFICATE,
  CERTIFICATE_VERIFY,
  FINISHED,
  NEW_SESSION_TICKET,
  APPLICATION_DATA,
  KEY_UPDATE,
  ACK,
  ALERT_CLOSE_NOTIFY,
  ALERT_UNEXPECTED_MESSAGE,
];

/** A default alphabet for learning a DTLS 1.2 server (we play the client). */
export const INPUTS_12_SERVER: readonly InputSymbol[] = [
  CLIENT_HELLO,
  CLIENT_HELLO_WITH_COOKIE,
  CERTIFICATE,
  EMPTY_CERTIFICATE,
  CLIENT_KEY_EXCHANGE,
  CERTIFICATE_VERIFY,
  CHANGE_CIPHER_SPEC,
  FINISHED,
  APPLICATION_DATA,
  ALERT_CLOSE_NOTIFY,
  ALERT_UNEXPECTED_MESSAGE,
];

/** A default alphabet for learning a DTLS 1.2 client (we play the server). */
export const INPUTS_12_CLIENT: readonly InputSymbol[] = [
  HELLO_VERIFY_REQUEST,
  SERVER_HELLO,
  CERTIFICATE,
  SERVER_KEY_EXCHANGE,
  CERTIFICATE_REQUEST,
  SERVER_HELLO_DONE,
  CHANGE_CIPHER_SPEC,
  FINISHED,
  HELLO_REQUEST,
  APPLICATION_DATA,
  ALERT_CLOSE_NOTIFY,
  ALERT_UNEXPECTED_MESSAGE,
];

/**
 * The normal handshakes for each version and role, as input words, ending in application data: what the equivalence
 * oracle tries first (with every one-symbol extension of their prefixes), because random tests rarely send a long
 * handshake in exactly the right order (the 1.2 ClientKeyExchange, ChangeCipherSpec, Finished).
 */
export const NORMAL_HANDSHAKES: Readonly<
  Record<'1.2' | '1.3', Readonly<Record<'server' | 'client', readonly (readonly InputSymbol[])[]>>>
> = {
  '1.3': {
    server: [
      [CLIENT_HELLO, CLIENT_HELLO_WITH_COOKIE, FINISHED, APPLICATION_DATA],
      [CLIENT_HELLO, FINISHED, APPLICATION_DATA],
      [CLIENT_HELLO_NO_KEY_SHARE, CLIENT_HELLO_WITH_COOKIE, FINISHED, APPLICATION_DATA],
      [CLIENT_HELLO, CLIENT_HELLO_WITH_COOKIE, CERTIFICATE, CERTIFICATE_VERIFY, FINISHED, APPLICATION_DATA],
      [CLIENT_HELLO, CERTIFICATE, CERTIFICATE_VERIFY, FINISHED, APPLICATION_DATA],
    ],
    client: [
      [
        HELLO_RETRY_REQUEST,
        SERVER_HELLO,
        ENCRYPTED_EXTENSIONS,
        CERTIFICATE,
        CERTIFICATE_VERIFY,
        FINISHED,
        APPLICATION_DATA,
      ],
      [SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, FINISHED, APPLICATION_DATA],
    ],
  },
  '1.2': {
    server: [
      [CLIENT_HELLO, CLIENT_HELLO_WITH_COOKIE, CLIENT_KEY_EXCHANGE, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA],
      [CLIENT_HELLO, CLIENT_KEY_EXCHANGE, CHANGE_CIPHER_SPEC, FINISHED, APPLICATION_DATA],
      [
        CLIENT_HELLO,
        CLIENT_HELLO_WITH_COOKIE,
        CERTIFICATE,
        CLIENT_KEY_EXCHANGE,
        CERTIFICATE_VERIFY,
        CHANGE_CIPHER_SPEC,
        FINISHED,
        APPLICATION_DATA,
      ],
    ],
    client: [
      [
        HELLO_VERIFY_REQUEST,
        SERVER_HELLO,
        CERTIFICATE,
        SERVER_KEY_EXCHANGE,
        SERVER_HELLO_DONE,
        CHANGE_CIPHER_SPEC,
        FINISHED,
        APPLICATION_DATA,
      ],
      [
        SERVER_HELLO,
        CERTIFICATE,
        SERVER_KEY_EXCHANGE,
        SERVER_HELLO_DONE,
        CHANGE_CIPHER_SPEC,
        FINISHED,
        APPLICATION_DATA,
      ],
    ],
  },
};

/** The normal handshakes of a version and role that use only these inputs (none for an alphabet of other names). */
export function normalHandshakes(
  version: '1.2' | '1.3',
  role: 'server' | 'client',
  inputs: readonly InputSymbol[],
): InputSymbol[][] {
  return NORMAL_HANDSHAKES[version][role].filter((w) => w.every((i) => inputs.includes(i))).map((w) => [...w]);
}
