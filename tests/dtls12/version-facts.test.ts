import test from 'ava';
import type { SessionParameters } from '../../runtime/shared/events.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Dtls12FeatureError } from '../../runtime/dtls12/feature-error.js';
import { FACTS12 } from '../../runtime/dtls12/version-facts.js';
import { FACTS13 } from '../../runtime/dtls13/version-facts.js';
import type { Dtls12CipherSuite } from '../../runtime/versions/suites12.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pair12, pump } from './pair12.js';

/**
 * DTLS 1.2's version facts (runtime/dtls12/version-facts.ts), which the node layer reads instead of asking which
 * version runs: checked against what a real sans-I/O 1.2 handshake between two DtlsConnections does.
 */

const id = makeIdentity('p256', 'localhost');
const MTU = 1000;

function connected12(suite: Dtls12CipherSuite): {
  pair: ReturnType<typeof pair12<DtlsConnection>>;
  parameters: SessionParameters;
} {
  const common: DtlsOptions = { wallClock: () => TEST_TIME, maxDatagramSize: MTU, maxVersion: 'DTLSv1.2' };
  const client = DtlsConnection.client({ ...common, trustAnchors: [id.caDer], serverName: 'localhost' });
  const server = DtlsConnection.server({
    ...common,
    certificate: { chain: id.chain, privateKey: id.privateKey },
    cipherSuites12: [suite],
  });
  const pair = pair12(client, server);
  client.connect(0);
  pump(pair);
  const done = pair.events.client.find((e) => e.type === 'handshakeComplete');
  if (done?.type !== 'handshakeComplete') throw new Error(`no handshake: ${JSON.stringify(client.failure)}`);
  return { pair, parameters: done.parameters };
}

for (const [suite, overhead, name] of [
  ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', 13 + 8 + 16, 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256', 13 + 16, 'ECDHE-ECDSA-CHACHA20-POLY1305'],
] as const) {
  test(`${suite}: the largest message is one record filling the datagram; OpenSSL's name; the exporter's limit`, (t) => {
    const { pair, parameters } = connected12(suite);
    const client = pair.client;
    t.is(client.protocolVersion, 'DTLSv1.2');
    t.is(client.versionFacts, FACTS12, 'the 1.2 state reports 1.2 facts');
    const most = client.versionFacts.maxMessageSize(MTU, parameters, 0);
    t.is(most, MTU - overhead);
    client.send(new Uint8Array(most).fill(7), pair.now);
    const one = client.pollTransmit();
    t.is(one?.length, MTU, 'one datagram, exactly the MTU');
    t.is(client.pollTransmit(), undefined);
    client.send(new Uint8Array(most + 1), pair.now);
    t.is([client.pollTransmit(), client.pollTransmit()].filter((d) => d !== undefined).length, 2, 'a byte more is two');
    t.is(client.versionFacts.cipherName(parameters), name);
    const limit = client.versionFacts.exporterLengthLimit(parameters);
    t.is(limit, 65_535);
    t.is(client.exportKeyingMaterial(limit, 'EXPERIMENTAL facts').length, limit);
    t.throws(() => client.exportKeyingMaterial(limit + 1, 'EXPERIMENTAL facts'), { name: 'ConfigError' });
  });
}

test('no ticket after the handshake, no confirmation awaited; a client moves only with a CID of the server', (t) => {
  t.false(FACTS12.ticketsAfterHandshake);
  t.false(FACTS12.clientAwaitsConfirmation);
  const refused = FACTS12.rebindRefusal(undefined);
  t.true(refused instanceof Dtls12FeatureError);
  t.is((refused as Dtls12FeatureError).feature, 'rebind');
  const ids = { local: undefined, peer: Uint8Array.of(1, 2), spares: 0, rrc: false, issued: [] };
  t.is(FACTS12.rebindRefusal(ids), undefined);
});

test('a client offering both versions reports 1.3 facts until a 1.2 answer, and 1.2 facts after it', (t) => {
  const client = DtlsConnection.client({
    wallClock: () => TEST_TIME,
    trustAnchors: [id.caDer],
    serverName: 'localhost',
  });
  const server = DtlsConnection.server({
    wallClock: () => TEST_TIME,
    maxVersion: 'DTLSv1.2',
    certificate: { chain: id.chain, privateKey: id.privateKey },
  });
  t.is(client.versionFacts, FACTS13);
  const pair = pair12(client, server);
  client.connect(0);
  pump(pair);
  t.is(client.state, 'connected');
  t.is(client.versionFacts, FACTS12);
  t.is(server.versionFacts, FACTS12);
});
