import test from 'ava';
import { dtls13ClientChart } from '../../generated/charts/dtls13-client.js';
import { dtls13ServerChart } from '../../generated/charts/dtls13-server.js';
import {
  encodeAlert,
  encodeKeyUpdate,
  encodeNewSessionTicket,
  encodeReturnRoutabilityCheck,
} from '../../generated/wire/index.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import { HelloRetryResponder } from '../../runtime/dtls13/hello-retry-responder.js';
import { chartEdges } from '../support/chart-graph.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { makePair, reach } from '../support/stepper.js';
import { freshAntiReplay } from '../support/fresh-anti-replay.js';
import { injectHandshakeMessage, injectRecord } from '../support/inject.js';

/**
 * Model-based coverage: every transition of the client and server charts is
 * taken by real connections. Transitions are observed through the `inspect`
 * option (XState's inspection events), as a user would watch them.
 */

const taken = { client: new Set<string>(), server: new Set<string>() };

function watcher(side: 'client' | 'server'): Pick<ConnectionOptions, 'inspect'> {
  let prev: string | undefined;
  return {
    inspect: (e: unknown) => {
      const ev = e as {
        type?: string;
        event?: { type?: string };
        snapshot?: { value?: unknown };
        actorRef?: { logic?: { id?: string } };
      };
      if (ev.type !== '@xstate.snapshot' || ev.event?.type === undefined || ev.snapshot?.value === undefined) return;
      if (ev.actorRef?.logic?.id !== `dtls13-${side}`) return; // the handshake chart, not the flight chart
      const now = String(ev.snapshot.value);
      if (prev !== undefined && !ev.event.type.startsWith('xstate.'))
        taken[side].add(`${prev} --${ev.event.type}--> ${now}`);
      prev = now;
    },
  };
}

const serverId = makeIdentity('p256', 'server.test');
const PSK = new Uint8Array(32).fill(7);
const clientId = makeIdentity('ed25519', 'client.test');

interface Scenario {
  readonly client?: ConnectionOptions;
  readonly server?: Partial<ConnectionOptions>;
  readonly clientId?: typeof clientId;
}

const SCENARIOS: Record<string, Scenario> = {
  plain: {},
  clientAuth: { server: { clientAuthentication: 'required' }, clientId },
  clientAuthOptionalNoCert: { server: { clientAuthentication: 'optional' } },
  hrr: { client: { groups: ['x25519', 'secp256r1'] }, server: { groups: ['secp256r1'] } },
  hrrClientAuth: {
    client: { groups: ['x25519', 'secp256r1'] },
    server: { groups: ['secp256r1'], clientAuthentication: 'required' },
    clientId,
  },
  psk: { client: { psk: { identity: 'device-1', key: PSK } }, server: { psk: { 'device-1': PSK } } },
  pskHrr: {
    client: { psk: { identity: 'device-1', key: PSK }, groups: ['x25519', 'secp256r1'] },
    server: { psk: { 'device-1': PSK }, groups: ['secp256r1'] },
  },
};

/** A scenario's pair, watched; its server does 1.3 only (one doing both has no 1.3 state before its ClientHello). */
function watchedPair(s: Scenario) {
  return makePair(serverId, {
    client: { ...s.client, ...watcher('client') },
    server: { minVersion: 'DTLSv1.3', ...s.server, ...watcher('server') },
    ...(s.clientId ? { clientId: s.clientId } : {}),
  });
}

function complete(s: Scenario): Link {
  const p = watchedPair(s);
  const link = new Link(p.client, p.server);
  p.client.connect(0);
  link.run();
  return link;
}

test.serial('complete handshakes of every shape, close and close_notify', (t) => {
  for (const s of Object.values(SCENARIOS)) {
    const link = complete(s);
    t.is(link.client.state, 'connected');
    t.is(link.server.state, 'connected');
  }
  const a = complete(SCENARIOS.plain!);
  a.client.close();
  a.run(a.now + 1000);
  t.is(a.client.state, 'closed');
  t.is(a.server.state, 'closed');
  const b = complete(SCENARIOS.plain!);
  b.server.close();
  b.run(b.now + 1000);
  t.is(b.client.state, 'closed');
});

test.serial('post-handshake NewSessionTicket, KeyUpdate and updateKeys are taken in connected', (t) => {
  const link = complete(SCENARIOS.plain!);
  injectHandshakeMessage(
    link.client,
    4,
    encodeNewSessionTicket({
      ticketLifetime: 60,
      ticketAgeAdd: 1,
      ticketNonce: Uint8Array.of(0),
      ticket: Uint8Array.of(1),
      extensions: [],
    }),
    3,
  );
  injectHandshakeMessage(link.client, 24, encodeKeyUpdate({ requestUpdate: 'update_not_requested' }), 3);
  injectHandshakeMessage(link.server, 24, encodeKeyUpdate({ requestUpdate: 'update_not_requested' }), 3);
  link.client.updateKeys();
  link.server.updateKeys();
  link.run(link.now + 5000);
  t.is(link.client.state, 'connected');
  t.is(link.server.state, 'connected');
  // Post-handshake authentication: the request, and the client's Certificate, CertificateVerify and Finished.
  const auth = complete({ client: { postHandshakeAuth: true }, clientId, server: { trustAnchors: [clientId.caDer] } });
  auth.server.requestClientCertificate();
  auth.run(auth.now + 5000);
  t.true(auth.events.server.some((e) => e.type === 'clientAuthenticated'));
});

test.serial('post-handshake connection ID and return routability exchanges are taken in connected', (t) => {
  const link = complete({ client: { cid: 4 }, server: { cid: 4 } });
  // issueConnectionIds and requestConnectionIds from each side; each peer takes NewConnectionId and RequestConnectionId.
  link.client.issueConnectionIds(1);
  link.server.issueConnectionIds(1);
  link.run(link.now + 5000);
  link.client.requestConnectionIds(1);
  link.server.requestConnectionIds(1);
  link.run(link.now + 5000);
  t.is(link.client.connectionIds?.spares, 2);
  t.is(link.server.connectionIds?.spares, 2);
  // RRC messages of each type, as the records carry them.
  const cookie = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  for (const side of ['client', 'server'] as const) {
    for (const [i, msgType] of (['path_challenge', 'path_response', 'path_drop'] as const).entries()) {
      injectRecord(link[side], {
        kind: 'record',
        epoch: 3,
        sequenceNumber: 1000 + i,
        contentType: 'return_routability_check',
        content: encodeReturnRoutabilityCheck({ msgType, cookie }),
        protected: true,
      });
    }
  }
  t.is(link.client.state, 'connected');
  t.is(link.server.state, 'connected');
});

test.serial('0-RTT taken: a resumed ClientHello with early data the server accepts', (t) => {
  const ticketKeys = new Uint8Array(32).fill(1);
  const first = complete({ server: { ticketKeys, maxEarlyData: 100 } });
  const ticket = first.events.client.find((e) => e.type === 'sessionTicket');
  if (ticket?.type !== 'sessionTicket') return void t.fail('no ticket');
  const early = complete({
    client: { session: ticket.session, earlyData: Uint8Array.of(1, 2, 3) },
    server: { ticketKeys, maxEarlyData: 100, antiReplay: freshAntiReplay() },
  });
  t.true(early.events.server.some((e) => e.type === 'data' && e.early === true));
  // NSS's EndOfEarlyData (tests/dtls13/end-of-early-data.test.ts): taken once while 0-RTT is open, then refused.
  const p = watchedPair({
    client: { session: ticket.session, earlyData: Uint8Array.of(1, 2, 3) },
    server: { ticketKeys, maxEarlyData: 100, antiReplay: freshAntiReplay() },
  });
  p.client.connect(0);
  for (let d = p.client.pollTransmit(); d; d = p.client.pollTransmit()) p.server.receive(d, 0);
  t.is(p.server.state, 'waitClientFinished');
  injectHandshakeMessage(p.server, 5, new Uint8Array(0), 1);
  t.is(p.server.state, 'waitClientFinished');
  injectHandshakeMessage(p.server, 5, new Uint8Array(0), 1);
  t.is(p.server.failure?.alert, 'unexpected_message');
});

test.serial('a second HelloRetryRequest, and a second ClientHello that still needs one, fail', (t) => {
  const c = reach(watchedPair(SCENARIOS.hrr!), 'client', 'waitServerHello')!;
  // Drive to the retried ClientHello, then play the HelloRetryRequest again.
  const p = watchedPair(SCENARIOS.hrr!);
  p.client.connect(0);
  const ch1 = p.client.pollTransmit()!;
  p.server.receive(ch1, 0);
  const hrr = p.server.pollTransmit()!;
  p.client.receive(hrr, 0);
  t.is(p.client.state, 'waitServerHello');
  const record = hrr.slice();
  record[10] = 9; // a fresh DTLSPlaintext sequence number, so the record layer takes it again
  record[13 + 5] = 1; // and the message_seq that follows the first HelloRetryRequest
  p.client.receive(record, 0);
  t.is(p.client.failure?.alert, 'unexpected_message');
  t.truthy(c);
  // The server: the client answers the HelloRetryRequest without the group it asked for.
  const s = watchedPair(SCENARIOS.hrr!);
  s.client.connect(0);
  const first = s.client.pollTransmit()!;
  s.server.receive(first, 0);
  t.is(s.server.state, 'waitSecondClientHello');
  const again = first.slice();
  again[10] = 1; // record sequence number 1
  again[13 + 5] = 1; // message_seq 1
  s.server.receive(again, 0);
  t.is(s.server.failure?.alert, 'illegal_parameter');
});

test.serial('a server created from a verified cookie enters through statelessRetryVerified', (t) => {
  const serverOptions = {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
  };
  const responder = new HelloRetryResponder(serverOptions);
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...watcher('client'),
  });
  client.connect(0);
  const ch1 = client.pollTransmit()!;
  const hrr = responder.handle(ch1, 'a', 0);
  if (hrr.kind !== 'reply') return void t.fail(hrr.kind);
  client.receive(hrr.datagram, 0);
  const ch2 = client.pollTransmit()!;
  const ok = responder.handle(ch2, 'a', 0);
  if (ok.kind !== 'accept') return void t.fail(ok.kind);
  const server = DtlsConnection.server({ ...serverOptions, statelessRetry: ok.retry, ...watcher('server') });
  const link = new Link(client, server);
  server.receive(ch2, 0);
  link.run();
  t.is(server.state, 'connected');
});

test.serial('fail and alertReceived from every state', (t) => {
  const alert = encodeAlert({ level: 'fatal', description: 'internal_error' });
  for (const [side, chart] of [
    ['client', dtls13ClientChart],
    ['server', dtls13ServerChart],
  ] as const) {
    for (const [state, node] of Object.entries(chart.states)) {
      if ('type' in node && node.type === 'final') continue;
      for (const how of ['fail', 'alertReceived'] as const) {
        const scenario = Object.values(SCENARIOS).find((s) => reach(watchedPair(s), side, state) !== undefined);
        if (!scenario) return void t.fail(`no scenario reaches ${side} ${state}`);
        const p = reach(watchedPair(scenario), side, state)!;
        if (how === 'fail') injectHandshakeMessage(p[side], 254, new Uint8Array(0), 0);
        // An authenticated alert (a plaintext one is ignored once the peer has keys; tests/dtls13/attacks.test.ts).
        else
          injectRecord(p[side], {
            kind: 'record',
            epoch: 3,
            sequenceNumber: 77,
            contentType: 'alert',
            content: alert,
            protected: true,
          });
        t.is(p[side].state, 'failed', `${side} ${state} ${how}`);
      }
    }
  }
});

test.serial('every transition of both handshake charts was taken (model-based coverage)', (t) => {
  for (const [side, chart] of [
    ['client', dtls13ClientChart],
    ['server', dtls13ServerChart],
  ] as const) {
    const edges = new Set(
      chartEdges(chart as unknown as Record<string, unknown>).map((e) => `${e.from} --${e.event}--> ${e.to}`),
    );
    const missing = [...edges].filter((e) => !taken[side].has(e));
    t.log(`${side} chart: ${edges.size - missing.length} of ${edges.size} transitions taken`);
    t.deepEqual(missing, [], `${side} transitions never taken`);
  }
});

test.serial('the inspect option sees both the handshake chart and the flight chart', (t) => {
  const ids = new Set<string>();
  const inspect = (e: unknown): void => {
    const ev = e as { type?: string; actorRef?: { logic?: { id?: string } } };
    if (ev.type === '@xstate.snapshot' && ev.actorRef?.logic?.id) ids.add(ev.actorRef.logic.id);
  };
  const p = makePair(serverId, { client: { inspect } });
  const link = new Link(p.client, p.server);
  p.client.connect(0);
  link.run();
  t.deepEqual([...ids].sort(), ['dtls13-client', 'dtls13-flight']);
});
