/**
 * The run road over real UDP sockets (runtime/node/transport.ts `handOnRun`, runtime/api/session-driver.ts
 * `deliverNext`, runtime/dtls13/connection.ts and runtime/dtls12/connection.ts `receiveNext`): a client's burst leaves
 * in GSO sends, the server reads it in GRO runs, and a server of either version and mode takes the datagrams after a
 * run's first by their place in the receive buffer, routed by address or by CID (1.3's unified headers, 1.2's
 * tls12_cid records). Every message arrives once, in order, unchanged, and the socket's and the connection's counts
 * are what the one road gives (one datagram and one record a message). In 'own' mode each message keeps an
 * ArrayBuffer of its own, transferred as it arrives.
 * Serial: the run road's count (OPENED_AHEAD) is the thread's.
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { Transport } from '../../runtime/node/transport.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { pemIdentity } from '../api/fixtures.js';
import { numbered, ownReading } from './support.js';

const id = pemIdentity('localhost');
/** Small enough that loopback's socket buffers hold the whole burst on a loaded machine. */
const N = 48;
const message = (i: number): Buffer => numbered(i, 200);

const reading = ownReading;

for (const maxVersion of ['DTLSv1.3', 'DTLSv1.2'] as const)
  for (const messageBuffers of ['batch', 'own'] as const)
    for (const cid of [0, 4]) {
      const road = OPEN_RUNS ? 'the run road' : 'the one road';
      const title =
        `${maxVersion}, '${messageBuffers}'${cid === 0 ? '' : ', CIDs'}: a burst in GRO runs, on ${road}, arrives ` +
        'once, in order, counted';
      (reading ? test.serial : test.skip)(
        reading ? title : `${title} (skipped: no own reading of the socket)`,
        async (t) => {
          const got: number[] = [];
          let wake: (() => void) | undefined;
          let served: DtlsSession | undefined;
          const server = listen(
            (s) => {
              served = s;
              s.onmessage = (data) => {
                const i = data.readUInt16BE(0);
                got.push(data.equals(message(i)) ? i : -1); // -1: arrived changed
                if (messageBuffers === 'own') {
                  // Its own: transferring it detaches no other message's (a later one would arrive changed or empty).
                  const buffer = data.buffer as ArrayBuffer;
                  buffers.add(buffer);
                  structuredClone(buffer, { transfer: [buffer] });
                }
                wake?.();
              };
            },
            { cert: id.cert, key: id.key, host: '127.0.0.1', maxVersion, messageBuffers, ...(cid ? { cid } : {}) },
          );
          const buffers = new Set<ArrayBuffer>();
          const { port } = await server.listening;
          const options = { ca: id.ca, servername: 'localhost', maxVersion, ...(cid ? { cid } : {}) };
          const client = connect('127.0.0.1', port, options);
          try {
            await client.opened;
            while (served === undefined) await new Promise((r) => setTimeout(r, 5));
            await served.opened;
            const io = DatagramIo.of(server.admission.socket!);
            // With CIDs the server's demux places the session by its CID (the run routed by CID).
            t.is(Transport.of(server.admission.socket!).connectionIds > 0, cid !== 0);
            const stats = served.connection!.stats;
            const [datagrams, records, gro, next] = [
              io.counts.datagramsIn,
              stats.recordsReceived,
              io.counts.groDatagrams,
              OPENED_AHEAD.next,
            ];
            const received = served.connection!.stats.datagramsReceived;
            for (let i = 0; i < N; i++) client.send(message(i));
            while (got.length < N) await new Promise<void>((r) => (wake = r));
            t.deepEqual(
              got,
              Array.from({ length: N }, (_, i) => i),
            );
            if (messageBuffers === 'own') t.is(buffers.size, N, 'each message its own ArrayBuffer');
            const after = served.connection!.stats;
            // The client may send an ACK besides (one datagram, one record): counted alike by the socket and the connection.
            const counted = io.counts.datagramsIn - datagrams;
            t.true(counted >= N && counted <= N + 2, `${counted} datagrams`);
            t.is(
              after.datagramsReceived - received,
              counted,
              'the connection counted each datagram once, as the socket',
            );
            t.is(after.recordsReceived - records, counted, 'and each record once');
            const coalesced = io.counts.groDatagrams - gro;
            const taken = OPENED_AHEAD.next - next;
            t.log(`${coalesced} of ${N} datagrams in GRO runs, ${taken} taken on the run road`);
            if (road === 'the one road') t.is(taken, 0);
            // A run's first datagram takes the one road (it opens the run); with GRO, most of the rest the run road.
            else if (coalesced > 0) t.true(taken > 0 && taken < coalesced, `${taken} of ${coalesced}`);
          } finally {
            client.destroy();
            await server.close();
          }
        },
      );
    }
