import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { runWolf, startWolfServer, writePem } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { Udp12 } from './udp12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

/**
 * wolfSSL 5.7.2 and connection IDs in DTLS 1.2: it does CIDs in DTLS 1.3
 * only (wolfSSL_dtls_cid_use refuses below 1.3, and its example programs
 * stop with "Can't enable DTLS ConnectionID" under `-v 3 --cid`), so the
 * 1.2 CID interop runs against Mbed TLS (cid12-mbedtls.test.ts). Here: a
 * dtls13 end with the `cid` option against wolfSSL's 1.2 ends, which do not
 * answer or offer connection_id, goes on without CIDs, every record plain.
 */

const now = Date.now();
const id = makeIdentity('p256', 'localhost', { at: now });
const pem = writePem(id);
const certificate = { chain: id.chain, privateKey: id.privateKey };

test.serial(
  'dtls13 1.2 client with cid -> wolfSSL -v 3 server: connection_id unanswered, no CIDs, no tls12_cid record',
  async (t) => {
    const server = await startWolfServer(pem, ['-v', '3', '-d']);
    const udp = await Udp12.client(
      DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'localhost', cid: 4 }),
      server.port,
    );
    const firstBytes: number[] = [];
    udp.inbound = (d) => {
      firstBytes.push(d[0]!);
      return d;
    };
    try {
      await udp.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      t.is(udp.conn.connectionIds, undefined);
      udp.send(new TextEncoder().encode('hello wolfSSL'));
      await udp.waitFor(() => udp.text().length > 0, 10_000, 'reply');
      t.regex(udp.text(), /I hear you/);
      t.false(firstBytes.includes(25));
    } finally {
      await udp.close();
      server.run.kill();
    }
  },
);

test.serial(
  'wolfSSL -v 3 client -> dtls13 1.2 server with cid: nothing offered, nothing answered, the session goes on',
  async (t) => {
    const udp = await Udp12.server(DtlsConnection.server({ ...ONLY_12, certificate, cid: 4 }));
    try {
      const run = runWolf('client', ['-u', '-v', '3', '-h', '127.0.0.1', '-p', String(udp.port), '-A', pem.ca]);
      await udp.waitFor((e) => e.type === 'data', 15_000, 'data');
      t.is(udp.conn.connectionIds, undefined);
      udp.send(new TextEncoder().encode('I hear you, wolfSSL'));
      const { code, output } = await run.done;
      t.is(code, 0, output);
      t.regex(output, /I hear you, wolfSSL/);
    } finally {
      await udp.close();
    }
  },
);

test.serial('wolfSSL 5.7.2 refuses --cid under -v 3 (why the 1.2 CID peer is Mbed TLS)', async (t) => {
  const run = runWolf('client', ['-u', '-v', '3', '-h', '127.0.0.1', '-p', '9', '-A', pem.ca, '--cid', 'wc'], 10_000);
  const { code, output } = await run.done;
  t.not(code, 0);
  t.regex(output, /Can't enable DTLS ConnectionID/);
});
