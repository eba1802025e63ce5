import test from 'ava';
import { DtlsConnection, type ConnectionOptions } from '../../../runtime/connection/connection.js';
import { nobleProvider } from '../../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../../runtime/crypto/provider.js';
import { CryptoOpLog, loggingProvider, type CryptoOp } from '../../../hwmodel/model/crypto-ops.js';
import { seededProvider } from '../../../hwmodel/model/seeded-provider.js';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { makeIdentity, TEST_TIME } from '../../support/pki-fixtures.js';
import { pair12, pump } from '../../dtls12/pair12.js';

const serverId = makeIdentity('p256', 'server.test');

/** A handshake and one message each way over a perfect in-memory link; every datagram in order of sending. */
function run(
  clientProvider: CryptoProvider,
  serverProvider: CryptoProvider,
  extra: Partial<ConnectionOptions> = {},
): { datagrams: string[]; received: string[] } {
  const server = DtlsConnection.server({
    provider: serverProvider,
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    // Ticket keys of our own (a fresh array: imported with this server's provider): without them the
    // process-wide random keys would be drawn from the first server's seeded stream only.
    ticketKeys: new Uint8Array(32).fill(7),
    amplificationLimit: false, // time stands still on this perfect link, and its client is the server's peer
    ...extra,
  });
  const client = DtlsConnection.client({
    provider: clientProvider,
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...extra,
  });
  const datagrams: string[] = [];
  const received: string[] = [];
  const pump = (): void => {
    for (let moved = true; moved;) {
      moved = false;
      for (const [from, to] of [
        [client, server],
        [server, client],
      ] as const) {
        for (let d = from.pollTransmit(); d; d = from.pollTransmit()) {
          datagrams.push(Buffer.from(d).toString('hex'));
          to.receive(d, 1);
          moved = true;
        }
        for (let e = to.pollEvent(); e; e = to.pollEvent())
          if (e.type === 'data') received.push(new TextDecoder().decode(e.data));
      }
    }
  };
  client.connect(0);
  pump();
  client.send(new TextEncoder().encode('to server'));
  server.send(new TextEncoder().encode('to client'));
  pump();
  return { datagrams, received };
}

const count = (ops: readonly CryptoOp[], kind: string, algorithm?: string): number =>
  ops.filter((o) => o.kind === kind && (algorithm === undefined || o.algorithm === algorithm)).length;

test('the logging provider reports each side’s operations and changes nothing they compute', (t) => {
  const clientLog = new CryptoOpLog();
  const serverLog = new CryptoOpLog();
  const r = run(loggingProvider(nodeProvider, clientLog, true), loggingProvider(nodeProvider, serverLog, true), {
    groups: ['secp256r1'],
  });
  t.deepEqual(r.received.sort(), ['to client', 'to server']);
  const [c, s] = [clientLog.take(), serverLog.take()];
  t.is(count(c, 'kx_generate', 'secp256r1'), 1);
  t.is(count(c, 'kx_derive', 'secp256r1'), 1);
  t.is(count(s, 'kx_generate', 'secp256r1'), 1);
  t.is(count(s, 'kx_derive', 'secp256r1'), 1);
  t.is(count(s, 'sign', 'ecdsa_secp256r1_sha256'), 1, 'the server signs its CertificateVerify once');
  t.is(count(c, 'sign'), 0);
  t.true(count(c, 'verify') >= 1, 'the client verifies the CertificateVerify (and the chain)');
  // Each application record is sealed by one side and opened by the other, 9 bytes + content type.
  t.true(c.some((o) => o.kind === 'aead_seal' && o.algorithm === 'aes-128-gcm' && o.bytes === 10));
  t.true(s.some((o) => o.kind === 'aead_open' && o.algorithm === 'aes-128-gcm' && o.bytes === 10 + 16));
  t.true(count(c, 'mask') > 0 && count(s, 'hkdf_expand', 'sha256') > 0 && count(s, 'hash') > 0);
  t.true([...c, ...s].every((o) => o.ms >= 0 && Number.isFinite(o.ms)));
  t.deepEqual(clientLog.take(), [], 'take() empties the log');
});

test('seeded providers make a whole handshake a function of the seeds; another seed changes it', (t) => {
  const seeded = (seed: number): CryptoProvider => seededProvider(nobleProvider, new SeededRandom(seed));
  const a = run(seeded(1), seeded(2));
  const b = run(seeded(1), seeded(2));
  const c = run(seeded(1), seeded(3));
  t.deepEqual(a.received.sort(), ['to client', 'to server']);
  t.deepEqual(a.datagrams, b.datagrams);
  t.notDeepEqual(a.datagrams, c.datagrams);
  t.is(a.datagrams[0], c.datagrams[0], 'the ClientHello depends on the client seed only');
});

test('seeded key shares work for every group', (t) => {
  const rng = new SeededRandom(7);
  for (const group of ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'] as const) {
    const p = seededProvider(nodeProvider, rng);
    const x = p.generateKeyShare(group);
    const y = p.generateKeyShare(group);
    t.deepEqual(x.deriveSecret(y.publicKey), y.deriveSecret(x.publicKey), group);
  }
});

// DTLS 1.2 signs ServerKeyExchange with ECDSA and the hash the client offers first (SHA-256), whatever the key's curve
// (RFC 5246 §7.4.1.4.1): the provider's ecdsaSign / ecdsaVerify, which the wrapper forwards and charges at the curve's cost.
for (const measure of [true, false]) {
  test(`DTLS 1.2 with a P-384 key signing with SHA-256 through the logging provider (measure ${String(measure)}): ecdsaSign and ecdsaVerify are forwarded and charged as P-384`, (t) => {
    const p384 = makeIdentity('p384', 'server.test');
    const [clientLog, serverLog] = [new CryptoOpLog(), new CryptoOpLog()];
    const p = pair12(
      DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        provider: loggingProvider(nodeProvider, clientLog, measure),
        // Offered alone, so that the server must sign with SHA-256 on its P-384 key.
        signatureAlgorithms: ['ecdsa_secp256r1_sha256'],
        trustAnchors: [p384.caDer],
        serverName: 'server.test',
        wallClock: () => TEST_TIME,
      }),
      DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        provider: loggingProvider(nodeProvider, serverLog, measure),
        certificate: { chain: p384.chain, privateKey: p384.privateKey },
        cipherSuites12: ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256'],
        wallClock: () => TEST_TIME,
      }),
    );
    p.client.connect(0);
    pump(p);
    t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
    const [c, s] = [clientLog.take(), serverLog.take()];
    t.is(count(s, 'sign', 'ecdsa_secp384r1_sha384'), 1, 'ServerKeyExchange signed once, charged as P-384');
    t.true(count(c, 'verify', 'ecdsa_secp384r1_sha384') >= 1, 'the client verifies it, charged as P-384');
  });
}
