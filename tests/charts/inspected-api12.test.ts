import test from 'ava';
import { connect, listen, type DtlsConnectOptions } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';

/**
 * `inspect` on `connect` and `listen` reaches a DTLS 1.2 session too: the
 * inspector gets XState's actor of the 1.2 chart, fed every event the
 * generated machine takes. The default client (1.2 and 1.3 in one
 * ClientHello) hands over to a 1.2 machine past the chart's initial state
 * (the ClientHello already left); its copy takes `connect` first, so it walks
 * the same states as a client that offered 1.2 alone.
 */

const id = pemIdentity('localhost');

/** The states XState's copy of `chart` reported, in order. */
function statesOf(chart: string): { readonly seen: string[]; inspect(event: unknown): void } {
  const seen: string[] = [];
  return {
    seen,
    inspect(event: unknown): void {
      const e = event as { type?: string; snapshot?: { value?: unknown }; actorRef?: { logic?: { id?: string } } };
      if (e.type === '@xstate.snapshot' && e.actorRef?.logic?.id === chart && e.snapshot?.value !== undefined)
        seen.push(String(e.snapshot.value));
    },
  };
}

/** One handshake with a 1.2-only listener, a message and close_notify; what each side's inspector saw of the 1.2 charts. */
async function handshake12(
  client: DtlsConnectOptions,
): Promise<{ client: string[]; server: string[]; protocol: string | undefined }> {
  const server = statesOf('dtls12-server');
  const endpoint = listen((s) => (s.onmessage = (m) => s.send(m)), {
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    maxVersion: 'DTLSv1.2',
    inspect: (e) => server.inspect(e),
  });
  try {
    const { port } = await endpoint.listening;
    const seen = statesOf('dtls12-client');
    const session = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      ...client,
      inspect: (e) => seen.inspect(e),
    });
    const { protocol } = await session.opened;
    const echoed = new Promise<void>((resolve) => (session.onmessage = () => resolve()));
    session.send('hello');
    await echoed;
    await session.close();
    return { client: seen.seen, server: server.seen, protocol };
  } finally {
    await endpoint.close();
  }
}

test('a 1.2-only client (maxVersion DTLSv1.2) and the listener: each inspector walks its 1.2 chart from the initial state to connected and closed', async (t) => {
  const r = await handshake12({ maxVersion: 'DTLSv1.2' });
  t.is(r.protocol, 'DTLSv1.2');
  t.is(r.client[0], 'start');
  t.true(r.client.includes('waitServerHello') && r.client.includes('connected'), r.client.join(' → '));
  t.is(r.client.at(-1), 'closed', r.client.join(' → '));
  t.is(r.server[0], 'waitClientHello');
  t.true(r.server.includes('connected'), r.server.join(' → '));
});

test('the default client (1.2 and 1.3 offered) falls back to 1.2: its 1.2 inspector walks the same states as a 1.2-only client', async (t) => {
  const only12 = await handshake12({ maxVersion: 'DTLSv1.2' });
  const negotiated = await handshake12({});
  t.is(negotiated.protocol, 'DTLSv1.2');
  t.deepEqual(negotiated.client, only12.client);
  t.deepEqual(negotiated.server, only12.server);
});
