import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dataOf, makeNssDb, startNssServer } from '../interop/nss.js';
import { freeUdpPort, OpenSslPeer } from '../dtls12/openssl12.js';
import { dtls13, type CliRun } from './cli-process.js';

/**
 * Issue 49 item 4: `echo hello | dtls13 client` against a peer that writes a
 * line of its own right after the handshake. The client's N lines must all
 * reach the peer, counted there: DTLS 1.2 against Debian's OpenSSL 3.0
 * `s_server -dtls1_2` (which prints what it reads), DTLS 1.3 against NSS
 * 3.110's tstclnt as a DTLS server (`-P server`, built by
 * tests/interop/build-nss.sh: it writes what its stdin gives, here once its
 * handshake is done, and prints what it reads). Real UDP on 127.0.0.1, real
 * processes.
 * The client learns of the peer's line before it is given its own (its
 * stdin stays open until then), so the peer has written first every time.
 */

const N = 300;
const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

/** N numbered lines of 30 bytes: about 9 KB, several records of up to 1 KiB. */
const LINES = Array.from({ length: N }, (_, i) => `line ${String(i + 1).padStart(4, '0')} from the dtls13 client`);
const INPUT = LINES.map((l) => `${l}\n`).join('');

/**
 * Bounds for a stuck peer, not timing checks: on a loaded machine (8 busy
 * loops on 2 cores) starting the client alone takes tens of seconds.
 */
const PATIENCE_MS = 240_000;

/** Resolves once `seen()` holds; rejects when `gone` settles first or after PATIENCE_MS. */
async function until(seen: () => boolean, what: string, gone: Promise<unknown>): Promise<void> {
  let ended = false;
  void gone.then(() => (ended = true));
  const deadline = Date.now() + PATIENCE_MS;
  while (!seen() && Date.now() < deadline) {
    if (ended && !seen()) throw new Error(`ended before ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!seen()) throw new Error(`no ${what} within ${PATIENCE_MS} ms`);
}

/** How many of LINES appear, each on its own, in `text`. */
function counted(text: string): number {
  const got = new Set(text.split('\n').filter((l) => /^line \d{4} from the dtls13 client$/.test(l)));
  return LINES.filter((l) => got.has(l)).length;
}

/** The client, given its lines (and the end of its stdin) once the peer's line is on its stdout. */
function clientAfterPeerLine(port: number, peerLine: string): { run: CliRun; fed: Promise<void> } {
  const run = dtls13(['client', '--connect', `127.0.0.1:${port}`, '--ca', pem.ca, '--servername', 'localhost'], null);
  const fed = (async () => {
    await until(() => run.out().stdout.includes(peerLine), `the peer's line on the client's stdout`, run.done);
    run.child.stdin!.end(INPUT);
  })();
  return { run, fed };
}

test.serial(
  `DTLS 1.2: openssl s_server -dtls1_2 writes first; all ${N} lines of the client reach it, and the client exits 0`,
  async (t) => {
    const port = await freeUdpPort();
    const server = new OpenSslPeer([
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      pem.cert,
      '-key',
      pem.key,
    ]);
    try {
      await server.waitFor('ACCEPT', PATIENCE_MS);
      const { run, fed } = clientAfterPeerLine(port, 'from openssl first\n');
      // s_server writes what its stdin gives once the handshake has completed (its "CIPHER is" line).
      await server.waitFor('CIPHER is', PATIENCE_MS);
      server.write('from openssl first\n');
      await fed;
      const r = await run.done;
      t.is(r.code, 0, r.stderr);
      t.regex(r.stderr, /^connected: DTLSv1\.2 /m);
      t.is(r.stdout, 'from openssl first\n');
      // The client's close_notify comes after its lines: s_server prints DONE once it has read them all.
      await server.waitFor('DONE', PATIENCE_MS);
      t.is(counted(server.out), N, server.out.slice(-2000));
    } finally {
      server.stop();
    }
  },
);

test.serial(
  `DTLS 1.3: NSS's tstclnt -P server writes first; all ${N} lines of the client reach it, and the client exits 0`,
  async (t) => {
    const db = await makeNssDb(serverId, serverId);
    const { port, run: peer } = await startNssServer(db, [], PATIENCE_MS + 10_000);
    try {
      const { run, fed } = clientAfterPeerLine(port, 'from nss first\n');
      // tstclnt -v reports its handshake on stderr ("SSL version 3.4 using ..."): then it has our Finished and writes.
      await until(() => /SSL version 3\.4 using/.test(peer.stderr()), 'the handshake on the NSS side', peer.done);
      peer.write('from nss first\n');
      await fed;
      const r = await run.done;
      t.is(r.code, 0, r.stderr);
      t.regex(r.stderr, /^connected: tls_\w+ /m);
      t.is(r.stdout, 'from nss first\n');
      // The client's close_notify comes after its lines: NSS has read them all once it reads the end of the connection.
      await until(() => counted(dataOf(peer.stdout())) === N, 'every line printed by NSS', peer.done);
      peer.end();
      const { code, stdout, stderr } = await peer.done;
      t.is(code, 0, stderr.slice(-2000));
      t.regex(stderr, /Read from server 0 bytes/, 'the close_notify reached NSS');
      t.is(counted(dataOf(stdout)), N, stdout.slice(-2000));
    } finally {
      peer.kill();
      db.remove();
    }
  },
);
