import test from 'ava';
import { Session } from 'node:inspector/promises';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { connect } from '../../runtime/api/connect.js';
import { credentials, echoServer } from '../dtls12/negotiation-support.js';

/**
 * A new server connection decodes its first ClientHello once (its hello phase, runtime/connection/hello-phase.ts, chooses the
 * version from what it decoded, and hands the ClientHello to the state chosen as decoded: Connection12.expectClientHello,
 * Dtls13Connection.expectClientHello), and so does
 * a listener's 1.2 cookie exchange (runtime/connection/hello-responder.ts hands it to the cookie check and the connection),
 * counted by V8's precise call counts; and a state uses the ClientHello it was handed only for those very bytes.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false, // an in-memory peer: tests/shared/amplification-limit.test.ts tests the limit
};

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

function firstFlight(options: DtlsOptions): Uint8Array[] {
  const c = DtlsConnection.client(options);
  c.connect(0);
  return drain(c);
}

/** How many times the generated ClientHello decoder ran in `run` (every ClientHello decode ends in it). */
async function clientHelloDecodes(run: () => void): Promise<number> {
  return clientHelloDecodesAsync(() => {
    run();
    return Promise.resolve();
  });
}

/** {@link clientHelloDecodes} over what `run` does until it settles (a handshake over UDP). */
async function clientHelloDecodesAsync(run: () => Promise<void>): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    await run();
    const { result } = await session.post('Profiler.takePreciseCoverage');
    let calls = 0;
    for (const script of result) {
      if (!script.url.includes('generated/wire/client-hello')) continue;
      for (const f of script.functions) if (f.functionName === 'decodeClientHello') calls += f.ranges[0]?.count ?? 0;
    }
    return calls;
  } finally {
    await session.post('Profiler.stopPreciseCoverage');
    session.disconnect();
  }
}

for (const [name, offered, version] of [
  ['1.3 ClientHello offering both versions', {}, 'DTLSv1.3'],
  ['1.2-only ClientHello', { maxVersion: 'DTLSv1.2' }, 'DTLSv1.2'],
] as const) {
  test.serial(`a server doing both decodes a ${name} once`, async (t) => {
    const hello = firstFlight({ ...client, ...offered });
    t.is(hello.length, 1, 'the ClientHello in one datagram');
    let s: DtlsConnection | undefined;
    const calls = await clientHelloDecodes(() => {
      s = DtlsConnection.server(server);
      for (const d of hello) s.receive(d, 1);
    });
    t.is(s!.protocolVersion, version);
    t.true(drain(s!).length > 0, 'answered');
    t.is(calls, 1);
  });
}

/** The ClientHello body in a one-record datagram. */
function helloBody(datagram: Uint8Array): Uint8Array {
  const record = readDtls12Record(new Reader(datagram, 'Datagram'));
  return readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment;
}

test('a 1.2 state takes the ClientHello it was handed only for the same bytes', (t) => {
  const c = DtlsConnection.client({ ...client, maxVersion: 'DTLSv1.2' });
  c.connect(0);
  const [first] = drain(c);
  const s = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
  s.receive(first!, 1);
  for (const d of drain(s)) c.receive(d, 2); // the HelloVerifyRequest
  const [withCookie] = drain(c);
  const state = s.versionState;
  t.true(state instanceof Connection12);
  t.is(s.state, 'waitClientHello', 'stateless until the cookie');
  // Handed the first ClientHello (no cookie), then given the second: the second, with its cookie, is answered.
  const body = helloBody(first!);
  (state as Connection12).expectClientHello({ body, hello: decodeClientHello(body) });
  s.receive(withCookie!, 3);
  t.is(s.failure, undefined);
  t.not(s.state, 'waitClientHello', 'the cookie taken: not the ClientHello it was handed');
});

test.serial(
  "a listener's 1.2 cookie exchange decodes each ClientHello once: the responder, the cookie check and the connection share it",
  async (t) => {
    const server = await echoServer(id);
    try {
      const { ca } = credentials(id);
      let opened: unknown;
      const calls = await clientHelloDecodesAsync(async () => {
        const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
        opened = await session.opened;
        await session.close();
      });
      t.deepEqual(opened, { protocol: 'DTLSv1.2' });
      // The first ClientHello (answered with a HelloVerifyRequest) and the second (with the cookie): one decode each.
      // The client, 1.2 only, decodes none.
      t.is(calls, 2, `decoded ${calls} times`);
    } finally {
      await server.listener.close();
    }
  },
);
