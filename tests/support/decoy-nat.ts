/**
 * A client's NAT with an attacker beside it (tests/cid/decoys.test.ts,
 * bench/attacks-rrc-decoys.ts): the client talks to `clientPort`, the NAT
 * forwards to the server from its current mapping; `rebind()` gives it a
 * new mapping (the old one closed: what the server sends there is lost) and
 * from then on the attacker copies every client datagram to the server
 * from one of 8 decoy sockets, ahead of the genuine one (which the NAT
 * sends `genuineDelayMs` later). The decoys answer nothing.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

const GENUINE_DELAY_MS = 15;
const DECOYS = 8;

function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

/** The client's NAT (front ⇄ upstream mapping ⇄ server) and the attacker's decoys beside it; `decoys: false` rebinds without them. */
export async function decoyNat(
  serverPort: number,
  genuineDelayMs = GENUINE_DELAY_MS,
): Promise<{
  clientPort: number;
  rebind: (decoys?: boolean) => Promise<number>;
  decoyPorts: number[];
  copies: () => number;
  close: () => void;
}> {
  const front = await bound();
  let upstream = await bound();
  const decoys = await Promise.all(Array.from({ length: DECOYS }, bound));
  let client: RemoteInfo | undefined;
  let racing = false;
  let copies = 0;
  const timers = new Set<NodeJS.Timeout>();
  const toClient = (msg: Buffer): void => {
    if (client) front.send(msg, client.port, client.address);
  };
  upstream.on('message', toClient);
  front.on('message', (msg, from) => {
    client = from;
    const via = upstream;
    if (!racing) return void via.send(msg, serverPort, '127.0.0.1');
    decoys[copies++ % DECOYS]!.send(msg, serverPort, '127.0.0.1'); // the decoy's copy, first
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (via === upstream) via.send(msg, serverPort, '127.0.0.1'); // a mapping gone since is gone
    }, genuineDelayMs);
    timers.add(timer);
  });
  return {
    clientPort: front.address().port,
    decoyPorts: decoys.map((d) => d.address().port),
    copies: () => copies,
    // The NAT's new mapping: the old one is gone (what the server sends there is lost), and the decoys start racing.
    rebind: async (withDecoys = true) => {
      const old = upstream;
      upstream = await bound();
      upstream.on('message', toClient);
      old.close();
      racing = withDecoys;
      return upstream.address().port;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      for (const s of [front, upstream, ...decoys]) s.close();
    },
  };
}
