/**
 * dtls13 dissect on captures tcpdump makes on loopback from real exchanges:
 * dtls13 with dtls13 (HelloRetryRequest with a cookie, a server flight in
 * fragments, KeyUpdate) and dtls13 with wolfSSL (its server, our client's
 * key log). With the key log every handshake message the test knows was
 * sent is printed; without it, headers and the plaintext records still are.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DtlsSession } from '../../runtime/api/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { startWolfServer, writePem } from '../interop/wolfssl.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { CLI_ARGS } from '../cli/cli-process.js';
import { captureLoopback } from './tcpdump.js';
import { captureEcho } from './echo-capture.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { until } from '../node/support.js';

const dir = mkdtempSync(join(tmpdir(), 'dtls13-dissect-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const id = makeIdentity('p256', 'localhost', { at: Date.now() });

interface JsonRecord {
  from: string;
  source: string;
  destination: string;
  epoch?: number;
  epochBits?: number;
  sequenceNumber?: number;
  contentType: string;
  protected: boolean;
  decrypted: boolean;
  messages: {
    type: string;
    messageSeq: number;
    complete: boolean;
    retransmission: boolean;
    helloRetryRequest?: boolean;
    fragmentLength: number;
    length: number;
    fields?: { random?: string };
  }[];
  applicationData?: number;
  alert?: { description: string };
}

function dissect(args: readonly string[]): { records: JsonRecord[]; text: string } {
  const json = execFileSync(process.execPath, [...CLI_ARGS, 'dissect', ...args, '--json'], {
    encoding: 'utf8',
  });
  const text = execFileSync(process.execPath, [...CLI_ARGS, 'dissect', ...args], { encoding: 'utf8' });
  return {
    records: json
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonRecord),
    text,
  };
}

/** The whole handshake messages a side sent, in order, first sightings only (HelloRetryRequest by its name). */
function messagesFrom(records: readonly JsonRecord[], from: string): string[] {
  return records
    .filter((r) => r.from === from)
    .flatMap((r) => r.messages)
    .filter((m) => m.complete && !m.retransmission)
    .map((m) => (m.helloRetryRequest ? 'hello_retry_request' : m.type));
}

/** The next message the session receives. */
function nextMessage(session: DtlsSession): Promise<Buffer> {
  return new Promise((resolve) => (session.onmessage = resolve));
}

test('dtls13 ↔ dtls13: HRR with a cookie, a fragmented server flight, KeyUpdate; decrypted with the key log, headers without', async (t) => {
  const pcap = join(dir, 'dtls13.pcap');
  const keylog = join(dir, 'dtls13.keys');
  // A small datagram size on the server: its Certificate goes in fragments.
  await captureEcho(
    pcap,
    keylog,
    async (client) => {
      let reply = nextMessage(client);
      client.send('before the update');
      await reply;
      client.updateKeys(true);
      await new Promise((r) => setTimeout(r, 300));
      reply = nextMessage(client);
      client.send('after the update!');
      await reply;
    },
    { mtu: 300 },
  );

  const { records, text } = dissect([pcap, '--keylog', keylog]);
  t.deepEqual(messagesFrom(records, 'client'), ['client_hello', 'client_hello', 'finished', 'key_update']);
  const server_ = messagesFrom(records, 'server');
  t.deepEqual(server_.slice(0, 6), [
    'hello_retry_request',
    'server_hello',
    'encrypted_extensions',
    'certificate',
    'certificate_verify',
    'finished',
  ]);
  t.true(server_.includes('key_update'), `the server answered update_requested: ${server_.join(', ')}`);
  const certFragments = records
    .flatMap((r) => r.messages)
    .filter((m) => m.type === 'certificate' && m.fragmentLength < m.length);
  t.true(certFragments.length >= 2, 'the Certificate went in fragments');
  const appData = records.filter((r) => r.contentType === 'application_data');
  t.deepEqual(
    appData.map((r) => [r.from, r.epoch, r.applicationData]),
    [
      ['client', 3, 17],
      ['server', 3, 17],
      ['client', 4, 17],
      ['server', 4, 17],
    ],
  );
  t.true(records.some((r) => r.alert?.description === 'close_notify'));
  t.regex(text, /client: epoch 2 rec \d+ handshake \d+ B: finished \(msg_seq 2, 32 B\)/);
  t.regex(text, /^ {4}certificate_verify:\n {6}algorithm: ecdsa_secp256r1_sha256$/m);

  const bare = dissect([pcap]).records;
  t.deepEqual(messagesFrom(bare, 'client'), ['client_hello', 'client_hello']);
  t.deepEqual(messagesFrom(bare, 'server'), ['hello_retry_request', 'server_hello']);
  const hidden = bare.filter((r) => r.protected);
  t.true(
    hidden.length > 0 &&
      hidden.every((r) => r.contentType === 'encrypted' && !r.decrypted && r.epochBits !== undefined),
  );
});

test('dtls13 client ↔ wolfSSL server: every message of both sides, KeyUpdate, decrypted with our key log', async (t) => {
  const pcap = join(dir, 'wolfssl.pcap');
  const keylog = join(dir, 'wolfssl.keys');
  const lines: string[] = [];
  const pem = writePem(id);
  const { port, run } = await startWolfServer(pem, ['-d', '-e']);
  const capture = await captureLoopback(pcap, [port]);
  try {
    const client = openClientEndpoint({
      port,
      trustAnchors: [id.caDer],
      serverName: 'localhost',
      keyLog: (l) => lines.push(l),
    });
    await client.handshake;
    client.send(new TextEncoder().encode('before the update'));
    await client.receive();
    client.updateKeys(true);
    // Both ways in epoch 4 before the next message: wolfSSL's ACK of our KeyUpdate in, and its own KeyUpdate read.
    const state = (client.connection as DtlsConnection).versionState;
    t.true(state instanceof Dtls13Connection, 'the 1.3 state');
    const records = (state as unknown as { readonly context: { readonly records: RecordLayer } }).context.records;
    await until(() => records.writer.writeEpoch === 4 && records.usage().read.some((r) => r.epoch === 4));
    client.send(new TextEncoder().encode('after the update!'));
    await client.receive();
    client.close();
    await client.closed;
    const { code, output } = await run.done;
    t.is(code, 0, output);
  } finally {
    run.kill();
    await capture.stop();
    pem.remove();
  }
  writeFileSync(keylog, `${lines.join('\n')}\n`);
  const { records } = dissect([pcap, '--keylog', keylog]);
  const client = messagesFrom(records, 'client');
  const server = messagesFrom(records, 'server');
  t.deepEqual(
    client.filter((m) => m !== 'client_hello'),
    ['finished', 'key_update'],
  );
  t.is(client[0], 'client_hello');
  t.deepEqual(
    server.filter((m) => m !== 'hello_retry_request' && m !== 'new_session_ticket' && m !== 'key_update'),
    ['server_hello', 'encrypted_extensions', 'certificate', 'certificate_verify', 'finished'],
  );
  t.true(server.includes('key_update'), `wolfSSL answered update_requested: ${server.join(', ')}`);
  const appData = records.filter((r) => r.contentType === 'application_data');
  t.deepEqual(
    appData.map((r) => [r.from, r.epoch, r.applicationData]),
    [
      ['client', 3, 17],
      ['server', 3, 17],
      ['client', 4, 17],
      ['server', 4, 17],
    ],
  );
});
