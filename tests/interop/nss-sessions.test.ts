import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionParameters } from '../../runtime/shared/events.js';
import { listen } from '../../runtime/api/listener.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { identity } from './sessions.js';
import {
  EXPORTER_LABEL,
  EXPORTER_LENGTH,
  makeNssDb,
  ourExporter,
  runTstclnt,
  startNssServer,
  type NssDb,
} from './nss.js';
import { freePort } from './wolfssl.js';

/**
 * Resumption (RFC 8446 §2.2, §4.6.1) with NSS 3.110's tstclnt, both
 * directions, several connections in one tstclnt run (-L N, tickets on with
 * -u, each connection's data from a file with -A): our client resumes with
 * NSS's tickets, NSS resumes with ours, across our server restarts when the
 * ticket keys stay, never with a ticket sealed under other keys. Each
 * connection's exporter is equal on both ends (tstclnt -x prints one a
 * connection).
 */

const id = identity('p256');

/** Every "Keying Material" tstclnt printed, hex, in order (one a connection). */
function keyingMaterials(stdout: string): string[] {
  return [...stdout.matchAll(/Keying Material:\n((?:[ \t]+[0-9a-f:]+\n?)+)/g)].map((m) =>
    (m[1] ?? '').replace(/[\s:]/g, ''),
  );
}

/** A temporary file holding `text`, for tstclnt -A. */
function textFile(text: string): { readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-nss-data-'));
  const path = join(dir, 'data.txt');
  writeFileSync(path, text);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ------------------------------------------------------ our client → NSS server

/**
 * Our client → tstclnt -P server: one connection from `localPort` (NSS's
 * DTLS server answers the address of its run's first datagram only, so every
 * connection comes from the same port), offering `session`; it takes NSS's
 * line ("from nss", -A), its first NewSessionTicket, sends a line and closes. The server's last connection ends with
 * its close_notify right after its line and ticket; the client reads the datagrams a turn brings in one batch, so by
 * the time a promise continues it may have taken the close_notify. The exporter is read when the handshake completes
 * (the event is handed out before the next datagram is read), and the line is sent only while the session is open.
 */
async function ourConnection(port: number, localPort: number, session: Uint8Array | undefined, line: string) {
  const c = openClientEndpoint({
    port,
    localPort,
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    handshakeTimeoutMs: 10_000,
    ...(session ? { session } : {}),
  });
  let exporter = '';
  const ticket = new Promise<Uint8Array>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no NewSessionTicket within 10 s')), 10_000);
    c.onEvent((e) => {
      if (e.type === 'handshakeComplete') exporter = ourExporter(c.connection);
      if (e.type !== 'sessionTicket') return;
      clearTimeout(timer);
      resolve(e.session);
    });
  });
  try {
    const p = await c.handshake;
    const got = new TextDecoder().decode(await c.receive());
    const t = await ticket;
    if (c.connection.state === 'connected') c.send(new TextEncoder().encode(line));
    return { parameters: p, got, ticket: t, exporter };
  } finally {
    c.close();
    await c.closed;
    await portFree(localPort);
  }
}

/** Waits (2 s at most) until `port` can be bound again: the next connection binds it. */
async function portFree(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const probe = createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (bound) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** tstclnt -P server for `connections` connections with tickets; ends once its stdin ends (after the last connection). */
async function nssServer(db: NssDb, connections: number, data: string) {
  const { port, run } = await startNssServer(db, ['-u', '-L', String(connections), '-A', data]);
  return { port, run };
}

test('dtls13 client → NSS server: our second and third connections resume with its tickets (one server)', async (t) => {
  const db = await makeNssDb(id, id);
  const data = textFile('from nss\n');
  try {
    const { port, run } = await nssServer(db, 3, data.path);
    const localPort = await freePort();
    try {
      const first = await ourConnection(port, localPort, undefined, 'first\n');
      const second = await ourConnection(port, localPort, first.ticket, 'second\n');
      const third = await ourConnection(port, localPort, second.ticket, 'third\n');
      t.deepEqual(
        [first, second, third].map((c) => [c.parameters.resumed, c.got]),
        [
          [false, 'from nss\n'],
          [true, 'from nss\n'],
          [true, 'from nss\n'],
        ],
      );
      t.truthy(first.parameters.peerCertificate);
      t.is(second.parameters.peerCertificate, undefined, 'no certificate in a resumed handshake');
      t.is(second.parameters.pskMode, 'psk_dhe_ke');
      t.truthy(second.parameters.group, 'psk_dhe_ke: a fresh key exchange');
      run.end();
      const { code, stdout, stderr } = await run.done;
      t.is(code, 0, stderr);
      t.deepEqual(
        keyingMaterials(stdout),
        [first.exporter, second.exporter, third.exporter],
        'each connection exports the same on both ends',
      );
    } finally {
      run.kill();
    }
  } finally {
    data.remove();
    db.remove();
  }
});

test('dtls13 client → NSS server: a ticket from another NSS server (another ticket key) is not taken, a full handshake instead', async (t) => {
  const db = await makeNssDb(id, id);
  const data = textFile('from nss\n');
  try {
    const one = await nssServer(db, 1, data.path);
    const localPort = await freePort();
    const first = await ourConnection(one.port, localPort, undefined, 'first\n');
    one.run.end();
    t.is((await one.run.done).code, 0);
    const other = await nssServer(db, 1, data.path);
    const second = await ourConnection(other.port, localPort, first.ticket, 'second\n');
    other.run.end();
    t.is((await other.run.done).code, 0);
    t.false(first.parameters.resumed);
    t.false(second.parameters.resumed, 'the ticket of another server process was refused');
    t.truthy(second.parameters.peerCertificate, 'a full handshake: the server certificate again');
  } finally {
    data.remove();
    db.remove();
  }
});

// ------------------------------------------------------ NSS client → our server

/**
 * A UDP relay that sends each new client (a new source port: tstclnt opens
 * a socket per connection) to the next server of `targets`, in turn.
 */
async function switchboard(targets: readonly number[]): Promise<{ readonly port: number; close(): void }> {
  const front = createSocket('udp4');
  const upstreams = new Map<string, Socket>();
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let up = upstreams.get(key);
    if (up === undefined) {
      const target = targets[upstreams.size];
      if (target === undefined) return;
      const socket = createSocket('udp4');
      socket.on('message', (back) => front.send(back, rinfo.port, rinfo.address));
      socket.on('error', () => {}); // ECONNREFUSED once that server has stopped: what tstclnt sends then is lost
      socket.connect(target, '127.0.0.1');
      up = socket;
      upstreams.set(key, up);
      socket.once('connect', () => socket.send(msg));
      return;
    }
    up.send(msg);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: front.address().port,
    close: () => {
      front.close();
      for (const s of upstreams.values()) s.close();
    },
  };
}

/**
 * One of our servers: echoes a connection's first record, then closes it
 * (tstclnt then starts its next connection); with `once`, the server also
 * stops after that connection, as a server restarting between two.
 */
async function echoServer(ticketKeys: Uint8Array, once = false) {
  const handshakes: SessionParameters[] = [];
  const exporters: string[] = [];
  let closing: Promise<void> | undefined;
  const server = listen(
    (session) => {
      void (async () => {
        try {
          const first = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
          await session.opened;
          handshakes.push(session.parameters!);
          exporters.push(session.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL).toString('hex'));
          session.send(await first);
          await session.close();
          if (once) await close();
        } catch {
          // the assertions count the handshakes
        }
      })();
    },
    { cert: [...id.chain], key: id.privateKey, host: '127.0.0.1', ticketKeys },
  );
  const close = (): Promise<void> => (closing ??= server.close());
  const { port } = await server.listening;
  return { port, handshakes, exporters, close };
}

/**
 * tstclnt -P client -u -L `connections` through `port`, each connection sending "hello" (-A) and reading its echo;
 * `more`: more of its options (-Z: 0-RTT).
 */
async function nssClient(port: number, connections: number, more: readonly string[] = []) {
  const db = await makeNssDb(id);
  const data = textFile('hello\n');
  try {
    return await runTstclnt(db, [
      '-P',
      'client',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-a',
      'localhost',
      '-u',
      '-L',
      String(connections),
      '-A',
      data.path,
      ...more,
    ]).done;
  } finally {
    data.remove();
    db.remove();
  }
}

const keysA = new Uint8Array(32).fill(0x42);
const keysB = new Uint8Array(32).fill(0x43);

test('NSS client → dtls13 server: its second and third connections resume with our tickets (one server)', async (t) => {
  const s = await echoServer(keysA);
  try {
    const r = await nssClient(s.port, 3);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(
      s.handshakes.map((p) => [p.resumed, p.pskMode]),
      [
        [false, undefined],
        [true, 'psk_dhe_ke'],
        [true, 'psk_dhe_ke'],
      ],
    );
    t.regex(r.stderr, /2 stateless resumes/, 'NSS counts two resumptions with our tickets');
    t.deepEqual(keyingMaterials(r.stdout), s.exporters, 'each connection exports the same on both ends');
  } finally {
    await s.close();
  }
});

test('NSS client → dtls13 server: our ticket resumes at a restarted server with the same ticketKeys, not at one with other keys', async (t) => {
  const a = await echoServer(keysA, true);
  const restarted = await echoServer(keysA, true);
  const other = await echoServer(keysB, true);
  const relay = await switchboard([a.port, restarted.port, other.port]);
  try {
    const r = await nssClient(relay.port, 3);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(
      [a, restarted, other].map((s) => s.handshakes.map((p) => p.resumed)),
      [[false], [true], [false]],
      'first: a full handshake; the restarted server (same keys) takes the ticket; the one with other keys does not',
    );
    t.regex(r.stderr, /1 stateless resumes/);
    t.deepEqual(keyingMaterials(r.stdout), [...a.exporters, ...restarted.exporters, ...other.exporters]);
  } finally {
    relay.close();
    await Promise.all([a, restarted, other].map((s) => s.close()));
  }
});

/**
 * NSS's client ends accepted 0-RTT with an EndOfEarlyData in DTLS 1.3 too (RFC 9147 §5.6 removed it) and hashes it
 * into its transcript; our server takes it as NSS's own server does (runtime/dtls13/handler-table.ts, the server
 * chart's waitClientFinished), so NSS's Finished verifies and the session goes on.
 */
test('NSS client → dtls13 server: 0-RTT with our tickets is taken, and each session goes on after it', async (t) => {
  const early: string[] = [];
  const handshakes: SessionParameters[] = [];
  const exporters: string[] = [];
  const server = listen(
    (session) => {
      void (async () => {
        try {
          const first = new Promise<Buffer>(
            (resolve) =>
              (session.onmessage = (data, isEarly) => {
                if (isEarly) early.push(data.toString());
                resolve(data);
              }),
          );
          await session.opened;
          handshakes.push(session.parameters!);
          exporters.push(session.exportKeyingMaterial(EXPORTER_LENGTH, EXPORTER_LABEL).toString('hex'));
          session.send(await first); // after the handshake: tstclnt prints it
          await session.close();
        } catch {
          // the assertions count the handshakes
        }
      })();
    },
    { cert: [...id.chain], key: id.privateKey, host: '127.0.0.1', ticketKeys: keysA, maxEarlyData: 4096 },
  );
  try {
    const { port } = await server.listening;
    const r = await nssClient(port, 3, ['-Z']);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(
      handshakes.map((p) => [p.resumed, p.earlyData]),
      [
        [false, 'not sent'],
        [true, 'accepted'],
        [true, 'accepted'],
      ],
      'the second and third connections resume with 0-RTT (the third with a ticket of a session that had some)',
    );
    t.deepEqual(early, ['hello\n', 'hello\n'], 'their early data, once each');
    t.is(r.stdout.split('hello\n').length - 1, 3, 'each connection echoed after its handshake');
    t.deepEqual(keyingMaterials(r.stdout), exporters, 'each connection exports the same on both ends');
  } finally {
    await server.close();
  }
});
