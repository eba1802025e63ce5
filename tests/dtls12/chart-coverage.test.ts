import { readFileSync } from 'node:fs';
import test from 'ava';
import { Dtls12Connection } from '../../runtime/dtls12/connection12.js';
import { SessionCache12 } from '../../runtime/dtls12/session12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { ROOT } from '../support/spec.js';
import { pair12, pump } from './pair12.js';

/**
 * spec/charts/dtls12-*.json against the 1.2 machines: every handshake
 * transition the runtime takes (full, HelloVerifyRequest, client
 * authentication, resumption by session ID and by ticket, PSK and
 * ECDHE_PSK) is one the chart has, and every message
 * transition of the chart outside `connected` is taken by one of these
 * handshakes. A transition added to a chart without its step, or a step
 * the chart does not show, fails here.
 */

type Chart = { states: Record<string, { on?: Record<string, unknown> }> };
const chart = (name: string): Chart => JSON.parse(readFileSync(`${ROOT}/spec/charts/${name}.json`, 'utf8')) as Chart;

/** The chart's transitions as "from --event--> to" (targets without a dot; `reenter` keeps the state). */
function transitions(c: Chart): Set<string> {
  const out = new Set<string>();
  for (const [from, node] of Object.entries(c.states)) {
    if (from === 'connected') continue;
    for (const [event, t] of Object.entries(node.on ?? {})) {
      for (const one of Array.isArray(t) ? t : [t]) {
        const target = typeof one === 'string' ? one : (one as { target?: string }).target;
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
    ...(r.psk !== undefined ? { psk: { identity: 'node-1', key: KEY }, cipherSuites12: [r.psk] } : { trustAnchors: [server.caDer], serverName: 'server.test' }),
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
  const first = pair12(Dtls12Connection.client(clientOptions), Dtls12Connection.server(serverOptions));
  first.client.onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  first.server.onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  first.client.connect(0);
  pump(first);
  if (first.client.stateName !== 'connected') throw new Error(`no handshake: ${JSON.stringify(r)}`);
  if (r.resume !== true) return;
  const second = pair12(Dtls12Connection.client({ ...clientOptions, session12: first.client.lastSession! }), Dtls12Connection.server(serverOptions));
  second.client.onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  second.server.onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  second.client.connect(0);
  pump(second);
  if (second.client.negotiated?.resumed !== true) throw new Error(`not resumed: ${JSON.stringify(r)}`);
}

test('the 1.2 machines take exactly the handshake transitions of their charts', (t) => {
  const taken = { client: new Set<string>(), server: new Set<string>() };
  run({ resume: true }, taken); // a ticket issued, resumed from it and renewed
  run({ resume: true, tickets: false }, taken); // by session ID, no NewSessionTicket
  run({ clientAuth: true }, taken);
  run({ psk: 'tls_psk_with_aes_128_gcm_sha256', tickets: false }, taken); // no ServerKeyExchange
  run({ psk: 'tls_psk_with_aes_128_gcm_sha256', hint: true }, taken);
  run({ psk: 'tls_ecdhe_psk_with_aes_128_gcm_sha256' }, taken);
  for (const side of ['client', 'server'] as const) {
    const expected = transitions(chart(`dtls12-${side}`));
    const notInChart = [...taken[side]].filter((x) => !expected.has(x));
    t.deepEqual(notInChart, [], `${side}: steps the chart does not show`);
    const notTaken = [...expected].filter((x) => !taken[side].has(x));
    t.deepEqual(notTaken, [], `${side}: chart transitions no handshake took`);
  }
});
