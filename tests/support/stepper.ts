import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { decodeDatagram, encodeDatagram } from '../../runtime/wire/datagram.js';
import type { Identity } from './pki-fixtures.js';
import { TEST_TIME } from './pki-fixtures.js';

/** The records of a datagram, each as its own datagram. */
export function splitRecords(datagram: Uint8Array): Uint8Array[] {
  return decodeDatagram(datagram).map((r) => encodeDatagram([r]));
}

export interface Pair {
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
}

/** Server options over the defaults; `certificate: undefined` makes a server without one (PSK only). */
export type ServerOverrides = { readonly [K in keyof ConnectionOptions]?: ConnectionOptions[K] | undefined };

export function makePair(
  serverId: Identity,
  options: { client?: ConnectionOptions; server?: ServerOverrides; clientId?: Identity } = {},
): Pair {
  const merged: Record<string, unknown> = {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    // The pair shares an in-memory link: the client's address is the server's peer by construction, and the steppers
    // here hold time still. The limit's own tests ask for it (tests/shared/amplification-limit.test.ts).
    amplificationLimit: false,
    ...(options.clientId ? { trustAnchors: [options.clientId.caDer] } : {}),
    ...options.server,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const server = DtlsConnection.server(merged as ConnectionOptions);
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...(options.clientId
      ? { certificate: { chain: options.clientId.chain, privateKey: options.clientId.privateKey } }
      : {}),
    ...options.client,
  });
  return { client, server };
}

/**
 * Drives a handshake one record at a time until `side` reaches `state`;
 * returns the pair then, or undefined if the handshake never passes through
 * that state. Time stands still (no retransmissions).
 */
export function reach(pair: Pair, side: 'client' | 'server', state: string): Pair | undefined {
  const victim = pair[side];
  if (victim.state === state) return pair;
  pair.client.connect(0);
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const from of ['client', 'server'] as const) {
      const to = from === 'client' ? pair.server : pair.client;
      for (let d = pair[from].pollTransmit(); d !== undefined; d = pair[from].pollTransmit()) {
        for (const record of splitRecords(d)) {
          to.receive(record, 0);
          moved = true;
          if (victim.state === state) return pair;
        }
      }
    }
    if (victim.state === state) return pair;
    if (!moved) return undefined;
  }
  return undefined;
}
