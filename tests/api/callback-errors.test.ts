/**
 * Application callbacks that throw or reject (`sni`, `psk`, the anti-replay
 * store, `onsession`, `onmessage`, `onticket`, `onmigrate`,
 * `onclientcertificate`) end that handshake or session with an
 * internal_error alert, reach the application as the error they threw, and
 * are counted; the peer is told at once (no stall until a timeout) and the
 * process goes on. Real UDP on 127.0.0.1.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import {
  connect,
  createSecureContext,
  DtlsSessionError,
  listen,
  type AntiReplayStore,
  type DtlsListener,
  type DtlsSession,
} from '../../runtime/index.js';
import { pemIdentity, sleep } from './fixtures.js';

const id = pemIdentity('localhost');
/** Long enough that a stalled handshake shows as ERR_DTLS_HANDSHAKE_TIMEOUT rather than the alert these tests expect. */
const STALL = 20_000;

/** What `onhandshakeerror` was told, collected. */
function handshakeErrors(endpoint: DtlsListener): { error: Error; port: number }[] {
  const seen: { error: Error; port: number }[] = [];
  endpoint.onhandshakeerror = (error, remote) => seen.push({ error, port: remote.port });
  return seen;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 10_000; waited += 10) await sleep(10);
}

/**
 * Every refused attempt told and counted, each with the exception itself. A client whose retransmission timer fires
 * before the alert reaches it (a loaded machine) sends its ClientHello again, and the stateless server runs the
 * callback for that copy too: so at least one, and the count equal to what `onhandshakeerror` was told.
 */
async function toldAndCounted(endpoint: DtlsListener, told: { error: Error }[], thrown: Error): Promise<boolean> {
  await until(() => told.length > 0 && told.length === endpoint.stats.callbackErrors);
  return told.length >= 1 && told.length === endpoint.stats.callbackErrors && told.every((e) => e.error === thrown);
}

test('sni: a function that throws refuses the ClientHello with internal_error; onhandshakeerror gets the exception itself', async (t) => {
  const thrown = new Error('the certificate store is down');
  const endpoint = listen(() => {}, {
    host: '127.0.0.1',
    sni: () => {
      throw thrown;
    },
  });
  const told = handshakeErrors(endpoint);
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: STALL });
  const error = await t.throwsAsync(client.opened, { instanceOf: DtlsSessionError });
  t.is(error?.code, 'ERR_DTLS_ALERT');
  t.is(error?.alert, 'internal_error');
  await until(() => told.length > 0);
  t.is(told[0]?.error, thrown);
  t.true((told[0]?.port ?? 0) > 0);
  t.true(await toldAndCounted(endpoint, told, thrown));
  t.is(endpoint.stats.handshakeErrors, told.length);
  await endpoint.close();
});

test('sni: a function that throws for a second client fails that session: onerror, opened and onhandshakeerror', async (t) => {
  const context = createSecureContext({ cert: id.cert, key: id.key });
  const thrown = new TypeError('second lookup failed');
  let calls = 0;
  const sessionErrors: Error[] = [];
  let session: DtlsSession | undefined;
  const endpoint = listen(
    (s) => {
      session = s;
      s.onerror = (e) => sessionErrors.push(e);
    },
    {
      host: '127.0.0.1',
      sni: () => {
        // Asked only after the cookie exchange (a spoofable ClientHello never runs it): the second client's lookup fails.
        if (++calls > 1) throw thrown;
        return context;
      },
    },
  );
  const told = handshakeErrors(endpoint);
  const { port } = await endpoint.listening;
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await first.opened;
  await first.close();
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: STALL });
  t.like(await t.throwsAsync(client.opened), { code: 'ERR_DTLS_ALERT', alert: 'internal_error' });
  await until(() => sessionErrors.length > 0 && told.length > 0);
  t.is(sessionErrors[0], thrown);
  t.is(await session!.opened.catch((e: unknown) => e), thrown);
  t.true(await toldAndCounted(endpoint, told, thrown));
  await endpoint.close();
});

test('psk: a server function that throws refuses the handshake with internal_error, reported and counted', async (t) => {
  const thrown = new RangeError('key derivation failed');
  const endpoint = listen(() => {}, {
    host: '127.0.0.1',
    psk: () => {
      throw thrown;
    },
  });
  const told = handshakeErrors(endpoint);
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, {
    psk: { identity: 'device-42', key: randomBytes(32) },
    handshakeTimeout: STALL,
  });
  t.like(await t.throwsAsync(client.opened), { code: 'ERR_DTLS_ALERT', alert: 'internal_error' });
  await until(() => told.length > 0);
  t.true(await toldAndCounted(endpoint, told, thrown));
  await endpoint.close();
});

test('psk: a client function that throws fails that session with the exception', async (t) => {
  const key = randomBytes(32);
  const endpoint = listen(() => {}, { host: '127.0.0.1', psk: { 'device-42': key } });
  const { port } = await endpoint.listening;
  const thrown = new Error('no key for this server');
  const errors: Error[] = [];
  const client = connect('127.0.0.1', port, {
    psk: () => {
      throw thrown;
    },
    handshakeTimeout: STALL,
  });
  client.onerror = (e) => errors.push(e);
  t.is(await client.opened.catch((e: unknown) => e), thrown);
  t.is(await client.closed.catch((e: unknown) => e), thrown);
  t.deepEqual(errors, [thrown]);
  await endpoint.close();
});

/** A session ticket from a first connection to `port` (for a 0-RTT second one). */
async function ticketFrom(port: number): Promise<Buffer> {
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  const ticket = await first.ticket;
  await first.close();
  if (!ticket) throw new Error('the server sent no ticket');
  return ticket;
}

for (const kind of ['throws', 'rejects'] as const) {
  test(`anti-replay store: a store that ${kind} ends the 0-RTT handshake with internal_error, reported and counted`, async (t) => {
    const thrown = new Error(`store ${kind}`);
    const store: AntiReplayStore = {
      admit: (): boolean | Promise<boolean> => {
        if (kind === 'throws') throw thrown;
        return Promise.reject(thrown);
      },
    };
    const sessionErrors: Error[] = [];
    const endpoint = listen((s) => (s.onerror = (e) => sessionErrors.push(e)), {
      cert: id.cert,
      key: id.key,
      host: '127.0.0.1',
      maxEarlyData: 1024,
      antiReplay: store,
    });
    const told = handshakeErrors(endpoint);
    const { port } = await endpoint.listening;
    const ticket = await ticketFrom(port);
    const second = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      session: ticket,
      earlyData: Buffer.from('early'),
      handshakeTimeout: STALL,
    });
    t.like(await t.throwsAsync(second.opened), { code: 'ERR_DTLS_ALERT', alert: 'internal_error' });
    await until(() => told.length > 0 && sessionErrors.length > 0);
    t.is(sessionErrors[0], thrown);
    t.true(await toldAndCounted(endpoint, told, thrown));
    await endpoint.close();
  });
}

test('onsession: a callback that throws fails that handshake with internal_error; the next client is served', async (t) => {
  const thrown = new Error('onsession failed');
  let sessions = 0;
  const endpoint = listen(
    (s) => {
      if (++sessions === 1) throw thrown;
      s.onmessage = (d) => s.send(d);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  const told = handshakeErrors(endpoint);
  const { port } = await endpoint.listening;
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: STALL });
  t.like(await t.throwsAsync(first.opened), { code: 'ERR_DTLS_ALERT', alert: 'internal_error' });
  await until(() => told.length > 0);
  t.is(told[0]?.error, thrown);
  const second = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await second.opened;
  await second.close();
  t.is(endpoint.stats.callbackErrors, 1);
  await endpoint.close();
});

for (const kind of ['throws', 'rejects'] as const) {
  test(`onmessage: a handler that ${kind} ends the session with internal_error; onerror gets the exception`, async (t) => {
    const thrown = new Error(`handler ${kind}`);
    const serverErrors: Error[] = [];
    const endpoint = listen(
      (s) => {
        s.onerror = (e) => serverErrors.push(e);
        s.onmessage =
          kind === 'throws'
            ? () => {
                throw thrown;
              }
            : () => Promise.reject(thrown);
      },
      { cert: id.cert, key: id.key, host: '127.0.0.1' },
    );
    const { port } = await endpoint.listening;
    const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    await client.opened;
    client.send('hello');
    const ended = await client.closed.then(
      () => undefined,
      (e: unknown) => e,
    );
    t.like(ended, { code: 'ERR_DTLS_ALERT', alert: 'internal_error' });
    await until(() => serverErrors.length > 0);
    t.deepEqual(serverErrors, [thrown]);
    t.is(endpoint.stats.callbackErrors, 1);
    await endpoint.close();
  });
}

test('onticket: a client handler that throws ends that session with the exception, inside no socket handler; the server goes on', async (t) => {
  const thrown = new Error('onticket failed');
  const endpoint = listen((s) => (s.onmessage = (d) => s.send(d)), { cert: id.cert, key: id.key, host: '127.0.0.1' });
  t.teardown(() => endpoint.close());
  const { port } = await endpoint.listening;
  const errors: Error[] = [];
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  client.onerror = (e) => errors.push(e);
  client.onticket = () => {
    throw thrown;
  };
  const ended = await client.closed.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.is(ended, thrown, 'closed rejects with what the handler threw');
  t.deepEqual(errors, [thrown]);
  // The server saw internal_error and still serves.
  const next = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await next.opened;
  await next.close();
});
