import test from 'ava';
import { decodeSession12 } from '../../runtime/dtls12/session-blob.js';
import { connect } from '../../runtime/api/connect.js';
import type { ConnectOptions } from '../../runtime/api/options.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles, OpenSslPeer, pem } from './openssl12.js';

/**
 * A DTLS 1.2 session resumed through `connect` with Debian's OpenSSL 3.0
 * `s_server -dtls1_2` over real UDP (issue 28), with the plain 1.2 client
 * (`maxVersion: 'DTLSv1.2'`) and the default range (the negotiating client,
 * whose ClientHello offers 1.3 too): from the server's RFC 5077 ticket
 * (`-no_cache`: only a ticket can resume) and from the session ID
 * (`-no_ticket`: only the session cache can). Resumed: `reused`, no
 * Certificate on the wire, and s_server's own "Reused session-id" line.
 */

const ecdsa = makeIdentity('p256', 'server.test', { at: Date.now() });
const files = identityFiles(ecdsa);
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

/** One connection from `localPort` (s_server's socket stays connected to its first client's address). */
async function once(
  port: number,
  localPort: number,
  options: ConnectOptions,
): Promise<{ reused: boolean; certificate: boolean; session: Buffer | undefined }> {
  const seen: number[] = [];
  const c = connect('127.0.0.1', port, {
    ca: pem('CERTIFICATE', ecdsa.caDer),
    servername: 'server.test',
    bindPort: localPort,
    bindHost: '127.0.0.1',
    onDatagram: (direction, d) => {
      if (direction === 'received') seen.push(...handshakeTypes(d));
    },
    ...options,
  });
  try {
    const { protocol } = await c.opened;
    if (protocol !== 'DTLSv1.2') throw new Error(`negotiated ${protocol}`);
    return { reused: c.reused, certificate: seen.includes(CERTIFICATE), session: c.session };
  } finally {
    await c.close();
  }
}

const ranges = [{ maxVersion: 'DTLSv1.2' } as const, {}];
const modes = [
  { name: 'ticket (-no_cache)', flag: '-no_cache', ticket: true },
  { name: 'session ID (-no_ticket)', flag: '-no_ticket', ticket: false },
];

for (const range of ranges) {
  for (const mode of modes) {
    const name = range.maxVersion === undefined ? 'default range' : 'maxVersion DTLSv1.2';
    test.serial(`${name}: connect resumes a 1.2 session by ${mode.name} with s_server -dtls1_2`, async (t) => {
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
        mode.flag,
        '-naccept',
        '2',
      ]);
      await server.waitFor('ACCEPT');
      const localPort = await freeUdpPort();
      try {
        const first = await once(port, localPort, range);
        t.false(first.reused);
        t.true(first.certificate);
        t.truthy(first.session, 'session.session holds the 1.2 session');
        const stored = decodeSession12(first.session!);
        t.is(
          stored.ticket !== undefined,
          mode.ticket,
          mode.ticket ? "OpenSSL's ticket is kept" : 'no ticket: the session ID alone',
        );
        if (!mode.ticket) t.is(stored.id.length, 32);
        const second = await once(port, localPort, { ...range, session: first.session! });
        t.true(second.reused, 'resumed');
        t.false(second.certificate, 'no Certificate: the abbreviated handshake');
        await server.waitFor('Reused session-id'); // s_server: the session it resumed
      } finally {
        server.stop();
      }
    });
  }
}
