/**
 * The 1.2 charts' events for handshake messages (runtime/dtls12/event.ts): each role's chart names only the messages
 * it may take (a client is never handed a ClientKeyExchange as an event, a server never a ServerHello), a client's
 * ServerHello comes decoded (a malformed one throws the decoder's DecodeError), a server's ClientHello with its plan, and
 * events are named in errors by their message type.
 */
import test from 'ava';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { decodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import type { ClientHelloPlan12 } from '../../runtime/dtls12/client-hello-plan.js';
import { clientMessageEvent12, eventName12, serverMessageEvent12, type Message12 } from '../../runtime/dtls12/event.js';
import { DecodeError } from '../../runtime/wire/errors.js';

const message = (msgType: HandshakeType, body = new Uint8Array(0)): Message12 => ({
  msgType,
  messageSeq: 3,
  body,
  recordSequenceNumber: 9,
});
const noHello = () => {
  throw new Error('not a ServerHello');
};

test('client: the server’s messages are the chart’s events, by their chart names, with the message', (t) => {
  const names: [HandshakeType, string][] = [
    ['hello_verify_request', 'HelloVerifyRequest'],
    ['certificate', 'Certificate'],
    ['server_key_exchange', 'ServerKeyExchange'],
    ['certificate_request', 'CertificateRequest'],
    ['server_hello_done', 'ServerHelloDone'],
    ['new_session_ticket', 'NewSessionTicket'],
    ['finished', 'Finished'],
    ['hello_request', 'HelloRequest'],
    ['client_hello', 'ClientHello'],
  ];
  for (const [msgType, name] of names) {
    const m = message(msgType);
    t.like(clientMessageEvent12(m, noHello), { type: name, message: m }, String(msgType));
  }
});

test('client: messages only a server receives, or no 1.2 chart names, are no event', (t) => {
  for (const msgType of [
    'client_key_exchange',
    'certificate_verify',
    'key_update',
    'encrypted_extensions',
    'end_of_early_data',
  ] as const)
    t.is(clientMessageEvent12(message(msgType), noHello), undefined, msgType);
  t.is(clientMessageEvent12(message(250 as HandshakeType), noHello), undefined, 'an unassigned type');
  t.is(clientMessageEvent12(message('toString' as HandshakeType), noHello), undefined, 'a prototype key is no message');
});

test('client: a ServerHello comes decoded; a truncated one throws DecodeError', (t) => {
  const body = Uint8Array.from([0xfe, 0xfd, ...new Array<number>(32).fill(7), 0, 0xc0, 0x2b, 0, 0, 0]);
  const event = clientMessageEvent12(message('server_hello', body), decodeTls12ServerHello);
  if (event?.type !== 'ServerHello') return t.fail('not a ServerHello event');
  t.is(event.payload.cipherSuite, 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256');
  t.is(event.message.body, body);
  t.throws(() => clientMessageEvent12(message('server_hello', body.subarray(0, 20)), decodeTls12ServerHello), {
    instanceOf: DecodeError,
  });
});

test('server: the client’s messages are events; a ClientHello carries its plan; the server’s own messages are none', (t) => {
  for (const [msgType, name] of [
    ['certificate', 'Certificate'],
    ['client_key_exchange', 'ClientKeyExchange'],
    ['certificate_verify', 'CertificateVerify'],
    ['finished', 'Finished'],
    ['hello_request', 'HelloRequest'],
  ] as const) {
    const m = message(msgType);
    t.like(serverMessageEvent12(m, undefined), { type: name, message: m }, msgType);
  }
  const plan: ClientHelloPlan12 = { kind: 'verify', reply: Uint8Array.of(1) };
  const m = message('client_hello');
  t.deepEqual(serverMessageEvent12(m, plan), { type: 'ClientHello', message: m, plan });
  for (const msgType of [
    'server_hello',
    'server_key_exchange',
    'server_hello_done',
    'hello_verify_request',
    'new_session_ticket',
  ] as const)
    t.is(serverMessageEvent12(message(msgType), undefined), undefined, msgType);
});

test('eventName12: the message type for a message event, the event type otherwise', (t) => {
  t.is(eventName12({ type: 'Finished', message: message('finished') }), 'finished');
  t.is(eventName12({ type: 'ChangeCipherSpec' }), 'ChangeCipherSpec');
  t.is(eventName12({ type: 'fail', reason: { alert: 'decode_error', message: 'x' } }), 'fail');
});
