/**
 * A plaintext (epoch-0) handshake fragment is anyone's. In DTLS 1.2 a peer's Finished comes only under epoch 1, after
 * its ChangeCipherSpec, so a fragment at the Finished's message_seq under epoch 0 is forged. Before, the reassembler
 * kept such a fragment, refused the genuine Finished's bytes as inconsistent with it, and the handshake never ended
 * (or ended with unexpected_message when the forgery was whole). Now, on a conflict, the newest bytes win (the peer's
 * own, or its retransmission), and a whole epoch-0 message where only the peer's ChangeCipherSpec or Finished can come
 * is dropped with next_receive_seq rewound to it: the handshake completes.
 */
import test, { type ExecutionContext } from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import { handshakeFragment, plaintextRecord } from '../support/attacker.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

const id = makeIdentity('p256', 'server.test', { at: Date.now() });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;
const CLIENT_KEY_EXCHANGE = 16;
const NEW_SESSION_TICKET = 4;

function pair(): Pair12<DtlsConnection> {
  return pair12(
    DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ ...ONLY_12, certificate }),
  );
}

/** The message_seq of the epoch-0 handshake message of `type` a datagram carries, if it carries one. */
function seqOf(d: Uint8Array, type: number): number | undefined {
  for (const w of decodeDatagram12(d)) {
    if (w.kind !== 'record') continue;
    const r = w.record;
    if (r.epoch === 0 && r.type === 'handshake' && r.fragment[0] === type)
      return (r.fragment[4]! << 8) | r.fragment[5]!;
  }
  return undefined;
}

/** An epoch-0 record with one fragment of a 12-byte message: `whole`, or its first half. */
function forged(msgType: HandshakeTypeName, messageSeq: number, whole: boolean): Uint8Array {
  const body = new Uint8Array(12).fill(0xee);
  const fragment = whole ? body : body.subarray(0, 6);
  return plaintextRecord(
    'handshake',
    handshakeFragment({ msgType, length: 12, messageSeq, fragmentOffset: 0, fragment }),
  );
}

function talks(t: ExecutionContext, p: Pair12<DtlsConnection>): void {
  p.client.send(new TextEncoder().encode('ping'));
  p.server.send(new TextEncoder().encode('pong'));
  pump(p);
  const got = (side: 'client' | 'server'): string[] =>
    p.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));
  t.deepEqual(got('server'), ['ping']);
  t.deepEqual(got('client'), ['pong']);
}

/**
 * Runs a 1.2 handshake (the server promising a ticket); just before the datagram that carries `after` (a message type)
 * reaches `victim`, the victim gets `forgery(seq)`, where seq is that message's message_seq.
 */
function forgeAhead(
  t: ExecutionContext,
  victim: 'client' | 'server',
  after: number,
  forgery: (finishedSeq: number) => Uint8Array,
): Pair12<DtlsConnection> {
  const p = pair();
  let injected = false;
  p.client.connect(0);
  pump(p, (from, d) => {
    const seq = from !== victim && !injected ? seqOf(d, after) : undefined;
    if (seq !== undefined) {
      injected = true;
      p[victim].receive(forgery(seq), p.now);
    }
    return d;
  });
  t.true(injected, 'the forgery went in ahead of the peer’s last flight');
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  return p;
}

test('server: half a plaintext Finished at the client Finished’s message_seq, ahead of the client’s last flight: dropped, the handshake completes', (t) => {
  const p = forgeAhead(t, 'server', CLIENT_KEY_EXCHANGE, (seq) => forged('finished', seq + 1, false));
  talks(t, p);
});

test('server: half a plaintext message of another type at the client Finished’s message_seq: dropped, the handshake completes', (t) => {
  const p = forgeAhead(t, 'server', CLIENT_KEY_EXCHANGE, (seq) => forged('certificate_verify', seq + 1, false));
  talks(t, p);
});

test('server: a whole plaintext Finished at the client Finished’s message_seq: dropped, not an unexpected_message', (t) => {
  const p = forgeAhead(t, 'server', CLIENT_KEY_EXCHANGE, (seq) => forged('finished', seq + 1, true));
  t.true(p.server.stats.drops['plaintext-refused'] >= 1, JSON.stringify(p.server.stats.drops));
  talks(t, p);
});

test('server: a whole plaintext message of another type at the client Finished’s message_seq: dropped, the handshake completes', (t) => {
  const p = forgeAhead(t, 'server', CLIENT_KEY_EXCHANGE, (seq) => forged('certificate_verify', seq + 1, true));
  t.true(p.server.stats.drops['plaintext-refused'] >= 1, JSON.stringify(p.server.stats.drops));
  talks(t, p);
});

test('client: half a plaintext Finished at the server Finished’s message_seq, ahead of the server’s last flight: dropped, the handshake completes', (t) => {
  const p = forgeAhead(t, 'client', NEW_SESSION_TICKET, (seq) => forged('finished', seq + 1, false));
  talks(t, p);
});

test('client: a whole plaintext Finished at the server Finished’s message_seq: dropped, the handshake completes', (t) => {
  const p = forgeAhead(t, 'client', NEW_SESSION_TICKET, (seq) => forged('finished', seq + 1, true));
  t.true(p.client.stats.drops['plaintext-refused'] >= 1, JSON.stringify(p.client.stats.drops));
  talks(t, p);
});

test('client: half a plaintext message at the NewSessionTicket’s own message_seq: the genuine one displaces it, the ticket is kept', (t) => {
  const p = forgeAhead(t, 'client', NEW_SESSION_TICKET, (seq) => forged('new_session_ticket', seq, false));
  t.true(
    p.events.client.some((e) => e.type === 'sessionTicket'),
    'the genuine ticket was taken',
  );
  talks(t, p);
});

test('client: a whole plaintext Finished between the server’s ChangeCipherSpec and its Finished: dropped, the handshake completes', (t) => {
  const p = pair();
  let injected = false;
  p.client.connect(0);
  pump(p, (from, d) => {
    const records = decodeDatagram12(d);
    const ccs = records.findIndex((w) => w.kind === 'record' && w.record.type === 'change_cipher_spec');
    const ticketSeq = seqOf(d, NEW_SESSION_TICKET);
    if (from !== 'server' || injected || ccs < 0 || ticketSeq === undefined || ccs === records.length - 1) return d;
    injected = true;
    p.client.receive(encodeDatagram12(records.slice(0, ccs + 1)), p.now);
    p.client.receive(forged('finished', ticketSeq + 1, true), p.now);
    return encodeDatagram12(records.slice(ccs + 1));
  });
  t.true(injected, 'the server’s last flight came in one datagram and was split at its ChangeCipherSpec');
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.true(p.client.stats.drops['plaintext-refused'] >= 1, JSON.stringify(p.client.stats.drops));
  talks(t, p);
});
