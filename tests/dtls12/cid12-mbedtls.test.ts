import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles } from './openssl12.js';
import { MbedPeer } from './mbedtls.js';
import { Udp12 } from './udp12.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

/**
 * RFC 9146 connection IDs in DTLS 1.2 against an independent peer over real
 * UDP, both directions. The peer is Mbed TLS 3.6 (`ssl_server2` /
 * `ssl_client2 dtls=1 force_version=dtls12 cid=1 cid_val=HEX`, built from
 * Debian's source by build-mbedtls.sh): wolfSSL 5.7.2 does CIDs in DTLS
 * 1.3 only (its wolfSSL_dtls_cid_use refuses below 1.3, and its example
 * programs stop with "Can't enable DTLS ConnectionID" under -v 3). A relay
 * between the two ends reads every datagram at the receiver's CID length
 * and records, per direction, the CID of each protected record
 * (tls12_cid, content type 25) or 'plain' for one without.
 */

const now = Date.now();
const id = makeIdentity('p256', 'server.test', { at: now });
const files = identityFiles(id);
const certificate = { chain: id.chain, privateKey: id.privateKey };
const fixed = (byte: number) => (length: number) => new Uint8Array(length).fill(byte);
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

/** A UDP relay in front of `target`: what crossed, per direction, read at the receiver's CID length. */
interface Relay {
  readonly port: number;
  readonly seen: { toTarget: string[]; fromTarget: string[] };
  close(): void;
}

async function relay(target: number, cidLength: { target: number; other: number }): Promise<Relay> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const seen = { toTarget: [] as string[], fromTarget: [] as string[] };
  let other: { port: number } | undefined;
  const note = (into: string[], d: Uint8Array, length: number): void => {
    try {
      for (const w of decodeDatagram12(d, { cidLength: length })) {
        if (w.kind === 'cid') into.push(`cid:${hex(w.record.cid)}`);
        else if (w.record.epoch > 0) into.push('plain');
      }
    } catch {
      into.push('undecodable');
    }
  };
  socket.on('message', (msg, rinfo) => {
    const d = new Uint8Array(msg);
    if (rinfo.port === target) {
      note(seen.fromTarget, d, cidLength.other);
      if (other !== undefined) socket.send(d, other.port, '127.0.0.1');
    } else {
      other = { port: rinfo.port };
      note(seen.toTarget, d, cidLength.target);
      socket.send(d, target, '127.0.0.1');
    }
  });
  return { port: socket.address().port, seen, close: () => socket.close() };
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

async function toMbedServer(
  serverCid: string,
  clientCid: { length: number; byte: number },
): Promise<{ client: Udp12<DtlsConnection>; server: MbedPeer; path: Relay }> {
  const port = await freeUdpPort();
  const server = new MbedPeer('ssl_server2', [
    `server_port=${port}`,
    `crt_file=${files.cert}`,
    `key_file=${files.key}`,
    `ca_file=${files.ca}`,
    'auth_mode=none',
    'cid=1',
    `cid_val=${serverCid}`,
  ]);
  await server.waitFor('Waiting for a remote connection');
  const path = await relay(port, { target: serverCid.length / 2, other: clientCid.length });
  const conn = DtlsConnection.client({
    ...ONLY_12,
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    cid: { length: clientCid.length, generate: fixed(clientCid.byte) },
  });
  return { client: await Udp12.client(conn, path.port), server, path };
}

test.serial(
  'dtls13 client -> Mbed TLS ssl_server2: CIDs both ways, every protected record carries the receiver’s',
  async (t) => {
    const { client, server, path } = await toMbedServer('5e5e', { length: 4, byte: 0xc1 });
    try {
      await client.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      t.is(hex(client.conn.connectionIds?.peer), '5e5e');
      t.is(hex(client.conn.connectionIds?.local), 'c1c1c1c1');
      client.send(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      await client.waitFor(() => client.text().includes('HTTP/1.0 200 OK'), 10_000, 'reply');
      await server.waitFor('Peer CID (length 4 Bytes): c1 c1 c1 c1');
      t.true(path.seen.toTarget.length >= 2, 'Finished and data');
      t.deepEqual(unique(path.seen.toTarget), ['cid:5e5e'], 'every protected record we sent carried Mbed TLS’s CID');
      t.deepEqual(unique(path.seen.fromTarget), ['cid:c1c1c1c1'], 'every protected record Mbed TLS sent carried ours');
    } finally {
      await client.close();
      server.stop();
      path.close();
    }
  },
);

test.serial(
  'dtls13 client -> Mbed TLS ssl_server2, mixed: we ask for a zero-length CID (cid: 0) and send the server’s',
  async (t) => {
    const { client, server, path } = await toMbedServer('5e5e5e', { length: 0, byte: 0 });
    try {
      await client.waitFor((e) => e.type === 'handshakeComplete', 15_000, 'handshake');
      t.is(client.conn.connectionIds?.local, undefined);
      t.is(hex(client.conn.connectionIds?.peer), '5e5e5e');
      client.send(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
      await client.waitFor(() => client.text().includes('HTTP/1.0 200 OK'), 10_000, 'reply');
      t.deepEqual(unique(path.seen.toTarget), ['cid:5e5e5e']);
      t.deepEqual(
        unique(path.seen.fromTarget),
        ['plain'],
        'Mbed TLS sends plain records to an end that asked for none',
      );
    } finally {
      await client.close();
      server.stop();
      path.close();
    }
  },
);

async function fromMbedClient(
  serverCid: number | undefined,
  clientCid: string,
): Promise<{ server: Udp12<DtlsConnection>; client: MbedPeer; path: Relay }> {
  const server = await Udp12.server(
    DtlsConnection.server({
      ...ONLY_12,
      certificate,
      ...(serverCid !== undefined ? { cid: { length: serverCid, generate: fixed(0x5e) } } : {}),
    }),
  );
  const path = await relay(server.port, { target: serverCid ?? 0, other: clientCid.length / 2 });
  const client = new MbedPeer('ssl_client2', [
    `server_port=${path.port}`,
    `ca_file=${files.ca}`,
    'server_name=server.test',
    'cid=1',
    `cid_val=${clientCid}`,
  ]);
  void server
    .waitFor((e) => e.type === 'data', 15_000, 'request')
    .then(
      () => server.send(new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\nhello from dtls13\r\n')),
      () => undefined,
    );
  return { server, client, path };
}

test.serial(
  'Mbed TLS ssl_client2 -> dtls13 server: CIDs both ways, every protected record carries the receiver’s',
  async (t) => {
    const { server, client, path } = await fromMbedClient(3, 'c1c1');
    try {
      const code = await client.exited;
      t.is(code, 0, client.out);
      t.regex(client.out, /Peer CID \(length 3 Bytes\): 5e 5e 5e/);
      t.regex(client.out, /hello from dtls13/);
      t.is(hex(server.conn.connectionIds?.peer), 'c1c1');
      t.is(hex(server.conn.connectionIds?.local), '5e5e5e');
      t.true(server.text().includes('GET /'));
      t.deepEqual(unique(path.seen.toTarget), ['cid:5e5e5e'], 'every protected record Mbed TLS sent carried our CID');
      t.deepEqual(unique(path.seen.fromTarget), ['cid:c1c1'], 'every protected record we sent carried Mbed TLS’s');
    } finally {
      client.stop();
      await server.close();
      path.close();
    }
  },
);

test.serial(
  'Mbed TLS ssl_client2 -> dtls13 server without the cid option: no CIDs, plain records both ways',
  async (t) => {
    const { server, client, path } = await fromMbedClient(undefined, 'c1c1');
    try {
      t.is(await client.exited, 0, client.out);
      t.regex(client.out, /hello from dtls13/);
      t.is(server.conn.connectionIds, undefined);
      t.deepEqual(unique([...path.seen.toTarget, ...path.seen.fromTarget]), ['plain']);
    } finally {
      client.stop();
      await server.close();
      path.close();
    }
  },
);
