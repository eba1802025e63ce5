import test from 'ava';
import { readFileSync } from 'node:fs';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { DROP_REASONS } from '../../runtime/record/drops.js';
import { PATH_STATS } from '../../runtime/cid/path-stats.js';
import { IGNORE_REASONS } from '../../runtime/shared/record-rules.js';
import {
  freezeSession,
  thawSession,
  type FrozenSession,
  type HibernatedSession,
} from '../../runtime/shared/hibernation.js';

/**
 * A frozen session outlives the process that froze it (an application may keep it in a store across a restart or an
 * upgrade), so its layout is a format: a form written by this version must thaw to the same session. The counters are
 * written in the order of their lists (IGNORE_REASONS, DROP_REASONS, PATH_STATS), so a list reordered or a field
 * moved would give a kept session's counts to other names with every other test passing. The form below was written
 * by this version from SESSION; a change of layout must change the form's version character (hibernation.ts
 * VERSION), and then this fixture is written again (the failure message prints the new form).
 */

const FIXTURE = new URL('./fixtures/frozen-session.b64', import.meta.url);

/**
 * Every counter a distinct value fixed by its name (its place in the names sorted), not by its place in the list, so
 * a reordered list writes another form.
 */
const numbered = <N extends string>(names: readonly N[], base: number): Record<N, number> =>
  Object.fromEntries([...names].sort().map((n, i) => [n, base + i])) as Record<N, number>;

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

const SESSION: HibernatedSession = {
  session: {
    parameters: {
      cipherSuite: 'tls_aes_128_gcm_sha256',
      group: 'x25519',
      signatureAlgorithm: 'ecdsa_secp256r1_sha256',
      helloRetryRequest: true,
      clientAuthenticated: false,
      peerCertificate: undefined,
      peerCertificateChain: undefined,
      resumed: false,
      pskIdentity: undefined,
      pskMode: undefined,
      earlyData: 'not sent',
      alpnProtocol: 'coap',
      servername: 'server.test',
      srtpProfile: undefined,
      recordSizeLimit: 1200,
    },
    read: { epoch: 3, secret: bytes(32, 0x11) },
    write: { epoch: 4, secret: bytes(32, 0x22) },
    resumptionSecret: bytes(32, 0x33),
    exporterSecret: bytes(32, 0x44),
    serverName: 'server.test',
    clientAuthenticated: false,
    ticketsIssued: 2,
  },
  handshakeReadSecret: undefined,
  records: {
    write: { epoch: 4, seq: 77, used: 78 },
    reads: [{ epoch: 3, right: 41, words: [0b1011], used: 42, failed: 5, failedInRow: 1 }],
    highestDropped: 9,
    newestAuthenticated: 41,
    sendLimit: 1200,
    receiveLimit: 1300,
    drops: numbered(DROP_REASONS, 100),
  },
  flight: { state: 'acknowledged', retransmitted: 1, timeout: 1000 },
  sendSeq: 6,
  receiveSeq: 4,
  messagesSent: 7,
  datagramLimit: 1400,
  peerEpoch: 3,
  startedAt: 1700000000000.5,
  completedAt: 1700000000100.25,
  authenticatedAt: undefined,
  clock: 123456.75,
  counts: {
    datagramsReceived: 10,
    datagramsSent: 11,
    recordsReceived: 12,
    applicationBytesSent: 13,
    applicationBytesReceived: 14,
    handshakeMessagesReceived: 15,
  },
  ignored: numbered(IGNORE_REASONS, 200),
  path: '192.0.2.1:5684',
  cids: {
    issued: [{ cid: bytes(4, 0xaa), sequence: 0 }],
    nextSequence: 1,
    inUse: 0,
    peerCurrent: bytes(4, 0xbb),
    peerSpares: [],
    peerSeen: [bytes(4, 0xbb)],
    rrcNegotiated: true,
    requestOutstanding: false,
    requestsReceived: 0,
    newestEpoch: 3,
    newestSequence: 41,
    counts: numbered(PATH_STATS, 300),
  },
};

test('a form this version wrote thaws to the same session, every counter under its own name', (t) => {
  const kept = readFileSync(FIXTURE, 'utf8').trim();
  const written = Buffer.from(freezeSession(SESSION, nodeProvider), 'latin1').toString('base64');
  t.is(
    written,
    kept,
    'the frozen layout changed: change VERSION in runtime/shared/hibernation.ts, then write this form into ' +
      `tests/shared/fixtures/frozen-session.b64:\n${written}`,
  );
  t.deepEqual(thawSession(Buffer.from(kept, 'base64').toString('latin1') as FrozenSession), SESSION);
});
