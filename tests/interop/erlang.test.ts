/**
 * Erlang/OTP 25's ssl application with {protocol, dtls} (Debian's erlang-ssl; the peer is the test's own escript,
 * tests/interop/erlang-peer.escript) as a DTLS 1.2 peer of dtls13's `connect`, `listen`, `dtls13 client` and
 * `dtls13 server`, both roles, a message each way. OTP 25's DTLS does not do extended_master_secret (RFC 7627), so
 * dtls13's default ('required') refuses it in both roles, naming why; with `extendedMasterSecret: 'preferred'`
 * (`--extended-master-secret preferred`) the handshake completes, without it. .ci/run runs
 * tests/interop/install-erlang.sh; without escript the test fails, saying what to install.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { isDtls12 } from '../../runtime/dtls12/negotiated.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { dtls13 } from '../cli/cli-process.js';
import { iotMaterial, PeerProcess, requireCommand, SLOW_PEER_HANDSHAKE_MS } from './iot-peers.js';
import { debianVersion, recordInterop } from '../support/interop-record.js';
import { openServerSul } from '../../learn/index.js';

const PEER = fileURLToPath(new URL('./erlang-peer.escript', import.meta.url));
const files = iotMaterial();
const ERLANG = { peer: 'Erlang/OTP ssl', version: debianVersion('erlang-ssl'), dtls: '1.2' } as const;
test.after.always(() => files.remove());

function erlang(args: readonly string[]): PeerProcess {
  requireCommand('escript', 'erlang-base erlang-ssl (bash tests/interop/install-erlang.sh)');
  return new PeerProcess('escript', [PEER, ...args]);
}

async function erlangServer(): Promise<{ port: number; peer: PeerProcess }> {
  const peer = erlang(['server', '0', files.server.certFile, files.server.keyFile]);
  return { port: await peer.listeningPort(), peer };
}

const erlangClient = (port: number, ...messages: string[]): PeerProcess =>
  erlang(['client', `127.0.0.1:${port}`, files.server.caFile, 'localhost', ...messages]);

async function connectTo(port: number, options: ConnectOptions): Promise<{ session: DtlsSession; reply: string }> {
  const session = connect('127.0.0.1', port, {
    ca: files.server.ca,
    servername: 'localhost',
    handshakeTimeout: SLOW_PEER_HANDSHAKE_MS,
    ...options,
  });
  await session.opened;
  const reply = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send('hello erlang');
  return { session, reply: await reply };
}

async function echoListener(
  options: ListenOptions,
): Promise<{ port: number; sessions: DtlsSession[]; errors: string[]; close(): Promise<void> }> {
  const sessions: DtlsSession[] = [];
  const errors: string[] = [];
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (m) => s.send(m);
      s.onerror = (e) => errors.push(e.message);
    },
    {
      cert: files.server.cert,
      key: files.server.key,
      host: '127.0.0.1',
      handshakeTimeout: SLOW_PEER_HANDSHAKE_MS,
      ...options,
    },
  );
  listener.onhandshakeerror = (e) => errors.push(e.message);
  const { port } = await listener.listening;
  return { port, sessions, errors, close: () => listener.close() };
}

test.serial(
  "dtls13 connect (extendedMasterSecret 'preferred') → Erlang/OTP 25 server: DTLS 1.2 without EMS, a message each way",
  async (t) => {
    const { port, peer } = await erlangServer();
    try {
      const { session, reply } = await connectTo(port, { extendedMasterSecret: 'preferred' });
      t.is(session.protocol, 'DTLSv1.2');
      t.is(reply, 'hello erlang');
      const p = session.parameters;
      t.true(p !== undefined && isDtls12(p) && !p.extendedMasterSecret);
      await session.close();
      await peer.waitFor('received: hello erlang');
      t.regex(peer.out, /connected 'dtlsv1\.2' TLS_ECDHE_ECDSA_WITH_/);
      recordInterop(t, { ...ERLANG, role: 'client', feature: "extendedMasterSecret 'preferred': a message each way" });
    } finally {
      peer.stop();
    }
  },
);

test.serial(
  "dtls13 connect with groups ['x25519mlkem768', 'x25519'] (and 'preferred') → Erlang/OTP 25 server (ECDSA P-256): DTLS 1.2 goes through",
  async (t) => {
    const { port, peer } = await erlangServer();
    try {
      const { session, reply } = await connectTo(port, {
        extendedMasterSecret: 'preferred',
        groups: ['x25519mlkem768', 'x25519'],
      });
      t.is(session.protocol, 'DTLSv1.2');
      t.is(reply, 'hello erlang');
      recordInterop(t, {
        ...ERLANG,
        role: 'client',
        feature: 'groups x25519mlkem768, x25519: the 1.2 offer names P-256',
      });
      await session.close();
    } finally {
      peer.stop();
    }
  },
);

test.serial(
  'dtls13 connect with the default extendedMasterSecret (required) → Erlang/OTP 25 server: refused, naming extended_master_secret',
  async (t) => {
    const { port, peer } = await erlangServer();
    try {
      const session = connect('127.0.0.1', port, {
        ca: files.server.ca,
        servername: 'localhost',
        handshakeTimeout: SLOW_PEER_HANDSHAKE_MS,
      });
      const e = await t.throwsAsync(session.opened);
      t.regex(e?.message ?? '', /extended_master_secret|extended master secret/i);
      recordInterop(t, {
        ...ERLANG,
        role: 'client',
        feature: 'the default, EMS required',
        result: 'refused: no extended_master_secret',
      });
    } finally {
      peer.stop();
    }
  },
);

test.serial(
  "Erlang/OTP 25 client → dtls13 listen (extendedMasterSecret 'preferred'): DTLS 1.2, two messages echoed",
  async (t) => {
    const s = await echoListener({ extendedMasterSecret: 'preferred' });
    t.teardown(() => s.close());
    const peer = erlangClient(s.port, 'first', 'second');
    try {
      t.is(await peer.exited(), 0, `${peer.out}\nours: ${s.errors.join('; ')}`);
    } finally {
      peer.stop();
    }
    t.regex(peer.out, /connected 'dtlsv1\.2' TLS_ECDHE_ECDSA_WITH_/);
    t.regex(peer.out, /reply: first\nreply: second\n/);
    t.is(s.sessions[0]?.protocol, 'DTLSv1.2');
    recordInterop(t, { ...ERLANG, role: 'server', feature: "extendedMasterSecret 'preferred': a message each way" });
  },
);

test.serial(
  'Erlang/OTP 25 client → dtls13 listen with the default (required): refused, naming extended_master_secret',
  async (t) => {
    const s = await echoListener({});
    t.teardown(() => s.close());
    const peer = erlangClient(s.port, 'first');
    try {
      t.not(await peer.exited(), 0, peer.out);
    } finally {
      peer.stop();
    }
    t.regex(s.errors.join('\n'), /extended_master_secret|extended master secret/i);
    recordInterop(t, {
      ...ERLANG,
      role: 'server',
      feature: 'the default, EMS required',
      result: 'refused: no extended_master_secret',
    });
  },
);

test.serial(
  'dtls13 client --extended-master-secret preferred → Erlang/OTP 25 server, and Erlang client → dtls13 server --extended-master-secret preferred',
  async (t) => {
    const { port, peer } = await erlangServer();
    try {
      const r = await dtls13([
        'client',
        '--connect',
        `127.0.0.1:${port}`,
        '--ca',
        files.server.caFile,
        '--servername',
        'localhost',
        '--extended-master-secret',
        'preferred',
        '--message',
        'hello from the cli',
        '--replies',
        '1',
        '--timeout',
        String(SLOW_PEER_HANDSHAKE_MS),
      ]).done;
      t.is(r.code, 0, `${r.stderr}\nerlang: ${peer.out}`);
      t.is(r.stdout, 'hello from the cli\n');
      t.regex(r.stderr, /^connected: DTLSv1\.2 ECDHE-ECDSA-/m);
      t.notRegex(r.stderr, /^connected: .* ems/m);
    } finally {
      peer.stop();
    }
    const server = dtls13(
      [
        'server',
        '--listen',
        '127.0.0.1:0',
        '--cert',
        files.server.certFile,
        '--key',
        files.server.keyFile,
        '--echo',
        '--extended-master-secret',
        'preferred',
      ],
      null,
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.child.stdout!.on('data', () => /listening on 127\.0\.0\.1:\d+/.test(server.out().stdout) && resolve());
        void server.done.then((d) => reject(new Error(`server exited: ${d.stderr}`)));
      });
      const serverPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(server.out().stdout)![1]);
      const client = erlangClient(serverPort, 'to the cli server');
      t.is(await client.exited(), 0, `${client.out}\nserver: ${server.out().stdout}`);
      t.regex(client.out, /reply: to the cli server\n/);
    } finally {
      server.child.kill('SIGTERM');
    }
    t.regex((await server.done).stdout, /connected: DTLSv1\.2 ECDHE-ECDSA-/);
  },
);

test.serial(
  'erlang-peer.escript serve (the server `dtls13 learn --connect` learns) answers the first ClientHello of 8 clients that start at once',
  async (t) => {
    // OTP's DTLS listener drops a new client's first datagram while no transport_accept waits; the mapper's
    // ClientHello is sent once per step, so a dropped one is a `timeout`, as a quarter of them were in learning.
    const peer = erlang(['serve', '0', files.server.certFile, files.server.keyFile]);
    const port = await peer.listeningPort().catch((e: unknown) => {
      peer.stop();
      throw e;
    });
    const sul = await openServerSul({ host: '127.0.0.1', port, version: '1.2', parallel: 8, waitMs: 2000 });
    try {
      const answers: string[] = [];
      for (let round = 0; round < 4; round++) {
        const sessions = await Promise.all(Array.from({ length: 8 }, () => sul.open()));
        answers.push(...(await Promise.all(sessions.map((s) => s.step('ClientHello')))));
        await Promise.all(sessions.map((s) => s.close()));
      }
      t.deepEqual(
        answers.filter((a) => a !== 'HelloVerifyRequest'),
        [],
        `of ${answers.length} first ClientHellos, answered: ${answers.join(', ')}`,
      );
    } finally {
      await sul.close();
      peer.stop();
    }
  },
);
