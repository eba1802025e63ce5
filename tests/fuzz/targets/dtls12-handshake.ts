/**
 * The DTLS 1.2 handshake machines (runtime/dtls12/connection.ts with
 * client.ts / server.ts) on arbitrary datagrams, in every state they
 * wait in: a real handshake between two dtls13 1.2 ends is run up to the
 * chosen state of the victim (client or server, plain or with client
 * authentication), then the input is delivered as datagrams (each a
 * 2-byte length then its bytes). Seeds are the datagrams the peer really
 * sent. Invariants: nothing escapes `receive`/`handleTimeout`; a victim
 * that failed did so with one fatal alert and says why; a connected victim
 * only leaves `connected` for `closed` or `failed`.
 */
import { DtlsConnection } from '../../../runtime/connection/connection.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { InvariantViolation, type FuzzTarget } from '../engine/target.js';

interface Scenario12 {
  readonly victim: 'client' | 'server';
  readonly clientAuth: boolean;
  /** Datagrams of the peer delivered before the input: the victim's state then. */
  readonly state: string;
}

const SCENARIOS: readonly Scenario12[] = [
  { victim: 'client', clientAuth: false, state: 'waitServerHello' },
  { victim: 'client', clientAuth: false, state: 'waitNewSessionTicketOrChangeCipherSpec' },
  { victim: 'client', clientAuth: false, state: 'connected' },
  { victim: 'client', clientAuth: true, state: 'waitNewSessionTicketOrChangeCipherSpec' },
  { victim: 'server', clientAuth: false, state: 'waitClientHello' },
  { victim: 'server', clientAuth: false, state: 'waitClientKeyExchange' },
  { victim: 'server', clientAuth: true, state: 'waitClientCertificate' },
  { victim: 'server', clientAuth: false, state: 'connected' },
];

let identities: { server: ReturnType<typeof makeIdentity>; client: ReturnType<typeof makeIdentity> } | undefined;
const ids = (): NonNullable<typeof identities> =>
  (identities ??= {
    server: makeIdentity('p256', 'server.test', { at: Date.now() }),
    client: makeIdentity('p256', 'client.test', { at: Date.now() }),
  });

function pair(clientAuth: boolean): { client: DtlsConnection; server: DtlsConnection } {
  const { server, client } = ids();
  return {
    client: DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [server.caDer],
      serverName: 'server.test',
      ...(clientAuth ? { certificate: { chain: client.chain, privateKey: client.privateKey } } : {}),
    }),
    server: DtlsConnection.server({
      maxVersion: 'DTLSv1.2',
      certificate: { chain: server.chain, privateKey: server.privateKey },
      cookieSecret: new Uint8Array(32).fill(7),
      ...(clientAuth ? { clientAuthentication: 'required' as const, trustAnchors: [client.caDer] } : {}),
    }),
  };
}

/** Runs the handshake until the victim is in `state` (or the handshake ends); returns the victim and what its peer sent. */
function reach(s: Scenario12): { victim: DtlsConnection; peerSent: Uint8Array[] } {
  const p = pair(s.clientAuth);
  const victim = s.victim === 'client' ? p.client : p.server;
  const peerSent: Uint8Array[] = [];
  p.client.connect(0);
  for (let round = 0; round < 20 && victim.state !== s.state; round++) {
    let d: Uint8Array | undefined;
    let moved = false;
    while ((d = p.client.pollTransmit()) !== undefined) {
      moved = true;
      if (s.victim === 'server') peerSent.push(d);
      p.server.receive(d, 0);
      if (victim.state === s.state) break;
    }
    if (victim.state === s.state) break;
    while ((d = p.server.pollTransmit()) !== undefined) {
      moved = true;
      if (s.victim === 'client') peerSent.push(d);
      p.client.receive(d, 0);
      if (victim.state === s.state) break;
    }
    if (!moved) break;
  }
  while (victim.pollTransmit() !== undefined);
  while (victim.pollEvent() !== undefined);
  return { victim, peerSent };
}

function datagrams(input: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 1; at + 2 <= input.length;) {
    const n = (input[at]! << 8) | input[at + 1]!;
    out.push(input.subarray(at + 2, Math.min(input.length, at + 2 + n)));
    at += 2 + n;
  }
  return out;
}

export const dtls12HandshakeTarget: FuzzTarget = {
  name: 'dtls12-handshake',
  maxLength: 4096,
  run(input) {
    const s = SCENARIOS[(input[0] ?? 0) % SCENARIOS.length]!;
    const { victim } = reach(s);
    const before = victim.state;
    let now = 0;
    for (const d of datagrams(input)) {
      victim.receive(d, now);
      now += 500;
      victim.handleTimeout(now);
      while (victim.pollTransmit() !== undefined);
      for (let e = victim.pollEvent(); e !== undefined; e = victim.pollEvent()) {
        if (e.type === 'closed' && e.reason === 'failed' && victim.failure === undefined)
          throw new InvariantViolation('failed without a reason');
      }
    }
    if (before === 'connected' && !['connected', 'closed', 'failed'].includes(victim.state)) {
      throw new InvariantViolation(`a connected victim went to ${victim.state}`);
    }
  },
  seeds() {
    const out: Uint8Array[] = [];
    SCENARIOS.forEach((s, i) => {
      const { peerSent } = reach({ ...s, state: 'never' });
      const frame: Uint8Array[] = [Uint8Array.of(i)];
      for (const d of peerSent.slice(0, 6)) frame.push(Uint8Array.of(d.length >> 8, d.length & 0xff), d);
      const total = frame.reduce((n, b) => n + b.length, 0);
      const seed = new Uint8Array(total);
      let at = 0;
      for (const b of frame) {
        seed.set(b, at);
        at += b.length;
      }
      out.push(seed);
    });
    return out;
  },
};
