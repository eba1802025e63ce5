import test from 'ava';
import type { ConnectionOptions, DtlsConnection } from '../../runtime/connection/connection.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

/**
 * The inspector's copy of each handshake chart (XState's actor, fed every
 * event the generated machine takes: runtime/machine/inspected-chart.ts)
 * against the machine itself: at every snapshot XState reports, its state
 * is the connection's state, and XState took the same transitions the
 * machine's guards chose (HelloRetryRequest, PSK, client authentication,
 * and failures on both sides).
 */

const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('ed25519', 'client.test');
const PSK = new Uint8Array(32).fill(7);

interface Watch {
  readonly seen: string[];
  readonly disagreements: string[];
  connection: DtlsConnection | undefined;
}

function watch(side: 'client' | 'server'): { readonly options: Pick<ConnectionOptions, 'inspect'>; readonly w: Watch } {
  const w: Watch = { seen: [], disagreements: [], connection: undefined };
  const options = {
    inspect: (e: unknown): void => {
      const ev = e as { type?: string; snapshot?: { value?: unknown }; actorRef?: { logic?: { id?: string } } };
      if (
        ev.type !== '@xstate.snapshot' ||
        ev.actorRef?.logic?.id !== `dtls13-${side}` ||
        ev.snapshot?.value === undefined
      )
        return;
      const value = String(ev.snapshot.value);
      w.seen.push(value);
      const state = w.connection?.state;
      if (state !== undefined && state !== value) w.disagreements.push(`XState ${value}, machine ${state}`);
    },
  };
  return { options, w };
}

const SCENARIOS: Record<
  string,
  { client?: ConnectionOptions; server?: Partial<ConnectionOptions>; clientId?: typeof clientId; ends: string }
> = {
  plain: { ends: 'connected' },
  hrr: { client: { groups: ['x25519', 'secp256r1'] }, server: { groups: ['secp256r1'] }, ends: 'connected' },
  clientAuth: { server: { clientAuthentication: 'required' }, clientId, ends: 'connected' },
  psk: { client: { psk: { identity: 'device-1', key: PSK } }, server: { psk: { 'device-1': PSK } }, ends: 'connected' },
  pskHrr: {
    client: { psk: { identity: 'device-1', key: PSK }, groups: ['x25519', 'secp256r1'] },
    server: { psk: { 'device-1': PSK }, groups: ['secp256r1'] },
    ends: 'connected',
  },
  'client certificate required, none sent': { server: { clientAuthentication: 'required' }, ends: 'failed' },
  // DTLS 1.3 only: a client offering 1.2 too lists the curves of the ECDSA certificates it accepts (RFC 8422 §5.1), secp384r1 among them.
  'no common group': {
    client: { groups: ['x25519'], minVersion: 'DTLSv1.3' },
    server: { groups: ['secp384r1'] },
    ends: 'failed',
  },
};

for (const [name, s] of Object.entries(SCENARIOS)) {
  test(`${name}: the inspector's XState copy is in the machine's state at every snapshot`, (t) => {
    const c = watch('client');
    const v = watch('server');
    const p = makePair(serverId, {
      client: { ...s.client, ...c.options },
      server: { ...s.server, ...v.options },
      ...(s.clientId ? { clientId: s.clientId } : {}),
    });
    c.w.connection = p.client;
    v.w.connection = p.server;
    const link = new Link(p.client, p.server);
    p.client.connect(0);
    link.run();
    t.true(p.client.state === s.ends || p.server.state === s.ends, `${p.client.state} / ${p.server.state}`);
    for (const [side, w, conn] of [
      ['client', c.w, p.client],
      ['server', v.w, p.server],
    ] as const) {
      t.deepEqual(w.disagreements, [], side);
      t.true(w.seen.length > 1, `${side}: XState reported its snapshots`);
      t.is(w.seen.at(-1), conn.state, `${side}: XState ends where the machine does`);
    }
  });
}
