import test from 'ava';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { machine12Of, state12Of } from '../support/inside12.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { pair12, pump, type Pair12 } from '../dtls12/pair12.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';
import { reachable } from '../support/xstate-oracle.js';

/**
 * The transitions the runtime's generated machines take in real handshakes
 * (real crypto, certificates made here, the two ends joined in memory) are
 * all transitions XState's own interpreter of the chart allows: from the
 * state the machine was in, on the event it took, XState reaches the state
 * the machine ended in for some answer of the chart's guards
 * (tests/support/xstate-oracle.ts). DTLS 1.3: HelloRetryRequest, PSK,
 * client authentication, failures, then connection IDs, KeyUpdate and
 * close_notify; seen through the connection's `inspect` (each event the
 * machine takes, after it took it). DTLS 1.2: full, resumed, client
 * authentication, PSK, data, close and a failure; seen through
 * `onTransition`.
 */

const now = Date.now();
const serverId = makeIdentity('p256', 'server.test', { at: now });
const clientId = makeIdentity('ed25519', 'client.test', { at: now });
const PSK = new Uint8Array(32).fill(7);

/** Transitions seen, as "from --event--> to", per chart. */
type Seen = Map<string, Set<string>>;

function add(seen: Seen, chart: string, transition: string): void {
  let set = seen.get(chart);
  if (!set) seen.set(chart, (set = new Set()));
  set.add(transition);
}

/** The transitions XState does not allow among `seen`. */
function refused(seen: Seen): string[] {
  const out: string[] = [];
  for (const [chart, set] of seen) {
    for (const x of set) {
      const [from, event, to] = /^(\S+) --(\S+)--> (\S+)$/.exec(x)!.slice(1) as [string, string, string];
      const allowed = reachable(chart, from, event);
      if (!allowed.has(to)) out.push(`${chart}: ${x} (XState: ${[...allowed].join(', ') || 'no transition'})`);
    }
  }
  return out;
}

/** An `inspect` option that records each transition the 1.3 machine of `side` takes: the state before, the event, the connection's state after. */
function watch(
  side: 'client' | 'server',
  seen: Seen,
  initial: string,
): { readonly options: Pick<ConnectionOptions, 'inspect'>; connection?: DtlsConnection } {
  const chart = `dtls13-${side}`;
  let from = initial;
  const w: { options: Pick<ConnectionOptions, 'inspect'>; connection?: DtlsConnection } = {
    options: {
      inspect: (e: unknown): void => {
        const ev = e as { type?: string; event?: { type?: string }; actorRef?: { logic?: { id?: string } } };
        if (
          ev.type !== '@xstate.event' ||
          ev.actorRef?.logic?.id !== chart ||
          ev.event?.type === undefined ||
          ev.event.type === 'xstate.init'
        )
          return;
        const to = w.connection!.state;
        add(seen, chart, `${from} --${ev.event.type}--> ${to}`);
        from = to;
      },
    },
  };
  return w;
}

interface Scenario13 {
  readonly client?: ConnectionOptions;
  readonly server?: Partial<ConnectionOptions>;
  readonly clientId?: typeof clientId;
  /** After the handshake, with the link to run. */
  readonly then?: (link: Link) => void;
}

const SCENARIOS: Record<string, Scenario13> = {
  plain: {
    client: { cid: 4 },
    server: { cid: 6 },
    then: (link) => {
      link.client.requestConnectionIds(2);
      link.run();
      link.server.issueConnectionIds(1);
      link.run();
      link.client.updateKeys(true);
      link.run();
      link.server.updateKeys(false);
      link.run();
      link.client.close();
      link.run();
    },
  },
  hrr: {
    client: { groups: ['x25519', 'secp256r1'] },
    server: { groups: ['secp256r1'] },
    then: (link) => (link.server.close(), link.run()),
  },
  clientAuth: { server: { clientAuthentication: 'required' }, clientId },
  psk: { client: { psk: { identity: 'device-1', key: PSK } }, server: { psk: { 'device-1': PSK } } },
  pskHrr: {
    client: { psk: { identity: 'device-1', key: PSK }, groups: ['x25519', 'secp256r1'] },
    server: { psk: { 'device-1': PSK }, groups: ['secp256r1'] },
  },
  'client certificate required, none sent': { server: { clientAuthentication: 'required' } },
  'no common group': { client: { groups: ['x25519'] }, server: { groups: ['secp384r1'] } },
};

test('DTLS 1.3: every transition the client and server machines take in real handshakes is one XState allows', (t) => {
  const seen: Seen = new Map();
  for (const s of Object.values(SCENARIOS)) {
    const c = watch('client', seen, 'start');
    const v = watch('server', seen, 'waitClientHello');
    const p = makePair(serverId, {
      client: { ...s.client, ...c.options },
      server: { ...s.server, ...v.options },
      ...(s.clientId ? { clientId: s.clientId } : {}),
    });
    c.connection = p.client;
    v.connection = p.server;
    const link = new Link(p.client, p.server);
    p.client.connect(0);
    link.run();
    s.then?.(link);
  }
  t.deepEqual(refused(seen), []);
  const all = [...seen.values()].flatMap((x) => [...x]);
  t.log(`${all.length} distinct transitions seen`);
  // Not vacuous: the handshakes, the post-handshake messages and both ends' failures were seen.
  for (const x of [
    'waitServerHello --HelloRetryRequest--> waitServerHello',
    'waitFinished --Finished--> connected',
    'connected --NewConnectionId--> connected',
    'connected --RequestConnectionId--> connected',
    'connected --KeyUpdate--> connected',
    'connected --closeNotify--> closed',
    'waitClientHello --ClientHello--> waitSecondClientHello',
    'connected --close--> closed',
  ])
    t.true(all.includes(x), `${x} not seen among\n${all.join('\n')}`);
  t.true(
    all.some((x) => x.endsWith('--fail--> failed')),
    'a fail seen',
  );
  t.true(
    all.some((x) => x.endsWith('--alertReceived--> failed')),
    'an alertReceived seen',
  );
});

test('DTLS 1.2: every transition the client and server machines take in real handshakes is one XState allows', (t) => {
  const seen: Seen = new Map();
  const cache = new SessionCache12();
  const KEY = new Uint8Array(32).fill(7);
  const record = (p: Pair12): void => {
    machine12Of(p.client).onTransition = (f, e, to) => add(seen, 'dtls12-client', `${f} --${e}--> ${to}`);
    machine12Of(p.server).onTransition = (f, e, to) => add(seen, 'dtls12-server', `${f} --${e}--> ${to}`);
  };
  const certificate = {
    client: { trustAnchors: [serverId.caDer], serverName: 'server.test' },
    server: { certificate: { chain: serverId.chain, privateKey: serverId.privateKey }, sessionCache12: cache },
  };
  const runs: readonly { readonly client: object; readonly server: object; readonly resume?: boolean }[] = [
    { ...certificate, resume: true },
    {
      client: { ...certificate.client, certificate: { chain: clientId.chain, privateKey: clientId.privateKey } },
      server: { ...certificate.server, clientAuthentication: 'required', trustAnchors: [clientId.caDer] },
    },
    {
      client: { psk: { identity: 'node-1', key: KEY }, cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'] },
      server: {
        psk: { 'node-1': KEY },
        cipherSuites12: ['tls_psk_with_aes_128_gcm_sha256'],
        pskIdentityHint12: 'hint',
      },
    },
    {
      client: { psk: { identity: 'node-1', key: KEY }, cipherSuites12: ['tls_ecdhe_psk_with_aes_128_gcm_sha256'] },
      server: { psk: { 'node-1': KEY }, cipherSuites12: ['tls_ecdhe_psk_with_aes_128_gcm_sha256'] },
    },
    // The client trusts another CA: its fail, the server's alertReceived.
    { client: { trustAnchors: [clientId.caDer], serverName: 'server.test' }, server: certificate.server },
  ];
  for (const r of runs) {
    const p = pair12(
      DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...r.client }),
      DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...r.server }),
    );
    record(p);
    p.client.connect(0);
    pump(p);
    if (p.client.state !== 'connected') continue;
    p.client.send(Uint8Array.of(1));
    p.server.send(Uint8Array.of(2));
    pump(p);
    if (r.resume === true) {
      const again = pair12(
        DtlsConnection.client({
          maxVersion: 'DTLSv1.2',
          ...r.client,
          session: encodeSession12(state12Of(p.client).lastSession!),
        }),
        DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...r.server }),
      );
      record(again);
      again.client.connect(0);
      pump(again);
      t.true(state12Of(again.client).negotiated?.resumed, 'resumed');
    }
    p.client.close();
    pump(p);
  }
  t.deepEqual(refused(seen), []);
  const all = [...seen.values()].flatMap((x) => [...x]);
  t.log(`${all.length} distinct transitions seen`);
  for (const x of ['connected --close--> closed', 'connected --closeNotify--> closed'])
    t.true(all.includes(x), `${x} not seen`);
  t.true(
    all.some((x) => x.endsWith('--fail--> failed')),
    'a fail seen',
  );
  t.true(
    all.some((x) => x.endsWith('--alertReceived--> failed')),
    'an alertReceived seen',
  );
  t.true(all.length > 30, `${all.length} transitions`);
});
