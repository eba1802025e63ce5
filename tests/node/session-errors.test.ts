import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openClientEndpoint } from '../support/udp-client.js';
import type { Connection } from '../../runtime/shared/connection-api.js';
import { listen, type DtlsError, type DtlsSession } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions, until } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** Ways a connection can throw, installed on a server-side connection once its handshake is complete. */
const SABOTAGE: Record<string, (c: Connection) => void> = {
  receive: (c) => {
    c.receive = () => {
      throw new RangeError('boom in receive');
    };
  },
  handleTimeout: (c) => {
    c.pollTimeout = () => performance.now() + 5;
    c.handleTimeout = () => {
      throw new RangeError('boom in handleTimeout');
    };
  },
  // What the session's pump takes a turn's datagrams with.
  pollTransmitAll: (c) => {
    c.pollTransmitAll = () => {
      throw new RangeError('boom in pollTransmitAll');
    };
  },
};

for (const [where, sabotage] of Object.entries(SABOTAGE)) {
  test(`a connection that throws from ${where} ends alone, failed with internal_error (the thrown error as cause); the listener serves on`, async (t) => {
    const sessions: DtlsSession[] = [];
    const server = listen(
      (session) => {
        sessions.push(session);
        session.onmessage = (data) => session.send(data);
      },
      { ...pemOptions(id), host: '127.0.0.1', wallClock },
    );
    t.teardown(() => server.close());
    const { port } = await server.listening;
    const victim = openClientEndpoint({ port, ...clientOptions });
    await victim.handshake;
    await until(() => sessions[0] !== undefined);
    const session = sessions[0]!;
    await session.opened;
    sabotage(session.connection!);
    victim.send(new Uint8Array([1])); // something to receive, and a reply to transmit
    const error = await t.throwsAsync<DtlsError>(session.closed, { code: 'ERR_DTLS_ALERT' });
    t.is(session.closeReason, 'failed');
    t.is(error?.alert, 'internal_error');
    t.true(error?.cause instanceof RangeError);
    t.is(server.admission.serverStats?.connectionErrors, 1, 'the listener counted what the connection threw');
    t.regex(error?.message ?? '', new RegExp(`boom in ${where}`));
    // Another client is served as before.
    const other = openClientEndpoint({ port, ...clientOptions });
    await other.handshake;
    other.send(new TextEncoder().encode('next'));
    t.is(new TextDecoder().decode(await other.receive()), 'next');
    other.close();
    victim.close();
  });
}

test("a client whose socket send throws fails with internal_error and its process exits: the socket closes (nothing waits for the send's callback)", async (t) => {
  const fixture = new URL('./fixtures/send-throws-client.ts', import.meta.url).pathname;
  // The timeout is a hang guard: before the fix the socket stayed open and the process never exited.
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], { timeout: 60_000 });
  t.is(stdout.trim(), 'internal_error');
});
