import test from 'ava';
import { rmSync } from 'node:fs';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { identityFiles } from '../../dtls12/openssl12.js';
import { requireCommand } from '../../interop/iot-peers.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { walk } from './steps.js';

/**
 * A server started per session (`serverCommand`) that has bound its port and does not read from it yet: Debian's
 * `gnutls-serv --udp` (gnutls-bin), stopped with SIGSTOP by its shell as soon as its IPv4 socket is in
 * /proc/net/udp, as a loaded machine may leave a process just started unscheduled. Its answer to the first ClientHello
 * waits in the socket's queue; the mapper must wait for it before the step ends, and
 * must tell a server that never answers from one that answers late.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

/** gnutls-serv on {port}, stopped once bound; continued after `pause` seconds (never, for `undefined`). */
function stoppedGnutls(files: { cert: string; key: string }, pause: number | undefined): string {
  const serve = `gnutls-serv --udp -p {port} --x509certfile '${files.cert}' --x509keyfile '${files.key}' --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2`;
  const bound = `hex=$(printf %04X {port}); until grep -q ":$hex " /proc/net/udp; do :; done`;
  const resume = pause === undefined ? '' : `sleep ${pause}; kill -CONT $pid; `;
  return `${serve} >/dev/null & pid=$!; ${bound}; kill -STOP $pid; ${resume}wait $pid`;
}

test.serial(
  'a started server not yet reading: the first ClientHello is answered, not counted as silence',
  async (t) => {
    requireCommand('gnutls-serv', 'gnutls-bin');
    const files = identityFiles(id);
    const silent: string[] = [];
    const sul = await openServerSul({
      host: '127.0.0.1',
      port: 0,
      version: '1.2',
      parallel: 1,
      waitMs: 1000,
      startMs: 20_000,
      serverCommand: stoppedGnutls(files, 3),
      onSilentStart: (input) => silent.push(input),
    });
    try {
      // Only the first answer: gnutls-serv answers the ClientHello with the cookie after it only sometimes, stopped or
      // not (docs/learn-peers.md, GnuTLS).
      t.deepEqual(await walk(sul, ['ClientHello']), ['HelloVerifyRequest']);
      t.deepEqual(silent, []);
    } finally {
      await sul.close();
      rmSync(files.dir, { recursive: true, force: true });
    }
  },
);

test.serial(
  'a started server that never answers its first ClientHello is reported, and the step is timeout',
  async (t) => {
    // A UDP port bound and never read (Debian's python3): what a DTLS server that ignores every ClientHello looks like.
    const silentServer = `exec python3 -c 'import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", {port})); time.sleep(120)'`;
    const silent: string[] = [];
    const sul = await openServerSul({
      host: '127.0.0.1',
      port: 0,
      version: '1.2',
      parallel: 1,
      waitMs: 200,
      startMs: 1500,
      serverCommand: silentServer,
      onSilentStart: (input) => silent.push(input),
    });
    try {
      t.deepEqual(await walk(sul, ['ClientHello']), ['timeout']);
      t.deepEqual(silent, ['ClientHello']);
    } finally {
      await sul.close();
    }
  },
);

test('startMs must be a positive number of milliseconds', async (t) => {
  await t.throwsAsync(
    openServerSul({ host: '127.0.0.1', port: 0, version: '1.2', parallel: 1, startMs: 0, serverCommand: 'x {port}' }),
    { instanceOf: RangeError, message: /startMs must be a positive number of milliseconds, got 0/ },
  );
});

test.serial('a second ClientHello without the cookie: the HelloVerifyRequest that answers it counts', async (t) => {
  // gnutls-serv's cookie depends on the client's address only, so its second HelloVerifyRequest repeats the first.
  requireCommand('gnutls-serv', 'gnutls-bin');
  const files = identityFiles(id);
  const serverCommand = `gnutls-serv --udp -p {port} --x509certfile '${files.cert}' --x509keyfile '${files.key}' --priority NORMAL:-VERS-ALL:+VERS-DTLS1.2`;
  const sul = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.2', parallel: 1, serverCommand });
  try {
    t.deepEqual(await walk(sul, ['ClientHello', 'ClientHello', 'ClientHelloWithCookie']), [
      'HelloVerifyRequest',
      'HelloVerifyRequest',
      'ServerHello+Certificate+ServerKeyExchange+CertificateRequest+ServerHelloDone',
    ]);
  } finally {
    await sul.close();
    rmSync(files.dir, { recursive: true, force: true });
  }
});
