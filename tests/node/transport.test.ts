/**
 * The transport's demux (runtime/node/transport.ts): a datagram goes to the session of the connection ID its first
 * record carries, whatever address it came from, else to the session of its address and port. Two real clients with
 * CIDs handshake with a real listener over UDP; then records they sealed (genuine, forged, with a CID changed, cut
 * short, or from another address) are handed to the listener's transport as the socket would hand them, and each
 * session's datagram count says where they went.
 */
import test, { type ExecutionContext } from 'ava';
import { listen, type DtlsSession } from '../../runtime/index.js';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { Transport } from '../../runtime/node/transport.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { RawClient, until } from './support.js';

const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'transport test CA' });
const CID_LENGTH = 4;

interface Side {
  readonly client: RawClient;
  readonly session: DtlsSession;
  readonly port: number;
  readonly messages: string[];
}

type Version = 'DTLSv1.3' | 'DTLSv1.2';

/** A listener with CIDs and two clients of `version` connected to it: `a` and `b`, each with its server session. */
async function twoClients(t: ExecutionContext, version: Version): Promise<{ transport: Transport; a: Side; b: Side }> {
  const sessions: DtlsSession[] = [];
  const listener = listen((s) => void sessions.push(s), {
    cert: id.chain.map((c) => certificateToPem(c)).join(''),
    key: privateKeyToPem(id.privateKey),
    host: '127.0.0.1',
    port: 0,
    cid: CID_LENGTH,
  });
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const options = { trustAnchors: [id.caDer], serverName: 'localhost', cid: CID_LENGTH, maxVersion: version };
  const clients = [await RawClient.connect(options, port), await RawClient.connect(options, port)];
  for (const c of clients) t.teardown(() => c.close());
  await until(() => sessions.length === 2);
  await Promise.all(sessions.map((s) => s.opened));
  const transport = listener.admission.transport;
  const [a, b] = clients.map((client): Side => {
    const clientPort = client.socket.address().port;
    const session = sessions.find((s) => s.remoteAddress?.port === clientPort);
    if (session === undefined) throw new Error(`no server session for client port ${clientPort}`);
    const messages: string[] = [];
    session.onmessage = (data) => void messages.push(data.toString());
    return { client, session, port: clientPort, messages };
  });
  return { transport, a: a!, b: b! };
}

/** One datagram sealed by `connection` carrying `text` (not sent). */
function sealed(connection: DtlsConnection, text: string): Uint8Array {
  connection.send(new TextEncoder().encode(text), performance.now());
  const d = connection.pollTransmit();
  if (d === undefined) throw new Error('the client sealed nothing');
  for (let more = connection.pollTransmit(); more !== undefined; more = connection.pollTransmit());
  return d;
}

const received = (s: Side): number => s.session.stats.datagramsReceived;

/**
 * Where a sealed record's CID starts: after a 1.3 unified header's first byte (001CSLEE with the C bit, RFC 9147 §4),
 * or in a 1.2 tls12_cid record (content type 25) after type, version, epoch and sequence number (RFC 9146 §4).
 */
function cidAt(t: ExecutionContext, d: Uint8Array): number {
  if ((d[0]! & 0xf0) === 0x30) return 1;
  t.is(d[0], 25, 'a unified header with a CID or a tls12_cid record');
  return 11;
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: a record carrying a session’s CID reaches that session from another session’s address, and only it`, async (t) => {
    const { transport, a, b } = await twoClients(t, version);
    const d = sealed(a.client.connection, 'by cid');
    cidAt(t, d);
    t.true(transport.holdsConnectionId(d));
    const before = received(b);
    const at = transport.receive(d, '127.0.0.1', b.port);
    t.not(at, undefined, 'it authenticated at the session its CID names');
    await until(() => a.messages.length === 1);
    t.deepEqual(a.messages, ['by cid']);
    t.is(received(b), before, 'the session of the address it came from never saw it');
    t.deepEqual(b.messages, []);
  });

  test(`${version}: a forged record with a session’s CID goes to that session alone, authenticates nowhere and moves nothing`, async (t) => {
    const { transport, a, b } = await twoClients(t, version);
    const forged = sealed(a.client.connection, 'forged');
    forged[forged.length - 1]! ^= 0x01; // the AEAD tag's last byte
    const [ra, rb] = [received(a), received(b)];
    t.is(transport.receive(forged, '127.0.0.1', b.port), undefined, 'no record of it authenticated');
    t.is(received(a), ra + 1, 'handed to the session its CID names, which dropped it');
    t.is(received(b), rb);
    t.is(a.session.remoteAddress?.port, a.port, 'the session stays on its path');
    t.deepEqual(a.messages, []);
  });

  test(`${version}: a CID that is no session’s is counted and goes nowhere, not even to the session of its address`, async (t) => {
    const { transport, a, b } = await twoClients(t, version);
    const d = sealed(a.client.connection, 'unknown cid');
    const at = cidAt(t, d);
    for (let i = at; i < at + CID_LENGTH; i++) d[i]! ^= 0xff;
    t.false(transport.holdsConnectionId(d));
    const [ra, rb, unknown] = [received(a), received(b), transport.unknownConnectionId];
    t.is(transport.receive(d, '127.0.0.1', a.port), undefined);
    t.is(transport.unknownConnectionId, unknown + 1);
    t.is(received(a), ra, 'not placed by the address it came from');
    t.is(received(b), rb);
  });

  test(`${version}: a datagram cut inside its CID is counted and goes nowhere; every truncation is harmless`, async (t) => {
    const { transport, a, b } = await twoClients(t, version);
    const d = sealed(a.client.connection, 'cut');
    const [ra, rb, unknown] = [received(a), received(b), transport.unknownConnectionId];
    const cut = d.subarray(0, cidAt(t, d) + CID_LENGTH - 1); // all but the CID's last byte
    t.false(transport.holdsConnectionId(cut));
    t.is(transport.receive(cut, '127.0.0.1', a.port), undefined);
    t.is(transport.unknownConnectionId, unknown + 1);
    t.is(received(a), ra, 'not placed by the address it came from');
    for (let n = 0; n < d.length; n++) t.notThrows(() => transport.receive(d.slice(0, n), '127.0.0.1', a.port));
    t.is(received(b), rb, 'the other session never saw any of them');
    t.deepEqual(a.messages, []);
  });

  test(`${version}: a datagram without a CID goes to the session of its address and port; spoofed from another port, to none`, async (t) => {
    const { transport, a, b } = await twoClients(t, version);
    // A DTLSPlaintext alert of epoch 0 (no CID): what a session of the address may get and drops, never a new session.
    const alert = Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 2, 40);
    t.false(transport.holdsConnectionId(alert));
    const [ra, rb] = [received(a), received(b)];
    transport.receive(alert, '127.0.0.1', a.port);
    t.is(received(a), ra + 1, 'the session of its address and port got it');
    t.is(received(b), rb);
    const spoofedPort = a.port === 65535 ? 65534 : a.port + 1 === b.port ? a.port + 2 : a.port + 1;
    transport.receive(alert, '127.0.0.1', spoofedPort);
    transport.receive(alert, '127.0.0.2', a.port);
    t.is(received(a), ra + 1, 'another port or address of the same host is not its path');
    t.is(received(b), rb);
    t.false(a.session.destroyed);
    t.false(b.session.destroyed);
  });
}
