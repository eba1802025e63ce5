/**
 * Issue 56 finding 5 over real UDP: forged datagrams from the client's own
 * address and port between the client's messages, at an AES-128-CCM-8
 * session, DTLS 1.3 and DTLS 1.2. Each round the attacker sends four forged
 * records (in 1.3 one under each of the four epoch bits, so one always
 * falls on the key the client writes with, however often it changed), the
 * test waits for the server to have read them, then the client sends one
 * message, once, and waits for its echo. Before, the first forgery spent
 * the key's one failure of the second and the message that followed was
 * dropped untried (no echo came); now every message is echoed, and in 1.3
 * the 160 forgeries make the peer send new keys. Waits are for the
 * server's datagram count and for the echo, never for a time.
 */
import test from 'ava';
import { connect } from '../../runtime/api/connect.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { bytesFrom, forgedCiphertext } from '../support/attacker.js';
import { forgedRecord12 } from '../support/forged12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { clientSocket, until } from '../support/spoofer.js';
import { credentials, echoServer } from '../dtls12/negotiation-support.js';

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const ROUNDS = 40;

/** Sends `text` once; resolves with its echo, or rejects when none came within `limitMs` (a message dropped: nothing sends it again). */
async function echoedOnce(session: DtlsSession, text: string, limitMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${text}: the message was dropped`)), limitMs);
    session.onmessage = (m) => {
      const s = m.toString();
      if (s !== `echo: ${text}`) return;
      clearTimeout(timer);
      resolve(s);
    };
    session.send(text);
  });
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`attacker, ${version} over UDP: forged CCM_8 records between the client’s messages hold none of them back`, async (t) => {
    const ciphers = version === 'DTLSv1.3' ? 'TLS_AES_128_CCM_8_SHA256' : 'ECDHE-ECDSA-AES128-CCM8';
    const versions = { minVersion: version, maxVersion: version } as const;
    const s = await echoServer(id, { ciphers, allowCcm8: true, parkAfterMs: 0, ...versions });
    const client = await clientSocket();
    const c = connect('127.0.0.1', s.port, {
      ca,
      servername: 'localhost',
      ciphers,
      allowCcm8: true,
      transport: client.transport,
      ...versions,
    });
    try {
      await c.opened;
      t.is(c.protocol, version);
      const server = s.sessions[0]!;
      const stats = () => server.stats.connectionStats!;
      const keyMessagesBefore = stats().handshakeMessagesReceived;
      let forged = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const read = stats().datagramsReceived;
        for (let k = 0; k < 4; k++, forged++) {
          const d =
            version === 'DTLSv1.3'
              ? forgedCiphertext(k, forged, bytesFrom(forged + 1, 48))
              : forgedRecord12(1, 1_000_000 + forged, 64, forged + 1);
          await client.send(d, s.port);
        }
        await until(
          () => stats().datagramsReceived >= read + 4 || server.destroyed,
          `the server read round ${round}'s forgeries`,
          20_000,
        );
        t.false(server.destroyed, `the session ended: ${String(server.closeReason)}`);
        t.is(await echoedOnce(c, `m${round}`, 10_000), `echo: m${round}`);
      }
      t.is(stats().drops['authentication-rate'], 0, 'no record dropped untried');
      if (version === 'DTLSv1.3')
        t.true(
          stats().handshakeMessagesReceived > keyMessagesBefore,
          'the client sent new keys (KeyUpdate) when asked',
        );
    } finally {
      client.close();
      await c.close().catch(() => undefined);
      await s.listener.close();
    }
  });
}
