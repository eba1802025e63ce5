/**
 * The 1.2 twin of tests/buffers/application-buffers.test.ts: over real UDP,
 * through listen() and connect() with maxVersion DTLSv1.2, a message reaches
 * the application in an ArrayBuffer that shows no other session's bytes on
 * both ends, in the default 'batch' mode and in 'own' (an ArrayBuffer of its own), with the default provider (the addon's 1.2 record path, read in place, where it is
 * built) and with node:crypto. No bytes of another session are behind it.
 */
import test from 'ava';
import { connect, type DtlsSession } from '../../runtime/index.js';
import { defaultProvider, nodeProvider, type CryptoProvider } from '../../runtime/crypto.js';
import { pemIdentity } from '../api/fixtures.js';
import { namedEchoServer } from '../support/named-echo-server.js';
import { helloAmongSecrets, SECRET } from '../support/hello-among-secrets.js';
import type { MessageBuffers } from '../../runtime/wire/message-arena.js';

const id = pemIdentity('localhost');

const providers: readonly CryptoProvider[] = [defaultProvider(), nodeProvider].filter(
  (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
);

async function client(port: number, provider: CryptoProvider, messageBuffers: MessageBuffers): Promise<DtlsSession> {
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    provider,
    maxVersion: 'DTLSv1.2',
    messageBuffers,
  });
  const opened = await session.opened;
  if (opened.protocol !== 'DTLSv1.2') throw new Error(`asked for DTLSv1.2, got ${opened.protocol}`);
  return session;
}

for (const provider of providers)
  for (const messageBuffers of ['batch', 'own'] as const)
    test(`${provider.name}, '${messageBuffers}': DTLS 1.2: a 5-byte message's buf.buffer shows no other session's plaintext`, async (t) => {
      const bed = await namedEchoServer(id, provider, { messageBuffers });
      const a = await client(bed.port, provider, messageBuffers);
      const b = await client(bed.port, provider, messageBuffers);
      for (const [where, buf] of await helloAmongSecrets(bed, a, b)) {
        t.is(buf.toString(), 'hello');
        t.false(Buffer.from(buf.buffer).includes(SECRET), `${where}: no bytes of session A behind session B's message`);
        // A 1.2 record without a CID has no inner content type or padding: the plaintext is the message. In 'batch' mode
        // the ArrayBuffer is this session's for one receive batch: B sent nothing else, so the rest of it is zeros.
        if (messageBuffers === 'own')
          t.is(
            buf.buffer.byteLength,
            5,
            `${where}: the ArrayBuffer holds this message only (${buf.buffer.byteLength} bytes)`,
          );
        else {
          const rest = Buffer.from(buf.buffer).fill(0, buf.byteOffset, buf.byteOffset + 5);
          t.true(
            rest.every((x) => x === 0),
            `${where}: nothing but zeros besides the message (${rest.length} bytes)`,
          );
        }
      }
      for (const s of [a, b]) await s.close();
      await bed.listener.close();
    });
