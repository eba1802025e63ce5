import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer } from './cli-process.js';

/** `dtls13 server --workers N`: the same server on N worker threads sharing the port (docs/scale-out.md). */

const pem = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
test.after.always(() => pem.remove());

test('dtls13 server --workers 2 --echo: two event loops on one port, each client answered and printed as with one', async (t) => {
  const server = await startServer(pem, ['--workers', '2', '--echo', '--cid', '8']);
  t.regex(server.run.out().stdout, /listening on 127\.0\.0\.1:\d+ \(2 workers, CID steering\)/);
  for (const text of ['first', 'second', 'third']) {
    const r = await dtls13(['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'], `${text}\n`).done;
    t.regex(r.stdout, new RegExp(`\\b${text}\\b`), r.stderr);
  }
  const out = await server.stop();
  t.is(out.match(/ connected: /g)?.length, 3, out);
});

test('dtls13 server --workers 0: a usage error naming the range', async (t) => {
  const bad = await dtls13(['server', '--listen', '127.0.0.1:0', '--cert', pem.cert, '--key', pem.key, '--workers', '0'], null).done;
  t.not(bad.code, 0);
  t.regex(bad.stderr, /--workers must be 1\.\.64 or auto, got 0/);
});
