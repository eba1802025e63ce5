import test from 'ava';
import { Dtls12Connection } from '../support/dtls12-connection.js';
import type { Dtls12Options } from '../../runtime/dtls12/config12.js';
import { SessionCache12, type Session12 } from '../../runtime/dtls12/session12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump } from '../dtls12/pair12.js';

/**
 * The inspector's copy of each 1.2 chart (XState's actor, fed every event
 * the generated machine takes: runtime/dtls12/inspected12.ts) against the
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

function watched(c: Dtls12Connection, side: 'client' | 'server'): Watch {
  const w: Watch = { seen: [], disagreements: [] };
  c.inspect((e) => {
    const ev = e as { type?: string; snapshot?: { value?: unknown }; actorRef?: { logic?: { id?: string } } };
    if (
      ev.type !== '@xstate.snapshot' ||
      ev.actorRef?.logic?.id !== `dtls12-${side}` ||
      ev.snapshot?.value === undefined
    )
      return;
    const value = String(ev.snapshot.value);
    w.seen.push(value);
    if (c.state !== value) w.disagreements.push(`XState ${value}, machine ${c.state}`);
  });
  return w;
}

const certificateClient: Dtls12Options = { trustAnchors: [serverId.caDer], serverName: 'server.test' };
const certificateServer: Dtls12Options = { certificate: { chain: serverId.chain, privateKey: serverId.privateKey } };

const SCENARIOS: Record<
  string,
  { client: Dtls12Options; server: Dtls12Options; resume?: true; ends: string; through: string }
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
      const client = Dtls12Connection.client({
        ...s.client,
        ...(round === 2 && session !== undefined ? { session12: session } : {}),
      });
      const server = Dtls12Connection.server({ ...s.server, sessionCache12: cache });
      const c = watched(client, 'client');
      const v = watched(server, 'server');
      const p = pair12(client, server);
      client.connect(0);
      pump(p);
      session = client.lastSession;
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
