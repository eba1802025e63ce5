import { concatBytes } from '../../runtime/wire/bytes.js';
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import { handshakeFragment, plaintextRecord } from '../support/attacker.js';
import { connect } from '../../runtime/api/connect.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, rawSocket, sendAll, sleep, until } from './support.js';

const wallClock = (): number => TEST_TIME;
const childScript = fileURLToPath(new URL('./fixtures/echo-server-child.ts', import.meta.url));

/** The echo server in a child process: its port, CA, a stats query, and whether it has exited. */
async function startChild() {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], { stdio: ['pipe', 'pipe', 'pipe'] });
  let exit: { code: number | null; signal: string | null } | undefined;
  let stderr = '';
  child.on('exit', (code, signal) => (exit = { code, signal }));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else queue.push(l);
  });
  const nextLine = (): Promise<string> => {
    const l = queue.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', () => reject(new Error(`the server process exited: ${stderr}`)));
    });
  };
  const hello = JSON.parse(await nextLine()) as { port: number; ca: string };
  return {
    port: hello.port,
    ca: new Uint8Array(Buffer.from(hello.ca, 'base64')),
    get exit() {
      return exit;
    },
    get stderr() {
      return stderr;
    },
    async stats(): Promise<Record<string, number>> {
      child.stdin.write('stats\n');
      return JSON.parse(await nextLine()) as Record<string, number>;
    },
    async stop(): Promise<void> {
      if (exit) return;
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

let recordSeq = 1000;
/** One DTLSPlaintext epoch-0 handshake record with a fragment of `length`, `messageSeq`, `offset` and `body`. */
function fragmentRecord(
  msgType: HandshakeTypeName,
  messageSeq: number,
  length: number,
  offset: number,
  body: Uint8Array,
): Uint8Array {
  return plaintextRecord(
    'handshake',
    handshakeFragment({ msgType, length, messageSeq, fragmentOffset: offset, fragment: body }),
    recordSeq++,
  );
}

test('old and zero-length ClientHello fragments after a cookie round trip do not bring the server process down; a new client still gets a session', async (t) => {
  const server = await startChild();
  t.teardown(() => server.stop());
  const clientOptions = { trustAnchors: [server.ca], serverName: 'localhost', wallClock };
  const attacker = await rawSocket();
  t.teardown(() => attacker.close());
  // A real cookie round trip: the server makes a connection for this address and port and sends its flight.
  const source = new HelloSource(clientOptions);
  await sendAll(attacker, source.first(), server.port);
  await until(() => attacker.received.length >= 1);
  t.true(attacker.received.length >= 1, 'the HelloRetryRequest came');
  await sendAll(attacker, source.answer(attacker.received[0]!), server.port);
  await until(() => attacker.received.length >= 2);
  t.true(attacker.received.length >= 2, 'the server flight came: a connection exists for the attacker');
  // 25 datagrams of old (message_seq 0/1) zero-length ClientHello fragments, 56 records each; then 25 more led by a
  // fragment of another type, so that a server routing on the first record hands them to the connection itself.
  for (let i = 0; i < 50; i++) {
    const lead: HandshakeTypeName = i < 25 ? 'client_hello' : 'finished';
    const records = [fragmentRecord(lead, 1, 0, 0, new Uint8Array(0))];
    for (let k = 1; k < 56; k++) records.push(fragmentRecord('client_hello', k % 2, 0, 0, new Uint8Array(0)));
    await sendAll(attacker, [concatBytes(records)], server.port);
  }
  // One out-of-order fragment (message_seq 5: a gap), which arms the delayed ACK of everything received.
  await sendAll(
    attacker,
    [
      concatBytes([
        fragmentRecord('finished', 1, 0, 0, new Uint8Array(0)),
        fragmentRecord('client_hello', 5, 40, 0, new Uint8Array(1)),
      ]),
    ],
    server.port,
  );
  await sleep(500); // past the 50 ms ACK delay and a retransmission timer
  t.is(server.exit, undefined, `the server process is alive (${server.stderr})`);
  t.log('server stats after the attack', await server.stats());
  // A legitimate client completes a handshake and an echo.
  const client = connect('127.0.0.1', server.port, { ca: certificateToPem(server.ca), servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  const echo = new Promise<Buffer>((resolve) => (client.onmessage = resolve));
  client.send('still here');
  t.is((await echo).toString(), 'still here');
  t.is(server.exit, undefined);
});
