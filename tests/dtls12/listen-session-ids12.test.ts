import test from 'ava';
import { decodeSession12, encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { SessionCache12 } from '../../runtime/dtls12/session.js';
import { ConfigError } from '../../runtime/config-error.js';
import { listen } from '../../runtime/api/listener.js';
import { connect } from '../../runtime/api/connect.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';
import { pair12, pump } from './pair12.js';

/**
 * Issue 55, defect 3: `listen` issues DTLS 1.2 session IDs and resumes a
 * ticketless client by its ID (RFC 5246 §7.3), from a cache of its own
 * (`maxSessionIds12`, default 1,024; each session lives `ticketLifetime`).
 * Over real UDP with `connect` as the client and a listener that issues
 * no tickets (`tickets: 0`), so only the ID can resume. Attacker cases: a
 * flood of full handshakes holds at most the cap, an ID changed in one
 * byte (forged) or another listener's gives a full handshake, and a
 * session resumes only under the name and the client-authentication
 * policy a full handshake would grant now.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const CERTIFICATE = 11;

/** The handshake message types in a datagram's epoch-0 records. */
function handshakeTypes(d: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off + 13 <= d.length;) {
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0 && off + 13 < d.length) out.push(d[off + 13]!);
    off += 13 + len;
  }
  return out;
}

/** One 1.2 connection through `connect`: whether it resumed, whether a Certificate came, the session it handed out, the echo. */
async function once(
  port: number,
  session?: Uint8Array,
): Promise<{ reused: boolean; certificateSeen: boolean; session: Buffer | undefined; echo: string }> {
  const seen: number[] = [];
  const c = connect('127.0.0.1', port, {
    ca,
    servername: 'localhost',
    maxVersion: 'DTLSv1.2',
    onDatagram: (direction, d) => {
      if (direction === 'received') seen.push(...handshakeTypes(d));
    },
    ...(session !== undefined ? { session } : {}),
  });
  try {
    await c.opened;
    const echo = new Promise<string>((resolve) => (c.onmessage = (m) => resolve(m.toString())));
    c.send('ping');
    return { reused: c.reused, certificateSeen: seen.includes(CERTIFICATE), session: await c.ticket, echo: await echo };
  } finally {
    await c.close();
  }
}

test('a ticketless 1.2 client resumes by session ID with listen: abbreviated, no Certificate, the echo answered', async (t) => {
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0 });
  try {
    const first = await once(s.port);
    t.false(first.reused);
    t.truthy(first.session, 'connect handed out a 1.2 session');
    const stored = decodeSession12(first.session!);
    t.is(stored.ticket, undefined, 'tickets: 0: no ticket, so only the ID can resume');
    t.is(stored.id.length, 32, 'the listener issued a session ID');
    t.is(s.listener.stats.sessionIds12, 1);
    const second = await once(s.port, first.session);
    t.true(second.reused, 'resumed by the session ID');
    t.false(second.certificateSeen, 'the abbreviated handshake: no Certificate');
    t.is(second.echo, 'echo: ping');
    t.is(s.listener.stats.sessionIds12, 1, 'a resumption adds no session');
  } finally {
    await s.listener.close();
  }
});

test('attacker: a flood of full handshakes keeps at most maxSessionIds12 sessions, the oldest dropped first', async (t) => {
  const cap = 3;
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0, maxSessionIds12: cap });
  try {
    const sessions: Buffer[] = [];
    for (let i = 0; i < cap + 5; i++) {
      const r = await once(s.port);
      sessions.push(r.session!);
      t.true(s.listener.stats.sessionIds12 <= cap, `after ${i + 1} handshakes`);
    }
    t.is(s.listener.stats.sessionIds12, cap);
    const oldest = await once(s.port, sessions[0]);
    t.false(oldest.reused, 'the oldest session was dropped: a full handshake');
    t.true(oldest.certificateSeen);
    const newest = await once(s.port, sessions[sessions.length - 1]);
    t.true(newest.reused, 'the newest is still held');
    t.true(s.listener.stats.sessionIds12 <= cap);
  } finally {
    await s.listener.close();
  }
});

test('attacker: a burst of full handshakes from many ports does not flush a session that has resumed (maxSessionIds12)', async (t) => {
  const cap = 8;
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0, maxSessionIds12: cap });
  try {
    const legit = await once(s.port);
    t.true((await once(s.port, legit.session)).reused, 'the client came back once: the session proved itself');
    // The attacker: 3 × the capacity in cookie-verified full handshakes, each from a port of its own.
    for (let i = 0; i < 3 * cap; i++) await once(s.port);
    t.true(s.listener.stats.sessionIds12 <= cap);
    const back = await once(s.port, legit.session);
    t.true(back.reused, 'the resumed session outlived the burst');
    t.false(back.certificateSeen);
  } finally {
    await s.listener.close();
  }
});

test('the session cache bound: a resumed session survives any number of stores; ⌊cap/2⌋ other resumptions move it back; a new one outlives ⌈cap/2⌉ − 1 stores', (t) => {
  const cap = 6;
  const cache = new SessionCache12(cap, 60_000);
  const key = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff, 2, 3);
  const session = (n: number) => ({
    id: key(n),
    masterSecret: new Uint8Array(48),
    suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256' as const,
    serverName: undefined,
    expiresAt: 60_000,
  });
  cache.store(session(0));
  cache.proven(key(0));
  for (let n = 1; n <= 1000; n++) cache.store(session(n));
  t.truthy(cache.find(key(0), 0), 'stores never drop a resumed session');
  t.is(cache.size, cap);
  // A new session outlives at least ⌈cap/2⌉ − 1 stores after it (here cap/2 of them).
  cache.store(session(200));
  for (let n = 201; n < 201 + cap / 2; n++) cache.store(session(n));
  t.truthy(cache.find(key(200), 0));
  // ⌊cap/2⌋ resumptions of other sessions move the first one back among the new; then stores drop it.
  for (let n = 201; n < 201 + cap / 2; n++) cache.proven(key(n));
  for (let n = 300; n < 300 + cap; n++) cache.store(session(n));
  t.is(cache.find(key(0), 0), undefined);
  t.is(cache.size, cap);
  t.notThrows(() => cache.proven(Uint8Array.of(9, 9, 9)), 'an ID it does not hold: nothing');
});

test('attacker: a session ID changed in one byte (forged, unknown) gives a full handshake, never an alert', async (t) => {
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0 });
  try {
    const first = await once(s.port);
    const stored = decodeSession12(first.session!);
    const forgedId = stored.id.slice();
    forgedId[7]! ^= 0x40;
    const forged = await once(s.port, encodeSession12({ ...stored, id: forgedId }));
    t.false(forged.reused);
    t.true(forged.certificateSeen, 'a full handshake, with the Certificate');
    t.is(forged.echo, 'echo: ping');
    t.deepEqual(s.refusals, []);
  } finally {
    await s.listener.close();
  }
});

test("a session ID resumes only at the listener that issued it: another listener's cache is its own", async (t) => {
  const a = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0 });
  const b = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0 });
  try {
    const first = await once(a.port);
    const elsewhere = await once(b.port, first.session);
    t.false(elsewhere.reused, 'listener b never saw the session');
    t.true(elsewhere.certificateSeen);
    t.true((await once(a.port, first.session)).reused, 'listener a still resumes it');
  } finally {
    await a.listener.close();
    await b.listener.close();
  }
});

test('maxSessionIds12: 0 issues no session ID; a bad value is a ConfigError naming it', async (t) => {
  const s = await echoServer(id, { maxVersion: 'DTLSv1.2', tickets: 0, maxSessionIds12: 0 });
  try {
    const first = await once(s.port);
    t.is(first.session, undefined, 'no ID, no ticket: nothing to resume');
    t.is(s.listener.stats.sessionIds12, 0);
  } finally {
    await s.listener.close();
  }
  for (const bad of [-1, 1.5, 2_000_000]) {
    const e = t.throws(() => listen(() => {}, { maxSessionIds12: bad, ...credentials(id) }), {
      instanceOf: ConfigError,
    });
    t.is(e?.option, 'maxSessionIds12');
  }
});

// The policy checks, in memory: a cache shared by two servers here stands for one listener whose name or policy differs.
const certificate = { chain: id.chain, privateKey: id.privateKey };

function handshake(client: DtlsOptions, server: DtlsOptions): ReturnType<typeof pair12<DtlsConnection>> {
  const p = pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'localhost',
      sessionTickets12: false,
      ...client,
    }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, tickets: 0, ...server }),
  );
  p.client.connect(0);
  pump(p);
  return p;
}

test('a cached session resumes only under the server name it was made for', (t) => {
  const cache = new SessionCache12();
  const first = handshake({}, { sessionCache12: cache });
  const session = state12Of(first.client).lastSession!;
  t.true(
    state12Of(handshake({ session: encodeSession12(session) }, { sessionCache12: cache }).server).negotiated!.resumed,
  );
  // The same ID held for another name (the session of another SNI name of the listener): a full handshake.
  cache.store({ ...cache.find(session.id, Date.now())!, serverName: 'other.test' });
  const other = handshake({ session: encodeSession12(session) }, { sessionCache12: cache });
  t.is(other.server.state, 'connected');
  t.false(state12Of(other.server).negotiated!.resumed);
});

test('a server requiring a client certificate resumes by ID only a session whose client proved one', (t) => {
  const clientId = makeIdentity('p256', 'client.test');
  const client = { certificate: { chain: clientId.chain, privateKey: clientId.privateKey } };
  const requiring = { clientAuthentication: 'required' as const, trustAnchors: [clientId.caDer] };
  const cache = new SessionCache12();
  // Made where no certificate was asked for.
  const plain = state12Of(handshake(client, { sessionCache12: cache }).client).lastSession!;
  const a = handshake({ ...client, session: encodeSession12(plain) }, { ...requiring, sessionCache12: cache });
  t.is(a.server.state, 'connected');
  t.false(state12Of(a.server).negotiated!.resumed, 'not resumed: a full handshake with the certificate');
  t.true(state12Of(a.server).negotiated!.clientAuthenticated);
  const proved = state12Of(a.client).lastSession!;
  const b = handshake({ ...client, session: encodeSession12(proved) }, { ...requiring, sessionCache12: cache });
  t.true(state12Of(b.server).negotiated!.resumed, 'a session with the certificate resumes');
});
