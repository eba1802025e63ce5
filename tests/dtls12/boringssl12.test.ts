import test from 'ava';
import { Dtls12Connection } from '../../runtime/dtls12/connection12.js';
import type { Dtls12CipherSuite } from '../../runtime/dtls12/suites.js';
import { connectedOf, EXPORTER_LABEL, EXPORTER_LENGTH, runPeer, startBoringServer } from '../interop/boringssl.js';
import { writePem } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { Udp12 } from './udp12.js';

/**
 * DTLS 1.2 with BoringSSL (tests/interop/boringssl/peer.c, `--max-version
 * 1.2`) over real UDP, both directions: the handshake, data echoed, and the
 * RFC 5705 exporter equal on both ends (BoringSSL prints its own).
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const rsa = makeIdentity('rsa2048', 'server.test', { at: now });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const CASES: readonly [Dtls12CipherSuite, typeof id][] = [
  ['tls_ecdhe_ecdsa_with_aes_128_gcm_sha256', id],
  ['tls_ecdhe_ecdsa_with_aes_256_gcm_sha384', id],
  ['tls_ecdhe_ecdsa_with_chacha20_poly1305_sha256', id],
  ['tls_ecdhe_rsa_with_aes_128_gcm_sha256', rsa],
];

for (const [suite, identity] of CASES) {
  test.serial(`dtls13 1.2 client -> BoringSSL server --max-version 1.2: ${suite}`, async (t) => {
    const pem = writePem(identity);
    const server = await startBoringServer(pem, ['--max-version', '1.2']);
    const udp = await Udp12.client(
      Dtls12Connection.client({ trustAnchors: [identity.caDer], serverName: 'server.test', cipherSuites12: [suite] }),
      server.port,
    );
    try {
      await udp.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      udp.send(new TextEncoder().encode('hello BoringSSL'));
      await udp.waitFor(() => udp.text() === 'hello BoringSSL', 10_000, 'echo');
      for (let i = 0; i < 100 && !/^connected:/m.test(server.run.output()); i++) await new Promise((r) => setTimeout(r, 50));
      const line = connectedOf(server.run.output());
      t.is(line.version, 'DTLSv1.2');
      t.is(line.cipher, suite.toUpperCase());
      t.is(line.exporter, hex(udp.conn.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL)));
    } finally {
      await udp.close();
      server.run.kill();
      pem.remove();
    }
  });
}

test.serial('BoringSSL client --max-version 1.2 -> dtls13 1.2 server: echo and exporter', async (t) => {
  const pem = writePem(id);
  const udp = await Udp12.server(Dtls12Connection.server({ certificate: { chain: id.chain, privateKey: id.privateKey } }));
  udp.events.length = 0;
  const run = runPeer('client', [
    '--port',
    String(udp.port),
    '--ca',
    pem.ca,
    '--verify-host',
    'server.test',
    '--max-version',
    '1.2',
    '--send',
    'ping 1.2',
    '--timeout-ms',
    '15000',
  ]);
  try {
    await udp.waitFor((e) => e.type === 'data', 15_000, 'data');
    udp.send(new TextEncoder().encode(udp.text()));
    const { output } = await run.done;
    const line = connectedOf(output);
    t.is(line.version, 'DTLSv1.2', output);
    t.is(line.exporter, hex((udp.conn as Dtls12Connection).exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL)));
    t.notRegex(output, /^error:/m);
  } finally {
    await udp.close();
    run.kill();
    pem.remove();
  }
});
