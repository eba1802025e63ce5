import test, { type ExecutionContext } from 'ava';
import { connect } from '../../runtime/api/connect.js';
import { listen } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { decodeDatagram } from '../../runtime/wire/datagram.js';
import { identity } from './sessions.js';
import { runWolf, startWolfServer, wolfHandshakes, writePem } from './wolfssl.js';

/**
 * KeyUpdate (RFC 9147 §8, RFC 8446 §4.6.3) with wolfSSL 5.7.2, started by
 * each side, each time asking the other to update too: afterwards both
 * ends write under epoch 4. Each side is seen on the wire from ours: the
 * records we received and sent are decoded, and an epoch-4 record has the
 * low epoch bits 0 (epoch 0 records are plaintext). A KeyUpdate waits for
 * its ACK before its sender writes under the new epoch, so our side waits
 * until its flight is acknowledged before the message that must go under it.
 */

/** The next message the session delivers, as text. */
const nextText = (session: DtlsSession): Promise<string> =>
  new Promise((resolve) => (session.onmessage = (data) => resolve(data.toString())));

/** Every datagram our side received and sent. */
function epochWatch(): {
  onDatagram: (direction: 'received' | 'sent', d: Uint8Array) => void;
  readonly received: Uint8Array[];
  readonly sent: Uint8Array[];
} {
  const received: Uint8Array[] = [];
  const sent: Uint8Array[] = [];
  return {
    received,
    sent,
    onDatagram: (direction, d) => (direction === 'received' ? received : sent).push(Uint8Array.from(d)),
  };
}

/** The low two epoch bits of every protected (unified header) record in the datagrams. */
function epochBits(datagrams: readonly Uint8Array[]): number[] {
  return datagrams.flatMap((d) =>
    decodeDatagram(d).flatMap((r) => (r.kind === 'ciphertext' ? [r.header.epochLowBits] : [])),
  );
}

/** Waits (5 s at most) until the session has no flight waiting for an ACK: a KeyUpdate of ours was acknowledged. */
async function flightAcknowledged(session: DtlsSession): Promise<void> {
  for (let waited = 0; session.stats.connectionStats?.flightState === 'waiting' && waited < 5000; waited += 10)
    await new Promise((r) => setTimeout(r, 10));
}

/** Epoch-4 records went both ways; before the update, epoch 3 was in use both ways. */
function assertUpdatedBothWays(t: ExecutionContext, w: ReturnType<typeof epochWatch>): void {
  const received = epochBits(w.received);
  const sent = epochBits(w.sent);
  t.true(received.includes(3) && received.includes(0), `wolfSSL's record epochs (low bits): ${received.join(' ')}`);
  t.true(sent.includes(3) && sent.includes(0), `our record epochs (low bits): ${sent.join(' ')}`);
}

/**
 * wolfSSL's example client → our server, which answers its one message
 * ("hello wolfssl!") after `beforeReply` and once its own flights are
 * acknowledged; wolfSSL then closes (close_notify).
 */
async function serveWolf(
  clientArgs: readonly string[],
  beforeReply: (session: DtlsSession) => void,
): Promise<{ code: number | null; output: string; received: string | undefined; w: ReturnType<typeof epochWatch> }> {
  const id = identity('p256');
  const pem = writePem(id);
  const w = epochWatch();
  let received: string | undefined;
  // No tickets: a NewSessionTicket flight would be outstanding, and the KeyUpdate would wait behind it.
  const server = listen(
    (session) => {
      const first = nextText(session);
      void (async () => {
        try {
          await session.opened;
          beforeReply(session);
          received = await first;
          await flightAcknowledged(session);
          session.send('reply from dtls13');
        } catch {
          // the assertions look at what was received
        }
      })();
    },
    { cert: [...id.chain], key: id.privateKey, host: '127.0.0.1', onDatagram: w.onDatagram, tickets: 0 },
  );
  const { port } = await server.listening;
  try {
    const { code, output } = await runWolf('client', [
      '-u',
      '-v',
      '4',
      '-p',
      String(port),
      '-A',
      pem.ca,
      '-x',
      ...clientArgs,
    ]).done;
    return { code, output, received, w };
  } finally {
    await server.close();
    pem.remove();
  }
}

test('wolfSSL client → dtls13 server: the client updates its keys and requests ours (-I), both end at epoch 4', async (t) => {
  const s = await serveWolf(['-I'], () => {});
  t.is(s.code, 0, s.output);
  t.is(s.received, 'hello wolfssl!');
  t.regex(s.output, /reply from dtls13/);
  assertUpdatedBothWays(t, s.w);
});

test('wolfSSL client → dtls13 server: our server updates its keys and requests the client’s, both end at epoch 4', async (t) => {
  const s = await serveWolf([], (ep) => ep.updateKeys(true));
  t.is(s.code, 0, s.output);
  t.is(s.received, 'hello wolfssl!');
  t.regex(s.output, /reply from dtls13/);
  assertUpdatedBothWays(t, s.w);
});

/** Our client (DTLS 1.3 only, as wolfSSL's server here), every datagram watched. */
function ourClient(port: number, ca: Uint8Array, w: ReturnType<typeof epochWatch>): DtlsSession {
  return connect('127.0.0.1', port, {
    ca,
    servername: 'localhost',
    minVersion: 'DTLSv1.3',
    onDatagram: w.onDatagram,
  });
}

/**
 * Our client → wolfSSL's example server in echo mode (-e): `afterHandshake`,
 * then three messages, each after the echo of the one before and once our
 * flights are acknowledged; then close_notify, on which wolfSSL exits.
 */
async function talkToWolf(serverArgs: readonly string[], afterHandshake: (c: DtlsSession) => void) {
  const id = identity('p256');
  const pem = writePem(id);
  const w = epochWatch();
  try {
    const { port, run } = await startWolfServer(pem, ['-d', '-e', ...serverArgs]);
    const c = ourClient(port, id.caDer, w);
    const echoes: string[] = [];
    let error: string | undefined;
    try {
      await c.opened;
      afterHandshake(c);
      for (const m of ['one', 'two', 'three']) {
        await flightAcknowledged(c);
        const echo = nextText(c);
        c.send(m);
        echoes.push(await echo);
      }
      await c.close();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      run.kill();
    }
    const { code, output } = await run.done;
    return { code, output, echoes, error, w };
  } finally {
    pem.remove();
  }
}

test('dtls13 client → wolfSSL server: we update our keys and request the server’s, both end at epoch 4', async (t) => {
  const o = await talkToWolf([], (c) => c.updateKeys(true));
  t.is(o.error, undefined, o.output);
  t.deepEqual(o.echoes, ['one', 'two', 'three']);
  t.is(o.code, 0, o.output);
  t.is(wolfHandshakes(o.output)[0]?.version, 'DTLSv1.3');
  assertUpdatedBothWays(t, o.w);
});

// wolfSSL's -U updates its keys (wolfSSL_update_keys, which asks the peer to update too: src/tls13.c SendTls13KeyUpdate)
// before it writes its answer; without -e its one answer follows our first message.
test('dtls13 client → wolfSSL server: the server updates its keys and requests ours (-U), both end at epoch 4', async (t) => {
  const id = identity('p256');
  const pem = writePem(id);
  const w = epochWatch();
  try {
    const { port, run } = await startWolfServer(pem, ['-d', '-U']);
    const c = ourClient(port, id.caDer, w);
    await c.opened;
    const answer = nextText(c);
    c.send('hello');
    t.is(await answer, 'I hear you fa shizzle!');
    // Our answering KeyUpdate, acknowledged: then our second message goes under epoch 4. wolfSSL reads it
    // (-U: one more read), and closes with its close_notify, under its epoch 4.
    await flightAcknowledged(c);
    c.send('second');
    const { code, output } = await run.done;
    await c.close();
    t.is(code, 0, output);
    assertUpdatedBothWays(t, w);
  } finally {
    pem.remove();
  }
});
