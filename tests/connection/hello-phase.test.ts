import test from 'ava';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { chooseVersion, LONGEST_CLIENT_HELLO_12 } from '../../runtime/connection/hello-phase.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import type { DtlsVersionName } from '../../runtime/versions/versions.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { offering, fragment } from './client-hellos.js';

/**
 * The hello phase (runtime/connection/hello-phase.ts), the one place the version is chosen: its rule (`chooseVersion`), the
 * same for a connection and for the listener (`chooseServerVersion`); a server's first ClientHello in fragments, each
 * datagram read and counted once, by the phase or by the state chosen; the phase ended by what ends the state speaking
 * for it. tests/connection/server-version-step.test.ts and tests/connection/first-answer.test.ts try the rest against forged
 * hellos and answers.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false,
};
const BOTH: readonly DtlsVersionName[] = ['DTLSv1.3', 'DTLSv1.2'];

/** A real first ClientHello of a client offering both, its body. */
function realBody(): Uint8Array {
  const c = DtlsConnection.client(client);
  c.connect(0);
  const record = readDtls12Record(new Reader(c.pollTransmit()!, 'Datagram'));
  return readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment;
}

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

const both = decodeClientHello(realBody());

test('chooseVersion: 1.3 when listed and enabled, else 1.2 when offered, enabled and one record holds it, else none', (t) => {
  const cases: [readonly string[] | undefined, readonly DtlsVersionName[], DtlsVersionName | undefined][] = [
    [['dtls1_3', 'dtls1_2'], BOTH, 'DTLSv1.3'],
    [['dtls1_3', 'dtls1_2'], ['DTLSv1.2'], 'DTLSv1.2'],
    [['dtls1_3'], ['DTLSv1.2'], undefined],
    [['dtls1_2'], BOTH, 'DTLSv1.2'],
    [['dtls1_2'], ['DTLSv1.3'], undefined],
    [undefined, BOTH, 'DTLSv1.2'],
    [['dtls1_0'], BOTH, undefined],
  ];
  for (const [versions, enabled, want] of cases) {
    const body = offering(both, versions);
    t.is(
      chooseVersion({ body, hello: decodeClientHello(body) }, enabled),
      want,
      `${String(versions)} ${enabled.join()}`,
    );
  }
  // Mutation: the length check dropped from chooseVersion: a 1.2 ClientHello no 1.2 record holds would be 1.2's.
  const only12 = decodeClientHello(offering(both, ['dtls1_2']));
  t.is(chooseVersion({ body: new Uint8Array(LONGEST_CLIENT_HELLO_12), hello: only12 }, BOTH), 'DTLSv1.2');
  t.is(chooseVersion({ body: new Uint8Array(LONGEST_CLIENT_HELLO_12 + 1), hello: only12 }, BOTH), undefined);
});

test('the listener and a connection choose alike: chooseServerVersion calls the same rule', (t) => {
  for (const versions of [['dtls1_3', 'dtls1_2'], ['dtls1_2'], undefined, ['dtls1_3']] as const) {
    const datagram = fragment(offering(both, versions), 0, offering(both, versions).length, 0);
    const listener = chooseServerVersion(datagram, BOTH).version;
    const s = DtlsConnection.server(server);
    s.receive(datagram, 1);
    t.is(s.protocolVersion, listener, String(versions));
  }
});

test('a 1.3 ClientHello in fragments: made whole by the phase, then read by the 1.3 state, each datagram counted once', (t) => {
  const body = realBody();
  const s = DtlsConnection.server(server);
  const cut = 100;
  s.receive(fragment(body.subarray(cut), cut, body.length, 1), 1);
  t.is(s.protocolVersion, undefined, 'not chosen on a fragment');
  t.is(s.versionState, undefined, 'no version state made on a fragment');
  t.like(s.stats, { datagramsReceived: 1, recordsReceived: 1, handshakeMessagesReceived: 0 });
  t.is(s.stats.retained.reassemblyBytes, body.length - cut, 'what the phase holds of it');
  t.deepEqual(drain(s), []);
  s.receive(fragment(body.subarray(0, cut), 0, body.length, 2), 2);
  t.is(s.protocolVersion, 'DTLSv1.3');
  t.true(s.versionState instanceof Dtls13Connection);
  t.like(s.stats, { datagramsReceived: 2, recordsReceived: 2, handshakeMessagesReceived: 1 });
  t.true(drain(s).length > 0, 'the 1.3 server answers');
  t.is(s.failure, undefined);
});

test('a fragment again brings nothing new: read and counted by the phase, held once', (t) => {
  const body = realBody();
  const s = DtlsConnection.server(server);
  const second = fragment(body.subarray(100), 100, body.length, 1);
  s.receive(second, 1);
  s.receive(second, 2);
  t.is(s.stats.datagramsReceived, 2, 'the repeat counted by the phase');
  t.is(s.stats.retained.reassemblyBytes, body.length - 100, 'its bytes held once');
  s.receive(fragment(body.subarray(0, 100), 0, body.length, 2), 3);
  t.like(s.stats, { datagramsReceived: 3, recordsReceived: 3 });
  t.is(s.protocolVersion, 'DTLSv1.3');
});

test('a 1.2 ClientHello in fragments: the 1.2 state takes it whole, the fragments counted by the phase', (t) => {
  const body = offering(both, ['dtls1_2']);
  const s = DtlsConnection.server(server);
  s.receive(fragment(body.subarray(0, 50), 0, body.length, 3), 1);
  s.receive(fragment(body.subarray(50, 120), 50, body.length, 4), 2);
  s.receive(fragment(body.subarray(120), 120, body.length, 5), 3);
  t.true(s.versionState instanceof Connection12);
  t.like(s.stats, { datagramsReceived: 3, recordsReceived: 3, handshakeMessagesReceived: 1 });
  t.is(s.failure, undefined);
  t.is(drain(s).length, 1, 'one HelloVerifyRequest');
});

test('a server closed while a ClientHello is in fragments stays closed: its rest makes no state', (t) => {
  const body = offering(both, ['dtls1_2']);
  const s = DtlsConnection.server(server);
  s.receive(fragment(body.subarray(0, 50), 0, body.length, 1), 1);
  s.close();
  drain(s);
  const failure = s.failure;
  t.is(failure?.alert, 'user_canceled');
  s.receive(fragment(body.subarray(50), 50, body.length, 2), 2);
  t.deepEqual(s.failure, failure);
  t.true(s.versionState instanceof Dtls13Connection, "the end is the 1.3 state's: no 1.2 state made");
  t.deepEqual(drain(s), []);
});
