import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeIdentity } from '../support/pki-fixtures.js';
import { startWolfServer, writePem } from '../interop/wolfssl.js';
import { freeUdpPort, OpenSslPeer } from '../dtls12/openssl12.js';
import { dtls13, type CliRun } from './cli-process.js';

/**
 * Issue 49 item 7: the client's exit status says what its help says. The end
 * of input closes (openssl s_client's convention) and exits 0; `--replies N`
 * is the one way to wait for replies, and exits 1 when fewer came before the
 * server closed or the client gave up; the server's close_notify is a clean
 * close. Against Debian's OpenSSL 3.0 (`s_server -dtls1_2`, which writes a
 * line of its own first) and wolfSSL 5.7.2's example server (0-RTT: it
 * answers the early data once, then sends close_notify).
 */

const serverId = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(serverId);
test.after.always(() => pem.remove());

/** A bound for a stuck peer on a loaded machine, not a timing check. */
const PATIENCE_MS = 240_000;

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

/**
 * `dtls13 client ARGS` against `openssl s_server -dtls1_2`, which writes
 * its own line once the handshake has completed; the client's stdin gets
 * "hello" once that line is on the client's stdout, then ends.
 */
async function againstServerWritingFirst(
  args: readonly string[],
): Promise<{ r: Awaited<CliRun['done']>; server: OpenSslPeer }> {
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
    const run = dtls13(
      ['client', '--connect', `127.0.0.1:${port}`, '--ca', pem.ca, '--servername', 'localhost', ...args],
      null,
    );
    await server.waitFor('CIPHER is', PATIENCE_MS);
    server.write('unasked\n');
    await until(() => run.out().stdout.includes('unasked\n'), "the server's line", run.done);
    run.child.stdin!.end('hello\n');
    const r = await run.done;
    // What the client sent went before its close_notify (or its idle close): s_server prints DONE after reading it.
    await server.waitFor('DONE', PATIENCE_MS);
    return { r, server };
  } finally {
    server.stop();
  }
}

test.serial(
  'openssl s_server writes first: the end of input closes and exits 0; its line counts for --replies 1',
  async (t) => {
    for (const args of [[], ['--replies', '1']]) {
      const { r, server } = await againstServerWritingFirst(args);
      t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      t.is(r.stdout, 'unasked\n');
      t.notRegex(r.stderr, /dtls13 client:|no reply/);
      t.regex(server.out, /^hello$/m, 'the line reached s_server');
    }
  },
);

test.serial(
  'openssl s_server writes first: --replies 2 gets one line, and the client exits 1 saying so (not 0)',
  async (t) => {
    // s_server answers nothing: the idle close ends the wait, with one of the two replies.
    const { r, server } = await againstServerWritingFirst(['--replies', '2', '--idle-timeout', '1500']);
    t.is(r.code, 1, r.stderr);
    t.regex(
      r.stderr,
      /^dtls13 client: idle for --idle-timeout 1500 ms before every reply came \(--replies 2: 1 came\)$/m,
    );
    t.regex(server.out, /^hello$/m);
  },
);

/**
 * wolfSSL's example server with 0-RTT (`-d -r -0 -J n`: two connections, the
 * second may resume with early data, no cookie exchange): a first client
 * saves the session, then `second` runs with it and --early-data.
 */
async function wolfZeroRtt(
  t: { teardown(f: () => void): void },
  second: (common: readonly string[]) => CliRun,
): Promise<Awaited<CliRun['done']>> {
  // Killed after PATIENCE_MS, not runWolf's default 30 s: starting the two clients alone may take that long under load.
  const { port, run } = await startWolfServer(pem, ['-d', '-r', '-0', '-J', 'n'], PATIENCE_MS);
  t.teardown(() => run.kill());
  const session = join(pem.dir, `session-${port}.bin`);
  const early = join(pem.dir, `early-${port}.txt`);
  writeFileSync(early, 'early request\n');
  const common = ['--connect', `127.0.0.1:${port}`, '--ca', pem.ca, '--servername', 'localhost'];
  const first = await dtls13(['client', ...common, '--message', 'first-run', '--replies', '1', '--sess-out', session])
    .done;
  if (first.code !== 0) throw new Error(`the first run failed: ${first.stderr}`);
  const r = await second([...common, '--sess-in', session, '--early-data', early]).done;
  await run.done;
  return r;
}

test.serial(
  'wolfSSL 0-RTT: early data accepted, one answer, then its close_notify: --message exits 0; --replies 2 exits 1 with 1 of 2',
  async (t) => {
    const plain = await wolfZeroRtt(t, (common) => dtls13(['client', ...common, '--message', 'second-run']));
    t.is(plain.code, 0, plain.stderr);
    t.regex(plain.stderr, /^early data: accepted$/m);
    t.notRegex(plain.stderr, /dtls13 client:/);

    const counted = await wolfZeroRtt(t, (common) =>
      dtls13(['client', ...common, '--message', 'second-run', '--replies', '2']),
    );
    t.is(counted.code, 1, counted.stderr);
    t.regex(counted.stderr, /^early data: accepted$/m);
    t.regex(counted.stderr, /^closed by the server \(close_notify\)$/m);
    t.regex(
      counted.stderr,
      /^dtls13 client: the server closed the connection \(close_notify\) before every reply came \(--replies 2: 1 came\)$/m,
    );
    t.is(counted.stdout, 'I hear you fa shizzle!\n');
  },
);

test.serial(
  "wolfSSL 0-RTT: its close_notify while the client's input is still open is a clean close (exit 0), the unread input reported",
  async (t) => {
    // wolfSSL's server answers once it has read a message after the handshake: the line goes once the client is connected.
    const open = await wolfZeroRtt(t, (common) => {
      const run = dtls13(['client', ...common], null);
      run.child.stderr!.on('data', () => {
        if (run.out().stderr.includes('early data:') && run.child.stdin!.writable)
          run.child.stdin!.write('second-run\n');
      });
      return run;
    });
    t.is(open.code, 0, open.stderr);
    t.regex(open.stderr, /^early data: accepted$/m);
    t.regex(open.stderr, /^closed by the server \(close_notify\); the rest of the input not read$/m);
    t.is(open.stdout, 'I hear you fa shizzle!\n');
  },
);
