/**
 * The child of refused-send.test.ts, run inside a network namespace of its own (the path MTU it learns stays there): a
 * `listen` server and a `connect` client over 127.0.0.1 in this process. Once open, an ICMP fragmentation-needed about
 * the client's datagrams reaches its connected socket (frag-needed.py, a router's message forged with a raw socket),
 * which the kernel keeps as the socket's pending error; the client's next send in the same turn meets it (the event
 * loop has not read it yet) and that datagram is refused. Prints one JSON line: what each send's callback heard, the
 * message sizes the server received, and maxMessageSize before and after.
 *
 *     node --import=tsx refused-send.ts DTLSv1.3|DTLSv1.2
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, createThrowawayIdentity, listen } from '../../runtime/index.js';

const version = process.argv[2] === 'DTLSv1.2' ? 'DTLSv1.2' : 'DTLSv1.3';
const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'refused-send CA' });
const received: number[] = [];
let clientPort: Promise<number> | undefined;
const listener = listen(
  (s) => {
    clientPort ??= s.opened.then(() => s.remotePort!);
    s.onmessage = (m) => {
      received.push(m.length);
      s.send(m);
    };
  },
  { host: '127.0.0.1', port: 0, cert: [...id.chain], key: id.privateKey, maxVersion: version },
);
const { port } = await listener.listening;
const client = connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost', maxVersion: version });
await client.opened;
const from = await clientPort!;
const maxBefore = client.maxMessageSize;

const heard = (e: Error | null): string => (e === null ? 'null' : ((e as NodeJS.ErrnoException).code ?? e.message));
const frag = fileURLToPath(new URL('./frag-needed.py', import.meta.url));
const icmp = spawnSync('python3', [frag, '127.0.0.1', String(from), '127.0.0.1', String(port), '576'], {
  encoding: 'utf8',
});
if (icmp.status !== 0) throw new Error(`frag-needed.py: ${icmp.stderr}`);
// Still the same turn: the socket's pending error is unread, and this send's datagram meets it.
const first = await new Promise<string>((resolve) => client.send(Buffer.alloc(100, 1), (e) => resolve(heard(e))));
const echoed = new Promise<number>((resolve) => (client.onmessage = (m) => resolve(m.length)));
const second = await new Promise<string>((resolve) => client.send(Buffer.alloc(200, 2), (e) => resolve(heard(e))));
const echo = await echoed;
process.stdout.write(
  `${JSON.stringify({ version: client.protocol, first, second, echo, received, maxBefore, maxAfter: client.maxMessageSize })}\n`,
);
await client.close();
await listener.close();
