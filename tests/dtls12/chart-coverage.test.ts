import { readFileSync } from 'node:fs';
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { machine12Of, state12Of } from '../support/inside12.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { ROOT } from '../support/spec.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * spec/charts/dtls12-*.json against the 1.2 machines (the generated
 * dtls12ClientStep/dtls12ServerStep, reported by onTransition): every
 * transition the runtime takes (full, HelloVerifyRequest, client
 * authentication, resumption by session ID and by ticket, PSK and
 * ECDHE_PSK; then data, close_notify, a failed handshake and the peer's
 * fatal alert) is one the chart has, and every message transition of the
 * chart outside `connected` is taken by one of these handshakes, as are
 * the root's fail and alertReceived and connected's close and closeNotify
 * (application data goes around the chart, as in 1.3). A transition added to a chart without its step, or a
 * step the chart does not show, fails here.
 */

type Chart = { on?: Record<string, unknown>; states: Record<string, { on?: Record<string, unknown> }> };

const targetOf = (one: unknown): string | undefined =>
  typeof one === 'string' ? one : (one as { target?: string }).target;

/** Every transition of the chart: a state's as "from --event--> to" (no target: stays), the root's as "* --event--> to". */
function allTransitions(c: Chart): Set<string> {
  const out = new Set<string>();
  const each = (from: string, on: Record<string, unknown> | undefined): void => {
    for (const [event, t] of Object.entries(on ?? {}))
      for (const one of Array.isArray(t) ? t : [t])
        out.add(`${from} --${event}--> ${(targetOf(one) ?? from).replace(/^\./, '')}`);
  };
  for (const [from, node] of Object.entries(c.states)) each(from, node.on);
  each('*', c.on);
  return out;
}

/** Is `taken` (a runtime transition) one of the chart's, a root transition from any state? */
function inChart(all: Set<string>, taken: string): boolean {
  return all.has(taken) || all.has(taken.replace(/^\S+ /, '* '));
}
const chart = (name: string): Chart => JSON.parse(readFileSync(`${ROOT}/spec/charts/${name}.json`, 'utf8')) as Chart;

/** The chart's transitions as "from --event--> to" (targets without a dot; `reenter` keeps the state). */
function transitions(c: Chart): Set<string> {
  const out = new Set<string>();
  for (const [from, node] of Object.entries(c.states)) {
    if (from === 'connected') continue;
    for (const [event, t] of Object.entries(node.on ?? {})) {
      for (const one of Array.isArray(t) ? t : [t]) {
        const target = targetOf(one);
        if (target === undefined || target === 'failed' || target.startsWith('.')) continue;
        out.add(`${from} --${event}--> ${target}`);
      }
    }
  }
  return out;
}

const now = Date.now();
const server = makeIdentity('p256', 'server.test', { at: now });
const clientId = makeIdentity('p256', 'client.test', { at: now });
const cache = new SessionCache12();

interface Run {
  readonly clientAuth?: boolean;
  readonly resume?: boolean;
  /** RFC 5077 tickets on (the default) or off, both ends. */
  readonly tickets?: boolean;
  /** A PSK suite instead of a certificate; with `hint` the plain PSK server sends a ServerKeyExchange. */
  readonly psk?: 'tls_psk_with_aes_128_gcm_sha256' | 'tls_ecdhe_psk_with_aes_128_gcm_sha256';
  readonly hint?: boolean;
}

const KEY = new Uint8Array(32).fill(7);

function run(r: Run, taken: { client: Set<string>; server: Set<string> }): void {
  const tickets = { sessionTickets12: r.tickets ?? true };
  const clientOptions = {
    ...tickets,
    ...(r.psk !== undefined
      ? { psk: { identity: 'node-1', key: KEY }, cipherSuites12: [r.psk] }
      : { trustAnchors: [server.caDer], serverName: 'server.test' }),
    ...(r.clientAuth === true ? { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } } : {}),
  };
  const serverOptions = {
    ...tickets,
    sessionCache12: cache,
    ...(r.psk !== undefined
      ? { psk: { 'node-1': KEY }, cipherSuites12: [r.psk], ...(r.hint === true ? { pskIdentityHint12: 'hint' } : {}) }
      : { certificate: { chain: server.chain, privateKey: server.privateKey } }),
    ...(r.clientAuth === true ? { clientAuthentication: 'required' as const, trustAnchors: [clientId.caDer] } : {}),
  };
  const first = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...clientOptions }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...serverOptions }),
  );
  machine12Of(first.client).onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  machine12Of(first.server).onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  first.client.connect(0);
  pump(first);
  if (first.client.state !== 'connected') throw new Error(`no handshake: ${JSON.stringify(r)}`);
  if (r.resume !== true) return;
  const second = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      ...clientOptions,
      session: encodeSession12(state12Of(first.client).lastSession!),
    }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...serverOptions }),
  );
  machine12Of(second.client).onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  machine12Of(second.server).onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  second.client.connect(0);
  pump(second);
  if (state12Of(second.client).negotiated?.resumed !== true) throw new Error(`not resumed: ${JSON.stringify(r)}`);
}

test('the 1.2 machines take exactly the handshake transitions of their charts', (t) => {
  const taken = { client: new Set<string>(), server: new Set<string>() };
  run({ resume: true }, taken); // a ticket issued, resumed from it and renewed
  run({ resume: true, tickets: false }, taken); // by session ID, no NewSessionTicket
  run({ clientAuth: true }, taken);
  run({ psk: 'tls_psk_with_aes_128_gcm_sha256', tickets: false }, taken); // no ServerKeyExchange
  run({ psk: 'tls_psk_with_aes_128_gcm_sha256', hint: true }, taken);
  run({ psk: 'tls_ecdhe_psk_with_aes_128_gcm_sha256' }, taken);
  after(taken);
  for (const side of ['client', 'server'] as const) {
    const c = chart(`dtls12-${side}`);
    const all = allTransitions(c);
    const notInChart = [...taken[side]].filter((x) => !inChart(all, x));
    t.deepEqual(notInChart, [], `${side}: steps the chart does not show`);
    const expected = transitions(c);
    const notTaken = [...expected].filter((x) => !taken[side].has(x));
    t.deepEqual(notTaken, [], `${side}: chart transitions no handshake took`);
    // Application data goes around the chart (connection.ts `take`), as in 1.3: no step of the chart sees it.
    t.deepEqual(
      [...taken[side]].filter((x) => x.includes('ApplicationData')),
      [],
      `${side}: application data through the chart`,
    );
    for (const x of ['connected --close--> closed', 'connected --closeNotify--> closed'])
      t.true([...taken[side]].includes(x), `${side}: ${x} not taken`);
  }
  t.true(
    [...taken.client].some((x) => x.endsWith(' --fail--> failed')),
    'the client failed through the chart',
  );
  t.true(
    [...taken.server].some((x) => x.endsWith(' --alertReceived--> failed')),
    "the server took the client's fatal alert through the chart",
  );
});

/** After the handshake: data both ways and a close from each side; then a client that refuses the server's certificate. */
function after(taken: { client: Set<string>; server: Set<string> }): void {
  const record = (p: Pair12): void => {
    machine12Of(p.client).onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
    machine12Of(p.server).onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  };
  const options = {
    client: { trustAnchors: [server.caDer], serverName: 'server.test' },
    server: { certificate: { chain: server.chain, privateKey: server.privateKey } },
  };
  for (const closer of ['client', 'server'] as const) {
    const p = pair12(
      DtlsConnection.client({ maxVersion: 'DTLSv1.2', ...options.client }),
      DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...options.server }),
    );
    record(p);
    p.client.connect(0);
    pump(p);
    p.client.send(Uint8Array.of(1));
    p.server.send(Uint8Array.of(2));
    pump(p);
    p[closer].close();
    pump(p);
    if (p.client.state !== 'closed' || p.server.state !== 'closed') throw new Error(`not closed by the ${closer}`);
  }
  // The client trusts another CA: bad_certificate, sent through the chart's fail; the server takes it as alertReceived.
  const p = pair12(
    DtlsConnection.client({ maxVersion: 'DTLSv1.2', trustAnchors: [clientId.caDer], serverName: 'server.test' }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', ...options.server }),
  );
  record(p);
  p.client.connect(0);
  pump(p);
  if (p.client.state !== 'failed') throw new Error('the handshake did not fail');
}
