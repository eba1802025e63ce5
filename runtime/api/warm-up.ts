/**
 * `warmUp()`: one DTLS 1.3 handshake in memory (two joined {@link DatagramTransport}s, a throwaway identity), so V8's
 * first-run cost (a first handshake took about 2.5× the second, docs/benchmarks.md) is paid when the caller chooses.
 */
import { createThrowawayIdentity } from '../pki/throwaway-identity.js';
import { connect } from './connect.js';
import { listen } from './listener.js';
import { DatagramTransport } from './transport.js';

/** The thread's one run: every call shares it (a second call while it runs waits for it). */
let run: Promise<void> | undefined;

/** Documentation addresses (RFC 5737): the transports' own, never on a wire. */
const SERVER = { address: '192.0.2.1', port: 4433 };
const CLIENT = { address: '192.0.2.2', port: 50000 };
const NAME = 'warm-up.invalid';

/**
 * Runs one DTLS 1.3 handshake and a message each way in memory, once per thread (15–20 ms of CPU). The first call
 * resolves with true when done, every other with false once done too; all reject if it fails (a bug of ours).
 */
export async function warmUp(): Promise<boolean> {
  if (run !== undefined) {
    await run;
    return false;
  }
  run = inMemoryHandshake();
  await run;
  return true;
}

async function inMemoryHandshake(): Promise<void> {
  const id = createThrowawayIdentity({ serverName: NAME, caName: 'dtls13 warm-up CA' });
  // Each side's datagrams (copied: the sender may reuse its buffer) reach the other a task later, as from a socket.
  const later = (to: () => DatagramTransport, from: { address: string; port: number }) => (d: Uint8Array) => {
    const copy = d.slice();
    setImmediate(() => to().receive(copy, from.address, from.port));
  };
  const server: DatagramTransport = new DatagramTransport(
    later(() => client, SERVER),
    SERVER,
  );
  const client: DatagramTransport = new DatagramTransport(
    later(() => server, CLIENT),
    CLIENT,
  );
  const listener = listen((s) => (s.onmessage = (m) => s.send(m)), {
    cert: [...id.chain],
    key: id.privateKey,
    transport: server,
  });
  try {
    const session = connect(SERVER.address, SERVER.port, {
      ca: id.caDer,
      servername: NAME,
      minVersion: 'DTLSv1.3',
      transport: client,
    });
    await session.opened;
    const echoed = new Promise<Buffer>((resolve) => (session.onmessage = resolve));
    session.send(Uint8Array.of(1));
    await echoed;
    await session.close();
  } finally {
    await listener.close();
  }
}
