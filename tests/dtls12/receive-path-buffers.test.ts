/**
 * The 1.2 twin of tests/buffers/application-buffers.test.ts: over real UDP,
 * through listen() and connect() with maxVersion DTLSv1.2, a message reaches
 * the application in an ArrayBuffer of its own on both ends, with the
 * default provider (the addon's 1.2 record path, read in place, where it is
 * built) and with node:crypto. No bytes of another session are behind it.
 */
import test from 'ava';
import { connect, type DtlsSession } from '../../runtime/index.js';
import { defaultProvider, nodeProvider, type CryptoProvider } from '../../runtime/crypto.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';
import { until } from '../node/support.js';
import { namedEchoServer } from '../support/named-echo-server.js';

const id = pemIdentity('localhost');
/** What another session sends: its bytes must never be reachable from this session's messages. */
const SECRET = 'SECRET-of-session-A-';

const providers: readonly CryptoProvider[] = [defaultProvider(), nodeProvider].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);

async function client(port: number, provider: CryptoProvider): Promise<DtlsSession> {
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', provider, maxVersion: 'DTLSv1.2' });
  const opened = await session.opened;
  if (opened.protocol !== 'DTLSv1.2') throw new Error(`asked for DTLSv1.2, got ${opened.protocol}`);
  return session;
}

for (const provider of providers) {
  test(`${provider.name}: DTLS 1.2: a 5-byte message's buf.buffer is its own and shows no other session's plaintext`, async (t) => {
    const bed = await namedEchoServer(id, provider);
    const a = await client(bed.port, provider);
    const b = await client(bed.port, provider);
    const secrets = (from: number): string[] =>
      Array.from({ length: 20 }, (_, i) => `${SECRET}${from + i}`.padEnd(200, '.'));
    for (const s of secrets(0)) a.send(s);
    await until(() => (bed.received.get('SECRET')?.length ?? 0) === 20);
    const bReceived = nextMessage(b);
    b.send('hello');
    const echoed = await bReceived;
    // More of A's records after B's: in a shared buffer they would sit right after B's message.
    for (const s of secrets(20)) a.send(s);
    await until(() => (bed.received.get('SECRET')?.length ?? 0) === 40);
    t.is(bed.received.get('SECRET')?.length, 40);
    const atServer = bed.received.get('hello')![0]!;
    for (const [where, buf] of [
      ['server', atServer],
      ['client', echoed],
    ] as const) {
      t.is(buf.toString(), 'hello');
      t.false(Buffer.from(buf.buffer).includes(SECRET), `${where}: no bytes of session A behind session B's message`);
      // A 1.2 record without a CID has no inner content type or padding: the plaintext is the message.
      t.is(
        buf.buffer.byteLength,
        5,
        `${where}: the ArrayBuffer holds this message only (${buf.buffer.byteLength} bytes)`,
      );
    }
    for (const s of [a, b]) await s.close();
    await bed.listener.close();
  });
}
