import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import type { ChartInspectionEvent } from '../../runtime/chart-inspection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from '../dtls12/pair12.js';

/**
 * The inspector's copy of each 1.2 chart (XState's actor, fed every event
 * the generated machine takes: runtime/dtls12/inspected.ts) against the
 * machine itself: at every snapshot XState reports, its state is the
 * connection's, and XState took the transitions the machine's guards chose
 * (resumption, client authentication, PSK, a failure
 * on both sides, close_notify).
 */

const now = Date.now();
const serverId = makeIdentity('p256', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const KEY = new Uint8Array(32).fill(7);

interface Watch {
  readonly seen: string[];
  readonly disagreements: string[];
}

/**
 * A 1.2 connection of `side` on `options`, with an inspector (the `inspect` option) that holds XState's copy of its
 * chart against the connection's state at every snapshot. Snapshots that come while the connection is being built (the
 * copy's start) are held against the state it has once built.
 */
function watched(side: 'client' | 'server', options: DtlsOptions): { connection: DtlsConnection; watch: Watch } {
  const w: Watch = { seen: [], disagreements: [] };
  const built: { connection?: DtlsConnection } = {};
  const early: string[] = [];
  const agrees = (c: DtlsConnection, value: string): void => {
    if (c.state !== value) w.disagreements.push(`XState ${value}, machine ${c.state}`);
  };
  const inspect = (e: ChartInspectionEvent): void => {
    const ev = e as { type?: string; snapshot?: { value?: unknown }; actorRef?: { logic?: { id?: string } } };
    if (
      ev.type !== '@xstate.snapshot' ||
      ev.actorRef?.logic?.id !== `dtls12-${side}` ||
      ev.snapshot?.value === undefined
    )
      return;
    const value = String(ev.snapshot.value);
    w.seen.push(value);
    if (built.connection === undefined) early.push(value);
    else agrees(built.connection, value);
  };
  const made = { ...options, maxVersion: 'DTLSv1.2' as const, inspect };
  const connection = side === 'client' ? DtlsConnection.client(made) : DtlsConnection.server(made);
  built.connection = connection;
  for (const value of early) agrees(connection, value);
  return { connection, watch: w };
}

const certificateClient: DtlsOptions = { trustAnchors: [serverId.caDer], serverName: 'server.test' };
const certificateServer: DtlsOptions = { certificate: { chain: serverId.chain, privateKey: serverId.privateKey } };

const SCENARIOS: Record<
  string,
  { client: DtlsOptions; server: DtlsOptions; resume?: true; ends: string; through: string }
> = {
  'full, close_notify': {
    client: certificateClient,
    server: certificateServer,
    ends: 'closed',
    through: 'waitCertificate',
  },
  'client authentication': {
    client: { ...certificateClient, certificate: { chain: clientId.chain, privateKey: clientId.privateKey } },
    server: { ...certificateServer, clientAuthentication: 'required', trustAnchors: [clientId.caDer] },
    ends: 'closed',
    through: 'waitServerHelloDone',
  },
  'resumed from a ticket': {
    client: certificateClient,
    server: certificateServer,
    resume: true,
    ends: 'closed',
    through: 'waitResumedFinished',
  },
  ECDHE_PSK: {
    client: { psk: { identity: 'node-1', key: KEY }, cipherSuites12: ['tls_ecdhe_psk_with_aes_128_gcm_sha256'] },
    server: { psk: { 'node-1': KEY }, cipherSuites12: ['tls_ecdhe_psk_with_aes_128_gcm_sha256'] },
    ends: 'closed',
    through: 'waitPskServerHelloDone',
  },
  'a certificate the client does not trust': {
    client: { trustAnchors: [clientId.caDer], serverName: 'server.test' },
    server: certificateServer,
    ends: 'failed',
    through: 'waitCertificate',
  },
};

for (const [name, s] of Object.entries(SCENARIOS)) {
  test(`${name}: the inspector's XState copy of each 1.2 chart is in the machine's state at every snapshot`, (t) => {
    const cache = new SessionCache12();
    let session = undefined as Session12 | undefined;
    for (const round of s.resume === true ? [1, 2] : [2]) {
      const { connection: client, watch: c } = watched('client', {
        ...s.client,
        ...(round === 2 && session !== undefined ? { session: encodeSession12(session) } : {}),
      });
      const { connection: server, watch: v } = watched('server', { ...s.server, sessionCache12: cache });
      const p = pair12(client, server);
      client.connect(0);
      pump(p);
      session = state12Of(client).lastSession;
      if (round === 1) continue;
      if (client.state === 'connected') {
        client.close();
        pump(p);
      }
      t.deepEqual(c.disagreements, [], 'client');
      t.deepEqual(v.disagreements, [], 'server');
      t.is(c.seen.at(-1), s.ends, `the client's copy ends in ${s.ends}`);
      t.is(v.seen.at(-1), s.ends, `the server's copy ends in ${s.ends}`);
      t.true([...c.seen, ...v.seen].includes(s.through), `a copy went through ${s.through}`);
    }
  });
}
