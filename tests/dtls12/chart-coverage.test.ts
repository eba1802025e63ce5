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
 * authentication, resumption) is one the chart has, and every message
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

function run(clientAuth: boolean, resume: boolean, taken: { client: Set<string>; server: Set<string> }): void {
  const first = pair12(
    Dtls12Connection.client({
      trustAnchors: [server.caDer],
      serverName: 'server.test',
      ...(clientAuth ? { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } } : {}),
    }),
    Dtls12Connection.server({
      certificate: { chain: server.chain, privateKey: server.privateKey },
      sessionCache12: cache,
      ...(clientAuth ? { clientAuthentication: 'required' as const, trustAnchors: [clientId.caDer] } : {}),
    }),
  );
  first.client.onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  first.server.onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  first.client.connect(0);
  pump(first);
  if (!resume) return;
  const second = pair12(
    Dtls12Connection.client({ trustAnchors: [server.caDer], serverName: 'server.test', session12: first.client.lastSession! }),
    Dtls12Connection.server({ certificate: { chain: server.chain, privateKey: server.privateKey }, sessionCache12: cache }),
  );
  second.client.onTransition = (f, e, t) => taken.client.add(`${f} --${e}--> ${t}`);
  second.server.onTransition = (f, e, t) => taken.server.add(`${f} --${e}--> ${t}`);
  second.client.connect(0);
  pump(second);
}

test('the 1.2 machines take exactly the handshake transitions of their charts', (t) => {
  const taken = { client: new Set<string>(), server: new Set<string>() };
  run(false, true, taken);
  run(true, false, taken);
  for (const side of ['client', 'server'] as const) {
    const expected = transitions(chart(`dtls12-${side}`));
    const notInChart = [...taken[side]].filter((x) => !expected.has(x));
    t.deepEqual(notInChart, [], `${side}: steps the chart does not show`);
    // The NewSessionTicket transitions (and the client's states only they lead to) are in the chart for RFC 5077 and not
    // taken: dtls13 offers and issues no tickets yet.
    const afterTicket = (x: string): boolean => x.includes('NewSessionTicket') || (side === 'client' && /^wait(Resumed)?ChangeCipherSpec /.test(x));
    const notTaken = [...expected].filter((x) => !taken[side].has(x) && !afterTicket(x));
    t.deepEqual(notTaken, [], `${side}: chart transitions no handshake took`);
  }
});
