import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { identityFiles } from '../../dtls12/openssl12.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { assertStartedAndStopped } from './started-log.js';
import { walk } from './steps.js';

/**
 * Servers started ahead of their sessions (learn/mapper/started-servers.ts), with Debian's `openssl s_server`: each
 * session still gets a fresh server of its own, `parallel` more are started while sessions run, and closing the SUL
 * stops the ones no session took.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

test('each session its own fresh server, parallel more started ahead, none left after close', async (t) => {
  const files = identityFiles(id);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-started-'));
  const log = join(dir, 'started');
  // The shell writes the port and its pid, then becomes the server (exec keeps the pid).
  const serverCommand = `echo "{port} $$" >> '${log}'; exec openssl s_server -dtls1_2 -accept {port} -cert '${files.cert}' -key '${files.key}' -quiet`;
  const sul = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.2', parallel: 2, serverCommand });
  try {
    for (let k = 0; k < 3; k++) {
      t.deepEqual(await walk(sul, ['ClientHello', 'ClientHelloWithCookie']), [
        'HelloVerifyRequest',
        'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone',
      ]);
    }
  } finally {
    await sul.close();
  }
  assertStartedAndStopped(t, log, 3, 2, 'server');
  rmSync(dir, { recursive: true, force: true });
  rmSync(files.dir, { recursive: true, force: true });
});
