/**
 * How many times a new connection decodes the hellos of its first exchange, by V8's precise call counts
 * (`tsx scripts/hello-decode-count.ts`): a server doing both versions taking a 1.3 and a 1.2 ClientHello, and a client
 * offering both taking a 1.3 and a 1.2 ServerHello and a HelloVerifyRequest, and a listener's 1.2 cookie exchange over
 * UDP. Counted: the generated decoders and the
 * readers the hello steps choose the version by (the listener's over the first datagram).
 */
import { Session } from 'node:inspector/promises';
import { DtlsConnection, type DtlsOptions } from '../runtime/connection/connection.js';
import { makeIdentity, TEST_TIME } from '../tests/support/pki-fixtures.js';
import { connect } from '../runtime/api/connect.js';
import { credentials, echoServer } from '../tests/dtls12/negotiation-support.js';

const WATCHED = [
  'decodeClientHello',
  'decodeClientHello12',
  'decodeServerHello',
  'decodeHelloVerifyRequest',
  'readDtlsHandshake',
  'chooseServerVersion',
  'firstAnswer',
  'serverHelloVersion',
  'decodeTls12ServerHello',
];

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = { wallClock: () => TEST_TIME, certificate: { chain: id.chain, privateKey: id.privateKey } };

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');

async function count(label: string, run: () => void | Promise<void>): Promise<void> {
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  await run();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await session.post('Profiler.stopPreciseCoverage');
  const counts = new Map<string, number>();
  for (const script of result) {
    if (!script.url.includes('/generated/') && !script.url.includes('/runtime/')) continue;
    for (const f of script.functions) {
      if (!WATCHED.includes(f.functionName)) continue;
      const n = f.ranges[0]?.count ?? 0;
      if (n > 0) counts.set(f.functionName, (counts.get(f.functionName) ?? 0) + n);
    }
  }
  console.log(label.padEnd(58), [...counts].map(([k, v]) => `${k} ${v}`).join(', '));
}

function clientHello(options: DtlsOptions): Uint8Array[] {
  const c = DtlsConnection.client(options);
  c.connect(0);
  return drain(c);
}

const hello13 = clientHello(client);
const hello12 = clientHello({ ...client, maxVersion: 'DTLSv1.2' });
await count('server (1.2 and 1.3) takes a 1.3 ClientHello offering both', () => {
  const s = DtlsConnection.server(server);
  for (const d of hello13) s.receive(d, 1);
});
await count('server (1.2 and 1.3) takes a 1.2-only ClientHello', () => {
  const s = DtlsConnection.server(server);
  for (const d of hello12) s.receive(d, 1);
});

/** The server's first answer to a client offering both, made by a server of `options`. */
function answer(options: DtlsOptions): { c: DtlsConnection; answer: Uint8Array[] } {
  const c = DtlsConnection.client(client);
  c.connect(0);
  const s = DtlsConnection.server(options);
  for (const d of drain(c)) s.receive(d, 1);
  return { c, answer: drain(s) };
}
const a13 = answer(server);
await count('client (both) takes a 1.3 ServerHello flight', () => {
  for (const d of a13.answer) a13.c.receive(d, 2);
});
const a12 = answer({ ...server, maxVersion: 'DTLSv1.2' });
await count('client (both) takes a 1.2 HelloVerifyRequest', () => {
  for (const d of a12.answer) a12.c.receive(d, 2);
});
const s12 = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
const c12 = DtlsConnection.client(client);
c12.connect(0);
for (const d of drain(c12)) s12.receive(d, 1);
for (const d of drain(s12)) c12.receive(d, 2);
for (const d of drain(c12)) s12.receive(d, 3);
const flight12 = drain(s12);
await count('client (both) takes a 1.2 ServerHello flight after the HVR', () => {
  for (const d of flight12) c12.receive(d, 4);
});

// A listener doing both, with its cookie exchange, and a 1.2-only client over UDP on 127.0.0.1 (both in this process:
// the client decodes no ClientHello).
const id12 = credentials(id);
const served = await echoServer(id);
await count("listener's 1.2 cookie path: both ClientHellos, the handshake", async () => {
  const s = connect('127.0.0.1', served.port, { ca: id12.ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
  await s.opened;
  await s.close();
});
await served.listener.close();
session.disconnect();
