import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { decodeSession12, encodeSession12, isSession12Blob } from '../../runtime/dtls12/session-blob.js';
import { connect } from '../../runtime/api/connect.js';
import type { ConnectOptions } from '../../runtime/api/options.js';
import { decodeClientSession } from '../../runtime/session/client-session.js';
import { DecodeError } from '../../runtime/wire/errors.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/**
 * A DTLS 1.2 session resumed through `connect` (issue 28), over real UDP
 * with dtls13's listener: `session.session`, `session.ticket` and
 * `onticket` hand out a 1.2 session (a blob that says DTLS 1.2: the
 * server's ticket, the session ID, the master secret); `connect({ session })`
 * resumes it with `maxVersion: 'DTLSv1.2'` (the plain 1.2 client) and with
 * the default range (the one ClientHello carries the 1.2 ticket and session
 * ID beside its 1.3 offer): abbreviated, `reused`, no Certificate on the
 * wire. A 1.3 server ignores the 1.2 session (a full 1.3 handshake), a 1.2
 * handshake never takes a 1.3 session, and bad blobs are ConfigErrors
 * naming `session`.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);
const TICKET_KEY = new Uint8Array(32).fill(0x5a);
const CERTIFICATE = 11;

/** The handshake message types in a datagram's epoch-0 records (1.2 plaintext: a 1.3 Certificate is never there). */
function handshakeTypes(d: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off + 13 <= d.length;) {
    const len = (d[off + 11]! << 8) | d[off + 12]!;
    if (d[off] === 22 && d[off + 3] === 0 && d[off + 4] === 0 && off + 13 < d.length) out.push(d[off + 13]!);
    off += 13 + len;
  }
  return out;
}

interface Outcome {
  readonly protocol: string;
  readonly reused: boolean;
  readonly session: Buffer | undefined;
  readonly ticket: Buffer | undefined;
  readonly announced: Buffer[];
  readonly certificateSeen: boolean;
  readonly peerCertificate: boolean;
  readonly echo: string;
}

/** One connection: the version, whether it resumed, the session it handed out, whether a 1.2 Certificate arrived. */
async function once(port: number, options: ConnectOptions): Promise<Outcome> {
  const seen: number[] = [];
  const c = connect('127.0.0.1', port, {
    ca,
    servername: 'localhost',
    onDatagram: (direction, d) => {
      if (direction === 'received') seen.push(...handshakeTypes(d));
    },
    ...options,
  });
  const announced: Buffer[] = [];
  c.onticket = (s) => announced.push(s);
  try {
    const { protocol } = await c.opened;
    const echo = new Promise<string>((resolve) => (c.onmessage = (m) => resolve(m.toString())));
    c.send('ping');
    const ticket = await c.ticket; // a 1.3 session exists only once its NewSessionTicket has come
    return {
      protocol,
      reused: c.reused,
      session: c.session,
      ticket,
      announced,
      certificateSeen: seen.includes(CERTIFICATE),
      peerCertificate: c.parameters?.peerCertificate !== undefined,
      echo: await echo,
    };
  } finally {
    await c.close();
  }
}

for (const range of [{ maxVersion: 'DTLSv1.2' } as const, {}]) {
  const name = range.maxVersion === undefined ? 'the default range (negotiating client)' : 'maxVersion DTLSv1.2';
  test(`${name}: a 1.2 session from listen resumes through connect, abbreviated, reused, no Certificate`, async (t) => {
    const s = await echoServer(id, { maxVersion: 'DTLSv1.2', ticketKeys: TICKET_KEY });
    try {
      const first = await once(s.port, range);
      t.is(first.protocol, 'DTLSv1.2');
      t.false(first.reused);
      t.true(first.certificateSeen, 'the full handshake carries the Certificate');
      t.truthy(first.session, 'session.session holds the 1.2 session');
      t.true(isSession12Blob(first.session!));
      t.deepEqual(first.ticket, first.session, 'session.ticket resolves with it');
      t.deepEqual(first.announced, [first.session!], 'onticket is told of it once');
      const stored = decodeSession12(first.session!);
      t.truthy(stored.ticket, "the listener's RFC 5077 ticket is in it");
      t.is(stored.serverName, 'localhost');

      const second = await once(s.port, { ...range, session: first.session! });
      t.is(second.protocol, 'DTLSv1.2');
      t.true(second.reused, 'resumed');
      t.false(second.certificateSeen, 'no Certificate: the abbreviated handshake');
      t.is(second.echo, 'echo: ping');
      t.truthy(second.session, 'the resumed session is handed out again');
      t.is(s.refusals.length, 0);
    } finally {
      await s.listener.close();
    }
  });
}

test('default range: a 1.3 server ignores the 1.2 session offered beside 1.3 (a full 1.3 handshake, never resumed as 1.3)', async (t) => {
  const s12 = await echoServer(id, { maxVersion: 'DTLSv1.2', ticketKeys: TICKET_KEY });
  const s13 = await echoServer(id, { ticketKeys: TICKET_KEY });
  try {
    const first = await once(s12.port, {});
    t.true(isSession12Blob(first.session!));
    const other = await once(s13.port, { session: first.session! });
    t.is(other.protocol, 'DTLSv1.3');
    t.false(other.reused);
    t.true(other.peerCertificate, 'the server authenticated with its certificate');
    t.is(other.echo, 'echo: ping');
    t.false(isSession12Blob(other.session!), 'the session handed out is a 1.3 one');
    t.notThrows(() => decodeClientSession(other.session!));
  } finally {
    await s12.listener.close();
    await s13.listener.close();
  }
});

test('maxVersion DTLSv1.2: a 1.3 session is never resumed as 1.2 (a full 1.2 handshake)', async (t) => {
  const s = await echoServer(id, { ticketKeys: TICKET_KEY });
  try {
    const first = await once(s.port, { minVersion: 'DTLSv1.3' });
    t.is(first.protocol, 'DTLSv1.3');
    t.false(isSession12Blob(first.session!));
    const other = await once(s.port, { maxVersion: 'DTLSv1.2', session: first.session! });
    t.is(other.protocol, 'DTLSv1.2');
    t.false(other.reused);
    t.true(other.certificateSeen);
  } finally {
    await s.listener.close();
  }
});

test('a 1.2 session blob says its version, round-trips, and is never read as a 1.3 one nor the reverse', (t) => {
  const session = {
    id: new Uint8Array(32).fill(7),
    masterSecret: new Uint8Array(48).fill(9),
    suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256' as const,
    serverName: 'localhost',
    expiresAt: Date.now() + 60_000,
    ticket: new Uint8Array(100).fill(3),
  };
  const blob = encodeSession12(session);
  t.is(Buffer.from(blob.subarray(0, 4)).toString('latin1'), 'D12S');
  t.deepEqual(decodeSession12(blob), session);
  t.throws(() => decodeClientSession(blob), { instanceOf: DecodeError });
  const idOnly = { ...session, ticket: undefined };
  const { ticket: _ticket, ...withoutTicket } = idOnly;
  t.deepEqual(decodeSession12(encodeSession12(withoutTicket)), withoutTicket);
  for (let cut = 0; cut < blob.length; cut++)
    t.throws(() => decodeSession12(blob.subarray(0, cut)), { instanceOf: DecodeError }, `cut at ${cut}`);
  t.throws(() => decodeSession12(Uint8Array.of(...blob, 0)), { instanceOf: DecodeError });
  const noEms = blob.slice();
  noEms[15] = 0;
  t.throws(() => decodeSession12(noEms), { instanceOf: DecodeError, message: /extended_master_secret/ });
  t.throws(() => decodeSession12(encodeSession12({ ...withoutTicket, id: new Uint8Array(0) })), {
    instanceOf: DecodeError,
    message: /neither/,
  });
});

test('connect: a malformed or misplaced 1.2 session is a ConfigError naming session', (t) => {
  const good = encodeSession12({
    id: new Uint8Array(32).fill(7),
    masterSecret: new Uint8Array(48).fill(9),
    suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    serverName: 'localhost',
    expiresAt: Date.now() + 60_000,
  });
  const options = { ca, servername: 'localhost' };
  const bad = (session: Uint8Array, extra: ConnectOptions = {}): ConfigError =>
    t.throws(() => connect('127.0.0.1', 9, { ...options, session, ...extra }), { instanceOf: ConfigError })!;
  t.regex(bad(good.subarray(0, 20)).message, /session.*cannot be read/);
  t.regex(bad(good.subarray(0, 20), { maxVersion: 'DTLSv1.2' }).message, /session.*cannot be read/);
  t.regex(bad(good, { minVersion: 'DTLSv1.3' }).message, /session.*DTLS 1\.2 session/);
  t.regex(bad(good, { servername: 'other.test' }).message, /session.*was issued by localhost, not other\.test/);
  t.is(bad(good.subarray(0, 20)).option, 'session');
});

test('hostile blobs: 3,000 mutated 1.2 sessions decode or fail with a DecodeError, never anything else', (t) => {
  const blob = encodeSession12({
    id: new Uint8Array(32).fill(7),
    masterSecret: new Uint8Array(48).fill(9),
    suite: 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256',
    serverName: 'localhost',
    expiresAt: Date.now() + 60_000,
    ticket: new Uint8Array(40).fill(3),
  });
  let seed = 12345;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const b = blob.slice(0, blob.length - next(8));
    for (let k = 1 + next(3); k > 0; k--) b[4 + next(b.length - 4)] = next(256);
    try {
      decodeSession12(b);
    } catch (e) {
      if (!(e instanceof DecodeError)) return t.fail(`threw ${String(e)}`);
      refused++;
    }
  }
  t.true(refused > 0);
});
