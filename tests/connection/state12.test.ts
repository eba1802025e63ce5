import test from 'ava';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The version chosen once, by the hello phase (runtime/connection/hello-phase.ts), and the 1.2 state (runtime/connection/state12.ts)
 * made when it chooses 1.2: which clients have a choice to make at all, and the server's choice from a real first
 * ClientHello of each version (the client's choice against forged answers:
 * tests/connection/first-answer.test.ts; over whole handshakes and a hostile network: tests/dtls12/negotiation*.test.ts,
 * versions*.test.ts).
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};

/** A client of `options` that sent its first ClientHello. */
function made(options: DtlsOptions): DtlsConnection {
  const c = DtlsConnection.client(options);
  c.connect(0);
  return c;
}

test('a client has a choice only where the version can still change', (t) => {
  const both = made(client);
  t.is(both.protocolVersion, undefined, 'a client offering both waits for the first answer');
  t.true(both.versionState instanceof Dtls13Connection, 'its 1.3 state reads the first answer');
  t.is(made({ ...client, minVersion: 'DTLSv1.3' }).protocolVersion, 'DTLSv1.3', 'a 1.3-only client has chosen');
  t.is(made({ ...client, maxVersion: 'DTLSv1.2' }).protocolVersion, 'DTLSv1.2');
  t.true(made({ ...client, maxVersion: 'DTLSv1.2' }).versionState instanceof Connection12);
});

test("a server's version is open until its first ClientHello chooses it", (t) => {
  t.is(DtlsConnection.server(server).protocolVersion, undefined, 'a server doing both');
  t.is(DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' }).protocolVersion, 'DTLSv1.2');
  t.is(DtlsConnection.server({ ...server, minVersion: 'DTLSv1.3' }).protocolVersion, 'DTLSv1.3');
});

for (const [offered, want] of [
  [{ maxVersion: 'DTLSv1.2' }, Connection12],
  [{ minVersion: 'DTLSv1.3' }, Dtls13Connection],
] as const) {
  test(`a server doing both answers a ${want.name === 'Connection12' ? '1.2' : '1.3'}-only ClientHello in that version, chosen by its ClientHello step`, (t) => {
    const hello = DtlsConnection.client({ ...client, ...offered });
    hello.connect(0);
    const datagram = hello.pollTransmit()!;
    const s = DtlsConnection.server(server);
    t.is(s.versionState, undefined, 'no version state before the first ClientHello');
    s.receive(datagram, 1);
    t.true(s.versionState instanceof want, 'the state of the version chosen, made on it');
    t.is(s.protocolVersion, want === Connection12 ? 'DTLSv1.2' : 'DTLSv1.3');
    t.is(s.failure, undefined);
    t.is(s.stats.datagramsReceived, 1, 'the datagram counted once');
    t.is(s.stats.recordsReceived, 1, 'its record counted once');
    t.true(s.pollTransmit() !== undefined, 'answered');
  });
}
