import { loadavg } from 'node:os';
import { connect, listen, type DtlsSession } from '../runtime/index.js';
import { pemIdentity } from '../tests/api/fixtures.js';
import { decoyNat } from '../tests/support/decoy-nat.js';

/**
 * `npm run bench -- attacks` (RRC under decoys): how long a server takes to
 * follow a client's NAT rebinding (its session's address moved to the new
 * mapping, after the return routability check) while an attacker copies
 * every client datagram from one of 8 decoy addresses ahead of the genuine
 * one (tests/support/decoy-nat.ts), against the same rebinding without
 * decoys, in alternating rounds of one run. The client sends a message
 * every 50 ms; T (rrcTimeoutMs) is the default 1 s; a round gives up after
 * 5 s.
 */
const ROUNDS = 3;
const GIVE_UP_MS = 5000;
const EVERY_MS = 50;

export async function benchRrcDecoys(log: (line: string) => void): Promise<void> {
  for (const rrc of ['basic', 'enhanced'] as const) await mode(rrc, log);
}

async function mode(rrc: 'basic' | 'enhanced', log: (line: string) => void): Promise<void> {
  const id = pemIdentity('localhost');
  let server: DtlsSession | undefined;
  const listener = listen(
    (s) => {
      server = s;
      s.onmessage = (data) => s.send(`echo ${data.toString()}`);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', port: 0, cid: 4, rrc },
  );
  const { port } = await listener.listening;
  const nat = await decoyNat(port);
  const client = connect('127.0.0.1', nat.clientPort, { ca: [id.ca], servername: 'localhost', cid: 4 });
  client.onmessage = () => {};
  try {
    await client.opened;
    let sending = true;
    const talk = (async () => {
      for (let i = 0; sending; i++) {
        client.send(`m${i}`);
        await new Promise((r) => setTimeout(r, EVERY_MS));
      }
    })();
    const follow = async (decoys: boolean): Promise<number> => {
      const t0 = performance.now();
      const to = await nat.rebind(decoys);
      while (server?.remoteAddress?.port !== to && performance.now() - t0 < GIVE_UP_MS)
        await new Promise((r) => setTimeout(r, 5));
      return server?.remoteAddress?.port === to ? performance.now() - t0 : Infinity;
    };
    await follow(false); // warm-up
    const plain: number[] = [];
    const decoyed: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(await follow(false));
      decoyed.push(await follow(true));
    }
    sending = false;
    await talk;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ms = (x: number): string => (x === Infinity ? `not within ${GIVE_UP_MS} ms` : `${x.toFixed(0)} ms`);
    const followed = decoyed.filter((x) => x !== Infinity).length;
    log(
      `attacks (RRC ${rrc} under decoys): a NAT rebinding followed in ${followed} of ${ROUNDS} rounds with 8 decoys racing copies; ` +
        `median ${ms(median(decoyed))} (rounds ${decoyed.map(ms).join(', ')}) against ${ms(median(plain))} without decoys ` +
        `(${median(decoyed) === Infinity ? 'no ratio' : `${(median(decoyed) / median(plain)).toFixed(2)}×`}; T = 1 s)` +
        ` (load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')})`,
    );
  } finally {
    await client.close();
    nat.close();
    await listener.close();
  }
}
