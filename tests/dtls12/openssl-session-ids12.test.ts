import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials } from './negotiation-support.js';
import { identityFiles, OpenSslPeer } from './openssl12.js';

/**
 * Issue 55, defect 3, against Debian's OpenSSL 3.0: `s_client -dtls1_2
 * -no_ticket` (no RFC 5077 ticket: only a session ID can resume) saves
 * the session `listen` gave it with `-sess_out`, and `-sess_in` resumes it
 * ("Reused"); our session says `reused`. Before the listener kept a
 * session cache it issued no ID and the second connection was "New". The
 * same with the listener's flight in 300-byte datagrams, which it sends
 * with the ServerHello's datagram last (runtime/dtls12/outbox.ts).
 */

const id = makeIdentity('p256', 'server.test');
const files = identityFiles(id);

async function serve(mtu?: number): Promise<{ listener: DtlsListener; port: number; sessions: DtlsSession[] }> {
  const sessions: DtlsSession[] = [];
  const { cert, key } = credentials(id);
  const listener = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (m) => s.send(m);
    },
    { cert, key, host: '127.0.0.1', maxVersion: 'DTLSv1.2', ...(mtu !== undefined ? { mtu } : {}) },
  );
  const { port } = await listener.listening;
  return { listener, port, sessions };
}

/** One s_client connection with `-no_ticket` and `mode` `sess`; what it printed and whether our session says reused. */
async function client(
  port: number,
  sess: string,
  mode: '-sess_out' | '-sess_in',
  sessions: DtlsSession[],
): Promise<{ out: string; reused: boolean }> {
  const before = sessions.length;
  const c = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-no_ticket',
    '-connect',
    `127.0.0.1:${port}`,
    '-CAfile',
    files.ca,
    '-verify_return_error',
    '-servername',
    'server.test',
    mode,
    sess,
  ]);
  try {
    await c.waitFor(/Reused, TLSv1\.2|New, TLSv1\.2/);
    if (mode === '-sess_out') {
      const deadline = Date.now() + 10_000;
      while (!(existsSync(sess) && readFileSync(sess, 'latin1').includes('END SSL SESSION')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    }
    const ours = sessions[before];
    if (ours === undefined) throw new Error('no session at the listener');
    await ours.opened;
    return { out: c.out, reused: ours.reused };
  } finally {
    c.stop();
  }
}

for (const mtu of [undefined, 300]) {
  const flight = mtu === undefined ? '' : `, the listener's flight in ${mtu}-byte datagrams`;
  test(`s_client -dtls1_2 -no_ticket resumes by session ID with listen (-sess_out, then -sess_in: Reused)${flight}`, async (t) => {
    const s = await serve(mtu);
    const sess = join(files.dir, `id-session-${mtu ?? 'default'}.pem`);
    try {
      const one = await client(s.port, sess, '-sess_out', s.sessions);
      t.regex(one.out, /New, TLSv1\.2/);
      t.false(one.out.includes('TLS session ticket:'), '-no_ticket: no ticket');
      t.regex(one.out, /Session-ID: [0-9A-F]{64}/, 'the listener issued a 32-byte session ID');
      t.false(one.reused);
      t.is(s.listener.stats.sessionIds12, 1);
      const two = await client(s.port, sess, '-sess_in', s.sessions);
      t.regex(two.out, /Reused, TLSv1\.2/, 'OpenSSL resumed by the ID');
      t.true(two.reused, 'and so did our session');
    } finally {
      await s.listener.close();
    }
  });
}
