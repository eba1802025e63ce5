import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import { connect, type DtlsSession } from '../../runtime/index.js';
import { defaultProvider, nodeProvider, type CryptoProvider } from '../../runtime/crypto.js';
import { nextMessage, pemIdentity } from '../api/fixtures.js';
import { namedEchoServer } from '../support/named-echo-server.js';
import { helloAmongSecrets, SECRET } from '../support/hello-among-secrets.js';

/**
 * Issue 33 item 3: application data reaches the application in buffers that
 * show no other session's bytes, over real UDP, with the default provider
 * (the native record path where the addon is built) and with node:crypto
 * (what DTLS13_NATIVE=0 runs), in the default 'batch' mode and in 'own'.
 */

const id = pemIdentity('localhost');
/** A DTLSInnerPlaintext: the content, its type byte, at most 255 bytes of padding (we send none, the bound is the record's). */
const innerPlaintextBound = (contentLength: number): number => contentLength + 1 + 255;

const providers: readonly CryptoProvider[] = [defaultProvider(), nodeProvider].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);

async function client(port: number, provider: CryptoProvider, messageBuffers?: 'own'): Promise<DtlsSession> {
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    provider,
    ...(messageBuffers && { messageBuffers }),
  });
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
    for (const [where, buf] of await helloAmongSecrets(bed, a, b)) {
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

  for (const mode of ['the default', "'own'"] as const) {
    const own = mode === "'own'" ? ('own' as const) : undefined;
    test(`${provider.name}, ${mode}: transferring a message's ArrayBuffer with postMessage leaves every session and new handshakes working`, async (t) => {
      const bed = await namedEchoServer(id, provider, own ? { messageBuffers: own } : {});
      const a = await client(bed.port, provider, own);
      const b = await client(bed.port, provider, own);
      t.is(await echo(a, 'a-first'), 'a-first');
      const message = await (async (): Promise<Buffer> => {
        const reply = nextMessage(b);
        b.send('hello');
        return reply;
      })();
      // The client's message and the server's copy of it.
      for (const m of [message, bed.received.get('hello')![0]!]) {
        const { port1, port2 } = new MessageChannel();
        const arrived = new Promise<ArrayBuffer>((resolve) => port2.once('message', (x: ArrayBuffer) => resolve(x)));
        const buffer = arrayBufferOf(m);
        const at = m.byteOffset;
        // Under 'own' the buffer is the message's alone, and moves. A 'batch' arena (the default, with the addon) is
        // untransferable as Node's Buffer pool is: Node 20 posts a copy, Node 21 and later refuse it (DataCloneError).
        let refused = false;
        try {
          port1.postMessage(buffer, [buffer]);
        } catch (e) {
          t.is((e as Error).name, 'DataCloneError');
          refused = true;
        }
        if (!refused) {
          const moved = await arrived;
          t.is(
            Buffer.from(moved)
              .subarray(at, at + 5)
              .toString(),
            'hello',
            'the bytes reached the other side',
          );
        }
        port1.close();
        port2.close();
        // 'batch' records are opened into the arena (node:crypto's plaintext copied there, composed-protection.ts).
        if (own === undefined) t.is(m.toString(), 'hello', 'an untransferable arena stays: the message is whole');
        else t.is(m.length, 0, 'the message buffer was moved');
      }
      // Everything still works: both sessions, both ways, and a new handshake.
      t.is(await echo(a, 'a-after'), 'a-after');
      t.is(await echo(b, 'b-after'), 'b-after');
      const c = await client(bed.port, provider, own);
      t.is(await echo(c, 'c-new'), 'c-new');
      for (const s of [a, b, c]) await s.close();
      await bed.listener.close();
    });
  }
}
