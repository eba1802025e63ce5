/**
 * The inspector's copy of a 1.2 chart (runtime/dtls12/inspected.ts): XState's own actor of the role's chart, starting
 * in the chart's initial state, fed what the machine took, branching with the machine's own guards (the ClientHello's
 * plan and the server's options), so the snapshots an inspector sees follow the path the connection took.
 */
import test from 'ava';
import type { ChartInspectionEvent } from '../../runtime/chart-inspection.js';
import type { ClientHelloPlan12 } from '../../runtime/dtls12/client-hello-plan.js';
import { resolveConfig12 } from '../../runtime/dtls12/config.js';
import type { Message12 } from '../../runtime/dtls12/event.js';
import { inspectedChart12 } from '../../runtime/dtls12/inspected.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'localhost');

/** The state values of the snapshots the inspector saw. */
function watch(role: 'client' | 'server') {
  const states: unknown[] = [];
  const chart = inspectedChart12(role, (e: ChartInspectionEvent) => {
    if (e.type === '@xstate.snapshot' && 'snapshot' in e) states.push((e.snapshot as { value: unknown }).value);
  });
  return { chart, states };
}

const message: Message12 = { msgType: 'client_hello', messageSeq: 0, body: new Uint8Array(0), recordSequenceNumber: 0 };
const hello = (plan: ClientHelloPlan12) => ({ type: 'ClientHello', message, plan });
const answer = (resumed: boolean): ClientHelloPlan12 => ({
  kind: 'answer',
  hello: {
    legacyVersion: 'dtls1_2',
    random: new Uint8Array(32),
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: [],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions: [],
  },
  resumption: resumed
    ? {
        session: {
          id: new Uint8Array(32),
          masterSecret: new Uint8Array(48),
          suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
          serverName: undefined,
          expiresAt: 0,
        },
        fromTicket: undefined,
      }
    : undefined,
  suite: resumed
    ? { ok: false, reason: 'resumed' }
    : { ok: true, suite: dtls12Suite('tls_ecdhe_ecdsa_with_aes_128_gcm_sha256')! },
});
const server = (clientAuthentication: 'none' | 'required') => ({
  config: resolveConfig12('server', {
    certificate: { chain: id.chain, privateKey: id.privateKey },
    trustAnchors: [id.caDer],
    clientAuthentication,
  }),
});

test('client: starts in start; connect leads to waitServerHello; fail to failed', (t) => {
  const { chart, states } = watch('client');
  t.deepEqual(states, ['start']);
  chart.took({ type: 'connect' }, { kind: 'start' }, undefined);
  t.is(states.at(-1), 'waitServerHello');
  chart.took({ type: 'fail' }, { kind: 'waitServerHello' }, undefined);
  t.is(states.at(-1), 'failed');
});

test('server: the ClientHello’s plan and the options choose the branch, as the machine’s guards do', (t) => {
  const cases: [ClientHelloPlan12, 'none' | 'required', string][] = [
    [{ kind: 'verify', reply: Uint8Array.of(1) }, 'none', 'waitClientHello'],
    [answer(true), 'required', 'waitResumedChangeCipherSpec'],
    [answer(false), 'required', 'waitClientCertificate'],
    [answer(false), 'none', 'waitClientKeyExchange'],
  ];
  for (const [plan, auth, expected] of cases) {
    const { chart, states } = watch('server');
    t.deepEqual(states, ['waitClientHello']);
    chart.took(hello(plan), { kind: 'waitClientHello' }, server(auth));
    t.is(states.at(-1), expected, `${plan.kind} ${auth}`);
  }
});
