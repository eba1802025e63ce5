import test from 'ava';
import type { SessionParameters } from '../../runtime/shared/events.js';
import { FACTS13 } from '../../runtime/dtls13/version-facts.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pair12, pump } from '../dtls12/pair12.js';

/**
 * DTLS 1.3's version facts (runtime/dtls13/version-facts.ts), which the node layer reads instead of asking
 * which version runs: checked against what a real sans-I/O 1.3 handshake between two DtlsConnections does.
 */

const id = makeIdentity('p256', 'localhost');
const MTU = 1000;

for (const [suite, hashLength] of [
  ['tls_aes_128_gcm_sha256', 32],
  ['tls_aes_256_gcm_sha384', 48],
] as const) {
  test(`${suite}: the largest message is one record filling the datagram; IANA's name; HKDF's exporter limit`, (t) => {
    const common: DtlsOptions = { wallClock: () => TEST_TIME, maxDatagramSize: MTU, cipherSuites: [suite] };
    const client = DtlsConnection.client({ ...common, trustAnchors: [id.caDer], serverName: 'localhost' });
    const server = DtlsConnection.server({ ...common, certificate: { chain: id.chain, privateKey: id.privateKey } });
    const pair = pair12(client, server);
    client.connect(0);
    pump(pair);
    const done = pair.events.client.find((e) => e.type === 'handshakeComplete');
    if (done?.type !== 'handshakeComplete') return t.fail(JSON.stringify(client.failure));
    const parameters: SessionParameters = done.parameters;
    t.is(client.protocolVersion, 'DTLSv1.3');
    t.is(client.versionFacts, FACTS13);
    const most = client.versionFacts.maxMessageSize(MTU, parameters, 0);
    client.send(new Uint8Array(most).fill(7), pair.now);
    const one = client.pollTransmit();
    t.true(one !== undefined && one.length <= MTU, `one datagram within the MTU (${one?.length})`);
    t.is(client.pollTransmit(), undefined);
    t.is(client.versionFacts.cipherName(parameters), suite.toUpperCase());
    const limit = client.versionFacts.exporterLengthLimit(parameters);
    t.is(limit, 255 * hashLength);
    t.is(client.exportKeyingMaterial(limit, 'EXPERIMENTAL facts').length, limit);
    t.throws(() => client.exportKeyingMaterial(limit + 1, 'EXPERIMENTAL facts'), { name: 'ConfigError' });
  });
}

test('tickets come after the handshake, a client awaits the server confirmation, and moves without a CID', (t) => {
  t.true(FACTS13.ticketsAfterHandshake);
  t.true(FACTS13.clientAwaitsConfirmation);
  t.is(FACTS13.rebindRefusal(undefined), undefined);
});
