import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { encodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { state12Of } from '../support/inside12.js';
import type { Session12 } from '../../runtime/dtls12/session.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';
import { Udp12, type AnyEvent } from './udp12.js';

/**
 * RFC 5077 session tickets in DTLS 1.2 against Debian's OpenSSL 3.0 over
 * real UDP, both ways, with no session cache on the resuming server (only
 * a ticket can resume): our client resumes with `s_server -dtls1_2
 * -no_cache` from the ticket it stored (abbreviated: no Certificate on the
 * wire), and a ticket flipped in one byte gives a full handshake; `s_client
 * -sess_out` / `-sess_in` resumes with our server from our ticket.
 */

const now = Date.now();
const ecdsa = makeIdentity('p256', 'server.test', { at: now });
const files = identityFiles(ecdsa);
const SUITE = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256' as const;
const TICKET_KEY = new Uint8Array(32).fill(0x21);
const isComplete = (e: AnyEvent): boolean => e.type === 'handshakeComplete';

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

/** One connection of our client to `port` from `localPort`: whether it resumed and the server's handshake message types. */
async function connectOnce(
  port: number,
  localPort: number,
  session: Session12 | undefined,
): Promise<{ resumed: boolean; seen: number[]; session: Session12 | undefined }> {
  const conn = DtlsConnection.client({
    maxVersion: 'DTLSv1.2',
    trustAnchors: [ecdsa.caDer],
    serverName: 'server.test',
    cipherSuites12: [SUITE],
    ...(session ? { session: encodeSession12(session) } : {}),
  });
  const seen: number[] = [];
  const client = await Udp12.client(conn, port, localPort);
  client.inbound = (d) => {
    seen.push(...handshakeTypes(d));
    return d;
  };
  try {
    await client.waitFor(isComplete, 15_000, 'handshake');
    await client.waitFor((e) => e.type === 'sessionTicket', 5000, 'session');
    return {
      resumed: state12Of(client.conn).negotiated?.resumed === true,
      seen,
      session: state12Of(client.conn).lastSession,
    };
  } finally {
    await client.close();
  }
}

test.serial(
  'dtls13 client resumes from its ticket with s_server -dtls1_2 -no_cache; a ticket flipped in one byte gives a full handshake',
  async (t) => {
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      String(port),
      '-cert',
      files.cert,
      '-key',
      files.key,
      '-cipher',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      '-no_cache',
      '-naccept',
      '3',
    ]);
    await server.waitFor('ACCEPT');
    // s_server's socket stays connected to the first client's address: every connection from the same local port.
    const localPort = await freeUdpPort();
    try {
      const first = await connectOnce(port, localPort, undefined);
      t.false(first.resumed);
      t.true(first.seen.includes(4), 'OpenSSL sent a NewSessionTicket');
      t.truthy(first.session?.ticket, 'the ticket is kept with the session');
      const second = await connectOnce(port, localPort, first.session);
      t.true(second.resumed, 'OpenSSL resumed from the ticket (it keeps no session cache)');
      t.false(second.seen.includes(11), 'no Certificate: the abbreviated handshake');
      const forged = first.session!.ticket!.slice();
      forged[forged.length >> 1]! ^= 0x01;
      const third = await connectOnce(port, localPort, { ...first.session!, ticket: forged });
      t.false(third.resumed, 'a forged ticket: a full handshake');
      t.true(third.seen.includes(11), 'with the Certificate');
    } finally {
      server.stop();
    }
  },
);

async function serveOnce(
  sess: string,
  mode: '-sess_out' | '-sess_in',
): Promise<{ resumed: boolean; client: OpenSslPeer; ticket: boolean }> {
  const conn = DtlsConnection.server({
    maxVersion: 'DTLSv1.2',
    certificate: { chain: ecdsa.chain, privateKey: ecdsa.privateKey },
    cipherSuites12: [SUITE],
    ticketKeys: TICKET_KEY,
  });
  const server = await Udp12.server(conn);
  const client = new OpenSslPeer([
    's_client',
    '-dtls1_2',
    '-connect',
    `127.0.0.1:${server.port}`,
    '-CAfile',
    files.ca,
    '-verify_return_error',
    '-servername',
    'server.test',
    mode,
    sess,
  ]);
  try {
    await server.waitFor(isComplete, 15_000, 'handshake');
    await client.waitFor(/Reused, TLSv1\.2|New, TLSv1\.2/);
    if (mode === '-sess_out') {
      const deadline = Date.now() + 10_000;
      while (!(existsSync(sess) && readFileSync(sess, 'latin1').includes('END SSL SESSION')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
    }
    return {
      resumed: state12Of(server.conn).negotiated?.resumed === true,
      client,
      ticket: client.out.includes('TLS session ticket:'),
    };
  } finally {
    client.stop();
    await server.close();
  }
}

test.serial(
  's_client -sess_out / -sess_in resumes with our server from our ticket (no session cache on our side)',
  async (t) => {
    const sess = join(files.dir, 'ticket-session.pem');
    const one = await serveOnce(sess, '-sess_out');
    t.false(one.resumed);
    t.true(one.ticket, 's_client got our NewSessionTicket');
    t.true(existsSync(sess));
    const two = await serveOnce(sess, '-sess_in');
    t.true(two.resumed, 'our server resumed from the ticket s_client sent');
    t.regex(two.client.out, /Reused, TLSv1\.2/);
  },
);
