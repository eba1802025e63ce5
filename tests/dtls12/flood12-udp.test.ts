/**
 * Issue 49 item 1 over real UDP: a 65,507-byte datagram of minimal forged
 * epoch-1 DTLS 1.2 records (1,770 of 37 bytes) from the client's own
 * address and port, and one of tls12_cid records carrying the session's
 * RFC 9146 CID (a 4-byte one: 1,597 of 41 bytes) from any other address (the listener
 * routes those by CID), open at most 128 records at the session: the 1.3
 * limits (runtime/dtls12/record-path.ts). Before, every record of them
 * was decrypted. The test waits for the server to have read each datagram
 * (its drop counters) before sending the next; the session still echoes
 * after. `npm run bench -- attacks` gives the CPU a datagram costs.
 */
import test from 'ava';
import { connect } from '../../runtime/api/connect.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { forgedFlood12 } from '../support/forged12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { clientSocket, otherSocket, until } from '../support/spoofer.js';
import { credentials, echoServer } from './negotiation-support.js';

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);

async function echoed(session: DtlsSession, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send(text);
  return reply;
}

const FLOODS = 3;

for (const withCid of [false, true]) {
  const name = withCid
    ? 'tls12_cid records with the session’s CID from another address'
    : 'records from the client’s address and port';
  test(`attacker, DTLS 1.2 over UDP: 65,507-byte datagrams of forged ${name} open at most 128 records each`, async (t) => {
    const s = await echoServer(id, { maxVersion: 'DTLSv1.2', ...(withCid ? { cid: 4 } : {}) });
    const client = await clientSocket();
    const other = await otherSocket();
    const c = connect('127.0.0.1', s.port, {
      ca,
      servername: 'localhost',
      maxVersion: 'DTLSv1.2',
      transport: client.transport,
      ...(withCid ? { cid: 5 } : {}),
    });
    try {
      await c.opened;
      t.is(c.protocol, 'DTLSv1.2');
      t.is(await echoed(c, 'before'), 'echo: before');
      const server = s.sessions[0]!;
      const drops = () => server.stats.connectionStats!.drops;
      const cid = withCid ? c.connectionIds?.peer : undefined;
      t.is(cid?.length, withCid ? 4 : undefined);
      for (let i = 0; i < FLOODS; i++) {
        const flood = forgedFlood12(10_000 + i * 2000, i * 7919, cid);
        t.is(flood.records, withCid ? 1597 : 1770);
        await (withCid ? other : client).send(flood.datagram, s.port);
        await until(() => drops()['records-per-datagram'] === i + 1, `the server read flood ${i + 1}`);
      }
      const d = drops();
      t.is(d['records-per-datagram'], FLOODS, 'each datagram was cut at the cap');
      t.is(
        d.authentication + d['authentication-rate'],
        128 * FLOODS,
        'of each, 128 records were read: tried or dropped untried',
      );
      t.true(
        d.authentication <= 100 + FLOODS,
        `at most 100 decryptions in the second, then one a datagram (${d.authentication})`,
      );
      t.is(await echoed(c, 'after'), 'echo: after');
      t.is(server.stats.connectionStats?.paths.migrations, 0, 'nothing moved the session');
    } finally {
      client.close();
      other.close();
      await c.close().catch(() => undefined);
      await s.listener.close();
    }
  });
}
