import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import { connect, type DtlsSession } from '../../runtime/index.js';
import { defaultProvider, nodeProvider, type CryptoProvider } from '../../runtime/crypto.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';
import { until } from '../node/support.js';
import { namedEchoServer } from '../support/named-echo-server.js';

/**
 * Issue 33 item 3: application data reaches the application in buffers of
 * its own, over real UDP, with the default provider (the native record path
 * where the addon is built) and with node:crypto (what DTLS13_NATIVE=0 runs).
 */

const id = pemIdentity('localhost');
/** What another session sends: its bytes must never be reachable from this session's messages. */
const SECRET = 'SECRET-of-session-A-';
/** A DTLSInnerPlaintext: the content, its type byte, at most 255 bytes of padding (we send none, the bound is the record's). */
const innerPlaintextBound = (contentLength: number): number => contentLength + 1 + 255;

const providers: readonly CryptoProvider[] = [defaultProvider(), nodeProvider].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);

async function client(port: number, provider: CryptoProvider): Promise<DtlsSession> {
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', provider });
  await session.opened;
  return session;
}

/** Sends `text` and waits for its echo. */
async function echo(session: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(session);
  session.send(text);
  return (await reply).toString('latin1');
}

/** A message's ArrayBuffer (a SharedArrayBuffer could not be transferred). */
function arrayBufferOf(message: Buffer): ArrayBuffer {
  const buffer = message.buffer;
  if (!(buffer instanceof ArrayBuffer)) throw new TypeError('the message is not backed by an ArrayBuffer');
  return buffer;
}

for (const provider of providers) {
  test(`${provider.name}: a 5-byte message's buf.buffer shows no other session's plaintext`, async (t) => {
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
    // More of A's records after B's: in a shared slab they would sit right after B's message.
    for (const s of secrets(20)) a.send(s);
    await until(() => (bed.received.get('SECRET')?.length ?? 0) === 40);
    t.is(bed.received.get('SECRET')?.length, 40);
    const atServer = bed.received.get('hello')![0]!;
    for (const [where, buf] of [
      ['server', atServer],
      ['client', echoed],
    ] as const) {
      t.is(buf.toString(), 'hello');
      const whole = Buffer.from(buf.buffer);
      t.false(whole.includes(SECRET), `${where}: no bytes of session A behind session B's message`);
      t.true(
        buf.buffer.byteLength <= innerPlaintextBound(5),
        `${where}: the ArrayBuffer holds one record's plaintext (${buf.buffer.byteLength} bytes)`,
      );
    }
    for (const s of [a, b]) await s.close();
    await bed.listener.close();
  });

  test(`${provider.name}: transferring a message's ArrayBuffer with postMessage leaves every session and new handshakes working`, async (t) => {
    const bed = await namedEchoServer(id, provider);
    const a = await client(bed.port, provider);
    const b = await client(bed.port, provider);
    t.is(await echo(a, 'a-first'), 'a-first');
    const message = await (async (): Promise<Buffer> => {
      const reply = nextMessage(b);
      b.send('hello');
      return reply;
    })();
    const { port1, port2 } = new MessageChannel();
    const arrived = new Promise<ArrayBuffer>((resolve) => port2.once('message', (m: ArrayBuffer) => resolve(m)));
    const own = arrayBufferOf(message);
    port1.postMessage(own, [own]);
    const moved = await arrived;
    port1.close();
    t.is(Buffer.from(moved).subarray(0, 5).toString(), 'hello', 'the bytes moved to the other side of the channel');
    t.is(message.length, 0, 'the message buffer was detached here');
    // The server side too: its copy of B's message.
    const atServer = bed.received.get('hello')![0]!;
    const { port1: p1, port2: p2 } = new MessageChannel();
    const serverOwn = arrayBufferOf(atServer);
    p1.postMessage(serverOwn, [serverOwn]);
    p1.close();
    p2.close();
    t.is(atServer.length, 0);
    // Everything still works: both sessions, both ways, and a new handshake.
    t.is(await echo(a, 'a-after'), 'a-after');
    t.is(await echo(b, 'b-after'), 'b-after');
    const c = await client(bed.port, provider);
    t.is(await echo(c, 'c-new'), 'c-new');
    for (const s of [a, b, c]) await s.close();
    await bed.listener.close();
  });
}
