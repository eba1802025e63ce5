/**
 * dtls13 dissect on a DTLS 1.2 capture tcpdump makes on loopback of two
 * independent peers: `openssl s_client -dtls1_2 -keylogfile` against
 * `openssl s_server -dtls1_2` (Debian's OpenSSL 3.0). With OpenSSL's own
 * key log (CLIENT_RANDOM lines) every handshake message of both sides is
 * shown in order, the Finished messages and the application data the test
 * sent decrypted; dtls13's own client, offering 1.3 and 1.2, against s_server
 * -dtls1_2 with its key log lines; with a wrong master secret the protected records are
 * reported as undecryptable and the command still succeeds.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../../runtime/api/connect.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { CLI_ARGS } from '../cli/cli-process.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from '../dtls12/openssl12.js';
import { captureLoopback } from './tcpdump.js';

const identity = makeIdentity('p256', 'localhost', { at: Date.now() });
const id = identityFiles(identity);
test.after.always(() => rmSync(id.dir, { recursive: true, force: true }));

interface JsonRecord {
  from: string;
  epoch?: number;
  sequenceNumber?: number;
  contentType: string;
  protected: boolean;
  decrypted: boolean;
  messages: { type: string; complete: boolean; retransmission: boolean; fields?: Record<string, unknown> }[];
  applicationData?: number;
  data?: string;
  alert?: { description: string };
  error?: string;
}

function dissect(args: readonly string[]): { records: JsonRecord[]; text: string } {
  const run = (extra: readonly string[]): string =>
    execFileSync(process.execPath, [...CLI_ARGS, 'dissect', ...args, ...extra], { encoding: 'utf8' });
  return {
    records: run(['--json'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonRecord),
    text: run([]),
  };
}

function messagesFrom(records: readonly JsonRecord[], from: string): string[] {
  return records
    .filter((r) => r.from === from)
    .flatMap((r) => r.messages)
    .filter((m) => m.complete && !m.retransmission)
    .map((m) => m.type);
}

const CLIENT_TEXT = 'hello from s_client over DTLS 1.2';
const SERVER_TEXT = 'and back from s_server';

/** One capture for the tests: a full handshake with a HelloVerifyRequest, a line each way, close_notify. */
const captured = (async () => {
  const port = await freeUdpPort();
  const pcap = join(id.dir, 'openssl12.pcap');
  const keylog = join(id.dir, 'openssl12.keys');
  const capture = await captureLoopback(pcap, [port]);
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-cert',
    id.cert,
    '-key',
    id.key,
    '-naccept',
    '1',
  ]);
  let client: OpenSslPeer | undefined;
  try {
    await server.waitFor('ACCEPT');
    client = new OpenSslPeer([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      id.ca,
      '-keylogfile',
      keylog,
    ]);
    await client.waitFor('Verify return code: 0 (ok)');
    client.write(`${CLIENT_TEXT}\n`);
    await server.waitFor(CLIENT_TEXT);
    server.write(`${SERVER_TEXT}\n`);
    await client.waitFor(SERVER_TEXT);
    client.write('Q\n');
    await server.waitFor('shutting down SSL');
  } finally {
    client?.stop();
    server.stop();
    await capture.stop();
  }
  return { pcap, keylog };
})();

test('openssl s_client -dtls1_2 -> s_server -dtls1_2: every handshake message in order, Finished and application data decrypted with its key log', async (t) => {
  const { pcap, keylog } = await captured;
  t.regex(readFileSync(keylog, 'utf8'), /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
  const { records, text } = dissect([pcap, '--keylog', keylog, '--data']);
  t.deepEqual(messagesFrom(records, 'client'), ['client_hello', 'client_hello', 'client_key_exchange', 'finished']);
  t.deepEqual(messagesFrom(records, 'server'), [
    'hello_verify_request',
    'server_hello',
    'certificate',
    'server_key_exchange',
    'server_hello_done',
    'new_session_ticket',
    'finished',
  ]);
  // ChangeCipherSpec from both, then epoch 1; the Finished messages are under epoch 1.
  for (const from of ['client', 'server']) {
    const mine = records.filter((r) => r.from === from);
    const ccs = mine.findIndex((r) => r.contentType === 'change_cipher_spec');
    t.true(ccs >= 0, `${from} sent ChangeCipherSpec`);
    t.true(mine.slice(0, ccs).every((r) => r.epoch === 0 && !r.protected));
    const finished = mine.find((r) => r.messages.some((m) => m.type === 'finished'));
    t.like(finished, { epoch: 1, protected: true, decrypted: true });
    t.true(mine.slice(ccs + 1).every((r) => r.epoch === 1 && r.decrypted));
  }
  const data = records.filter((r) => r.contentType === 'application_data');
  t.deepEqual(
    data.map((r) => [r.from, r.epoch, Buffer.from(r.data ?? '', 'hex').toString()]),
    [
      ['client', 1, `${CLIENT_TEXT}\n`],
      ['server', 1, `${SERVER_TEXT}\n`],
    ],
  );
  t.true(records.some((r) => r.from === 'client' && r.alert?.description === 'close_notify'));
  // The ECDHE key exchange is decoded by the suite the ServerHello chose.
  const ske = records.flatMap((r) => r.messages).find((m) => m.type === 'server_key_exchange' && m.complete);
  t.like(ske?.fields, { params: { namedCurve: 'x25519' } });
  t.regex(text, /server: epoch 0 rec \d+ handshake \d+ B: hello_verify_request \(msg_seq 0, \d+ B\)/);
  t.regex(
    text,
    /client: epoch 1 rec \d+ application_data \d+ B: \d+ B of application data "hello from s_client over DTLS 1\.2\\n"/,
  );
  t.regex(text, /client: epoch 1 rec 0 handshake \d+ B: finished \(msg_seq \d, 12 B\)/);

  // Without the key log: the same plaintext messages, the protected records shown as such.
  const bare = dissect([pcap]).records;
  t.deepEqual(messagesFrom(bare, 'client'), ['client_hello', 'client_hello', 'client_key_exchange']);
  const hidden = bare.filter((r) => r.protected);
  t.true(
    hidden.length >= 5 &&
      hidden.every((r) => r.contentType === 'encrypted' && !r.decrypted && r.epoch === 1 && r.error === undefined),
  );
});

test('a key log with the wrong master secret: the protected records are reported undecryptable, the rest still shown', async (t) => {
  const { pcap, keylog } = await captured;
  const wrong = join(id.dir, 'wrong.keys');
  writeFileSync(
    wrong,
    readFileSync(keylog, 'utf8').replace(
      /^(CLIENT_RANDOM [0-9a-f]{64} )([0-9a-f])/gm,
      (_m, head: string, first: string) => `${head}${first === '0' ? '1' : '0'}`,
    ),
  );
  const { records, text } = dissect([pcap, '--keylog', wrong]);
  const hidden = records.filter((r) => r.protected);
  t.true(hidden.length >= 5);
  for (const r of hidden)
    t.like(r, {
      epoch: 1,
      contentType: 'encrypted',
      decrypted: false,
      error: "undecryptable with the key log's master secret (authentication)",
    });
  t.deepEqual(messagesFrom(records, 'server').slice(0, 5), [
    'hello_verify_request',
    'server_hello',
    'certificate',
    'server_key_exchange',
    'server_hello_done',
  ]);
  t.regex(text, /epoch 1 rec 0 encrypted \d+ B: error: undecryptable/);
});

test("dtls13's client offering 1.3 and 1.2 -> s_server -dtls1_2: dissected as 1.2 though the ClientHello offers 1.3, decrypted with our own key log (CLIENT_RANDOM)", async (t) => {
  const port = await freeUdpPort();
  const pcap = join(id.dir, 'negotiated12.pcap');
  const keylog = join(id.dir, 'negotiated12.keys');
  const lines: string[] = [];
  const capture = await captureLoopback(pcap, [port]);
  const server = new OpenSslPeer([
    's_server',
    '-dtls1_2',
    '-accept',
    String(port),
    '-cert',
    id.cert,
    '-key',
    id.key,
    '-naccept',
    '1',
  ]);
  try {
    await server.waitFor('ACCEPT');
    // The default range, 1.2..1.3: one ClientHello with supported_versions and the 1.2 suites; OpenSSL 3.0 answers 1.2.
    const client = connect('127.0.0.1', port, { ca: certificateToPem(identity.caDer), servername: 'localhost' });
    client.onkeylog = (l) => lines.push(l);
    const opened = await client.opened;
    t.is(opened.protocol, 'DTLSv1.2');
    client.send('from the negotiating client\n');
    await server.waitFor('from the negotiating client');
    await client.close();
  } finally {
    server.stop();
    await capture.stop();
  }
  writeFileSync(keylog, `${lines.join('\n')}\n`);
  t.regex(lines.join('\n'), /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/m);
  const { records } = dissect([pcap, '--keylog', keylog, '--data']);
  t.deepEqual(messagesFrom(records, 'client'), ['client_hello', 'client_hello', 'client_key_exchange', 'finished']);
  t.deepEqual(messagesFrom(records, 'server').slice(0, 5), [
    'hello_verify_request',
    'server_hello',
    'certificate',
    'server_key_exchange',
    'server_hello_done',
  ]);
  t.true(messagesFrom(records, 'server').includes('finished'));
  const data = records.filter((r) => r.contentType === 'application_data');
  t.deepEqual(
    data.map((r) => [r.from, Buffer.from(r.data ?? '', 'hex').toString()]),
    [['client', 'from the negotiating client\n']],
  );
  t.true(records.some((r) => r.from === 'client' && r.alert?.description === 'close_notify' && r.decrypted));
});
