import { DtlsConnection } from '../runtime/connection/connection.js';
import { HelloRetryResponder } from '../runtime/dtls13/hello-retry-responder.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { bytesFrom, forgedCiphertext } from '../tests/support/attacker.js';
import { handshake } from '../tests/support/handshake.js';
import { makeIdentity, TEST_TIME } from '../tests/support/pki-fixtures.js';
import { clockOf, DEFAULT_CLOCK } from '../hwmodel/calibrate/clock.js';
import { benchAttacks12 } from './attacks12.js';
import { consume } from './harness.js';

/**
 * `npm run bench -- attacks`: the server CPU an off-path sender buys with
 * one datagram, on the event loop's thread, against a baseline measured in
 * alternating rounds of the same run.
 *
 * - A spoofed first ClientHello naming one of 100 hosts of an `sni`
 *   function that builds fresh credentials per call (more distinct
 *   credentials than the 64 the checked-entry cache keeps), against the same
 *   ClientHellos at a server with one `certificate`.
 * - A 65,507-byte datagram of 3,119 minimal forged records (21 bytes: a
 *   unified header with a 16-bit sequence number and a length, and the 16
 *   bytes the record number mask needs) at an established session, fed
 *   back to back on the real clock as a flood would come, against one
 *   datagram of one genuine 1 KiB record.
 */
export function benchAttacks(log: (line: string) => void): void {
  spoofedClientHellos(log);
  forgedRecordFlood(log);
  benchAttacks12(log);
}

const NAMES = 100;

function spoofedClientHellos(log: (line: string) => void): void {
  const wallClock = (): number => TEST_TIME;
  const ids = Array.from({ length: NAMES }, (_, i) =>
    createThrowawayIdentity({ serverName: `n${i}.test`, caName: `CA ${i}`, at: TEST_TIME }),
  );
  const sni = (name: string): { chain: Uint8Array[]; privateKey: Uint8Array } | undefined => {
    const id = ids[Number(/^n(\d+)\.test$/.exec(name)?.[1] ?? -1)];
    return id && { chain: id.chain.map((c) => c.slice()), privateKey: id.privateKey.slice() };
  };
  const withSni = new HelloRetryResponder({ sni, wallClock });
  const withCertificate = new HelloRetryResponder({ certificate: ids[0]!, wallClock });
  const hellos = ids.map((_, i) => {
    const client = DtlsConnection.client({ serverName: `n${i}.test`, checkServerIdentity: false, wallClock });
    client.connect(0);
    return client.pollTransmit()!;
  });
  let n = 0;
  const [sniUs, certUs] = alternate(
    () => consume(withSni.handle(hellos[n++ % NAMES]!, `192.0.2.${n % 250}:4433`, n)),
    () => consume(withCertificate.handle(hellos[n++ % NAMES]!, `192.0.2.${n % 250}:4433`, n)),
    NAMES,
  );
  log(
    `spoofed ClientHello, sni function over ${NAMES} credentials: ${sniUs.toFixed(1)} µs CPU each; one certificate: ${certUs.toFixed(1)} µs (${(sniUs / certUs).toFixed(2)}×)`,
  );
}

function forgedRecordFlood(log: (line: string) => void): void {
  const id = makeIdentity('p256', 'server.test');
  const { link } = handshake(id);
  const server = link.server;
  const records: Uint8Array[] = [];
  let length = 0;
  for (let seq = 0; length + 21 <= 65_507; seq++) {
    const r = forgedCiphertext(3, seq, bytesFrom(seq + 1, 16));
    records.push(r);
    length += r.length;
  }
  const flood = new Uint8Array(length);
  records.reduce((at, r) => (flood.set(r, at), at + r.length), 0);
  // The baseline's records go to a session of their own (the flooded one drops everything for the rest of each second).
  const other = handshake(id).link;
  const genuine: Uint8Array[] = [];
  while (genuine.length < 1000) {
    other.client.send(new Uint8Array(1024));
    for (let d = other.client.pollTransmit(); d !== undefined; d = other.client.pollTransmit()) genuine.push(d);
  }
  const start = performance.now();
  const clock = (): number => link.now + (performance.now() - start);
  let g = 0;
  const [floodUs, genuineUs] = alternate(
    () => consume(server.receive(flood, clock())),
    () => consume(other.server.receive(genuine[g++]!, other.now)),
    50,
  );
  const dropped = Object.entries(server.stats.drops)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  log(
    `forged-record flood, ${records.length} records in a ${length}-byte datagram: ${floodUs.toFixed(1)} µs CPU each; one genuine 1 KiB record: ${genuineUs.toFixed(1)} µs (${(floodUs / genuineUs).toFixed(1)}×); drops: ${dropped}`,
  );
  if (server.state !== 'connected')
    log(`the session ended under the flood: ${server.failure?.message ?? server.state}`);
}

/** Microseconds of CPU (the event loop thread's where the addon reads it) per call of `a` and of `b`: medians of 9 alternating rounds of `calls` calls. */
function alternate(a: () => void, b: () => void, calls: number): [number, number] {
  // A warm-up round and 9 timed ones: 10 × `calls` calls of each.
  const clock = clockOf(DEFAULT_CLOCK);
  const cpu = (fn: () => void): number => {
    const t0 = clock();
    for (let i = 0; i < calls; i++) fn();
    return ((clock() - t0) * 1000) / calls;
  };
  cpu(a);
  cpu(b);
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < 9; r++) {
    as.push(cpu(a));
    bs.push(cpu(b));
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[4]!;
  return [median(as), median(bs)];
}
