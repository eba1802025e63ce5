/**
 * Issue 49 item 6: a plaintext ChangeCipherSpec is anyone's, so a 1.2
 * connection takes one only where its state does (RECORD_RULES['DTLSv1.2'],
 * runtime/shared/record-rules.ts): with the peer's keys pending, the
 * state taking it, and no NewSessionTicket the ServerHello promised still
 * due (RFC 5077 §3.3). A forged one anywhere else is dropped and counted
 * (`ignored['unauthenticated-violation']`), and the handshake completes.
 * Before, a forged ChangeCipherSpec ahead of a 1.2 server's last flight
 * (NewSessionTicket, ChangeCipherSpec, Finished) switched the client's
 * read keys early, and the genuine NewSessionTicket then ended the
 * handshake with unexpected_message; one between a client's
 * ClientKeyExchange and CertificateVerify did the same at the server.
 */
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { decodeDatagram12, encodeDatagram12 } from '../../runtime/record/datagram12.js';
import { plaintextRecord } from '../support/attacker.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const certificate = { chain: id.chain, privateKey: id.privateKey };
const TICKET_KEY = new Uint8Array(32).fill(0x5a);
const NEW_SESSION_TICKET = 4;
const CERTIFICATE_VERIFY = 15;

const forgedCcs = (): Uint8Array => plaintextRecord('change_cipher_spec', Uint8Array.of(1), 5000);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const got = (p: Pair12, side: 'client' | 'server'): string[] =>
  p.events[side].flatMap((e) => (e.type === 'data' ? [new TextDecoder().decode(e.data)] : []));

/** Data goes both ways. */
function talks(t: import('ava').ExecutionContext, p: Pair12): void {
  p.client.send(text('to server'));
  p.server.send(text('to client'));
  pump(p);
  t.deepEqual(got(p, 'server'), ['to server']);
  t.deepEqual(got(p, 'client'), ['to client']);
}

/** Whether a datagram holds an epoch-0 handshake record whose first message is `type`. */
function carries(d: Uint8Array, type: number): boolean {
  return decodeDatagram12(d).some(
    (w) =>
      w.kind === 'record' && w.record.epoch === 0 && w.record.type === 'handshake' && w.record.fragment[0] === type,
  );
}

test('a forged ChangeCipherSpec just before the server’s last flight, a NewSessionTicket promised: dropped and counted, the handshake completes', (t) => {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, ticketKeys: TICKET_KEY }),
  );
  let injected = false;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from === 'server' && !injected && carries(d, NEW_SESSION_TICKET)) {
      injected = true;
      t.is(p.client.state, 'waitNewSessionTicketOrChangeCipherSpec');
      p.client.receive(forgedCcs(), p.now);
      t.is(p.client.state, 'waitNewSessionTicketOrChangeCipherSpec', 'the forged ChangeCipherSpec moved nothing');
    }
    return d;
  });
  t.true(injected, 'the server sent a NewSessionTicket');
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
  t.is(p.client.stats.ignored['unauthenticated-violation'], 1);
  t.is(state12Of(p.client).lastSession?.ticket !== undefined, true, 'the promised ticket arrived and was kept');
  talks(t, p);
});

test('a forged ChangeCipherSpec between the client’s ClientKeyExchange and CertificateVerify: dropped and counted at the server', (t) => {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'server.test',
      certificate: { chain: clientId.chain, privateKey: clientId.privateKey },
    }),
    DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate,
      clientAuthentication: 'required',
      trustAnchors: [clientId.caDer],
    }),
  );
  let injected = false;
  p.client.connect(0);
  pump(p, (from, d) => {
    if (from !== 'client' || injected) return d;
    const records = decodeDatagram12(d);
    const cv = records.findIndex(
      (w) => w.kind === 'record' && w.record.type === 'handshake' && w.record.fragment[0] === CERTIFICATE_VERIFY,
    );
    if (cv < 0) return d;
    injected = true;
    p.server.receive(encodeDatagram12(records.slice(0, cv)), p.now); // through the ClientKeyExchange: the server's read keys pending
    p.server.receive(forgedCcs(), p.now);
    t.is(p.server.state, 'waitClientCertificateVerify');
    return encodeDatagram12(records.slice(cv));
  });
  t.true(injected, 'the client sent a CertificateVerify');
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.is(p.server.stats.ignored['unauthenticated-violation'], 1);
  t.true(state12Of(p.server).negotiated?.clientAuthenticated);
  talks(t, p);
});

test('a forged ChangeCipherSpec before any keys, and one after the genuine one: set aside, nothing changes', (t) => {
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [id.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate }),
  );
  p.client.connect(0);
  p.server.receive(forgedCcs(), p.now); // the server has not even seen a ClientHello
  t.is(p.server.stats.ignored['unauthenticated-violation'], 1);
  pump(p);
  t.is(p.client.state, 'connected');
  p.client.receive(forgedCcs(), p.now); // connected: taken as the peer's flight again, which its handshake records would show
  t.is(p.client.state, 'connected');
  talks(t, p);
});
