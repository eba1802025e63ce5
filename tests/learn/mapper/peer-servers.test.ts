import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { CLOSED } from '../../../learn/sul.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { startWolfServer, wolfsslBuild, writePem } from '../../interop/wolfssl.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from '../../dtls12/openssl12.js';
import { walk } from './steps.js';

/**
 * The mapper walks independent servers from Debian packages through the normal handshake over real UDP: wolfSSL's
 * DTLS 1.3 example server (5.7.2, built from Debian's source by tests/interop/build-wolfssl.sh) and Debian's OpenSSL
 * 3.0 `s_server -dtls1_2`. Their flights, their answers to our Finished and application data, and an alert for a
 * wrong Finished show the mapper's cryptography and abstraction agree with another implementation's.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

test.serial(
  'wolfSSL 1.3 server: cookie, server flight, Finished, application data; a wrong Finished is refused',
  async (t) => {
    const pem = writePem(id);
    const { port, run } = await startWolfServer(pem, ['-d', '-i'], 60_000);
    const sul = await openServerSul({ host: '127.0.0.1', port, version: '1.3', parallel: 1 });
    try {
      // The example server serves one connection at a time: the close_notify ends this one before the next session.
      const out = await walk(sul, [
        'ClientHello',
        'ClientHelloWithCookie',
        'Finished',
        'ApplicationData',
        'Alert(close_notify)',
      ]);
      t.is(out[0], 'HelloRetryRequest');
      t.is(out[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
      t.notRegex(out[2]!, /Alert|closed/);
      t.regex(out[3]!, /ApplicationData/, 'the example server answers our line');
      t.regex(out[4]!, /^(Alert\(close_notify\)|closed)$/);
    } finally {
      await sul.close();
      run.kill();
      await run.done;
    }
    // The wrong Finished goes to a server of its own: `-i` closes and binds its socket again between connections, and
    // a ClientHello sent in that window is lost (the walk then read its retry's HelloRetryRequest, ci1 2026-11-27).
    const serverCommand = `cd '${wolfsslBuild()}' && exec ./examples/server/server -u -v 4 -p {port} -c '${pem.cert}' -k '${pem.key}' -d`;
    const fresh = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 1, serverCommand });
    try {
      const wrong = await walk(fresh, [
        'ClientHello',
        'ClientHelloWithCookie',
        'FinishedWrongVerifyData',
        'ApplicationData',
      ]);
      t.is(wrong[0], 'HelloRetryRequest');
      t.is(wrong[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
      t.is(wrong[2], 'Alert(decrypt_error)');
      t.is(wrong[3], CLOSED);
    } finally {
      await fresh.close();
      pem.remove();
    }
  },
);

test.serial(
  'OpenSSL 1.2 server: HelloVerifyRequest, server flight, ChangeCipherSpec and Finished; it reads our data',
  async (t) => {
    const files = identityFiles(id);
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
    ]);
    await server.waitFor('ACCEPT');
    // s_server is a process of its own: the step's loop clock leaves out this process's stalls, not the server's, and
    // an answer the server sends after the wait counts for the next step (a server stopped 1.5 s answered `timeout`,
    // `timeout`, then `HelloVerifyRequest+Alert(unexpected_message)`). No step can wait for "the" answer instead: a
    // silent step (ClientKeyExchange, ChangeCipherSpec, our data) is an answer too, and only the wait ends it. So a
    // wait of 1 s, not 300 ms: ten times the longest loop-clock time to a whole answer measured at load 21 on 2 cores
    // (99 ms), for 2.1 s more on the three silent steps.
    const sul = await openServerSul({ host: '127.0.0.1', port, version: '1.2', parallel: 1, waitMs: 1000 });
    try {
      const out = await walk(sul, [
        'ClientHello',
        'ClientHelloWithCookie',
        'ClientKeyExchange',
        'ChangeCipherSpec',
        'Finished',
        'ApplicationData',
        'Alert(close_notify)',
      ]);
      t.is(out[0], 'HelloVerifyRequest');
      t.is(out[1], 'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone');
      t.regex(out[4]!, /ChangeCipherSpec\+Finished$/);
      await server.waitFor('dtls13 learn', 10_000);
      t.pass('s_server printed the application data it opened');
      t.is(out[6], 'Alert(close_notify)');
    } finally {
      await sul.close();
      server.stop();
    }
  },
);

test.serial(
  'wolfSSL 1.3 server started per session (serverCommand): two sessions at once, each its own server',
  async (t) => {
    const pem = writePem(id);
    const serverCommand = `cd '${wolfsslBuild()}' && exec ./examples/server/server -u -v 4 -p {port} -c '${pem.cert}' -k '${pem.key}' -d`;
    const sul = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 2, serverCommand });
    try {
      const outs = await Promise.all(
        [0, 1].map(() => walk(sul, ['ClientHello', 'ClientHelloWithCookie', 'Finished', 'ApplicationData'])),
      );
      for (const out of outs) {
        t.is(out[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
        t.regex(out[3]!, /ApplicationData/);
      }
    } finally {
      await sul.close();
      pem.remove();
    }
  },
);

test.serial(
  'wolfSSL 1.3 server: a stray Certificate between the HelloRetryRequest and the retry stays out of the transcript',
  async (t) => {
    const pem = writePem(id);
    const serverCommand = `cd '${wolfsslBuild()}' && exec ./examples/server/server -u -v 4 -p {port} -c '${pem.cert}' -k '${pem.key}' -d`;
    const sul = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 1, serverCommand });
    try {
      const out = await walk(sul, ['ClientHello', 'Certificate', 'ClientHelloWithCookie']);
      t.is(
        out[2],
        'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished',
        'the flight opens under the keys of the right transcript',
      );
    } finally {
      await sul.close();
      pem.remove();
    }
  },
);

test.serial(
  'wolfSSL 1.3 server: a second ClientHello without the cookie starts over; the retry after it completes',
  async (t) => {
    const pem = writePem(id);
    const serverCommand = `cd '${wolfsslBuild()}' && exec ./examples/server/server -u -v 4 -p {port} -c '${pem.cert}' -k '${pem.key}' -d`;
    const sul = await openServerSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 1, serverCommand });
    try {
      const out = await walk(sul, ['ClientHello', 'ClientHello', 'ClientHelloWithCookie']);
      t.deepEqual(out.slice(0, 2), ['HelloRetryRequest', 'HelloRetryRequest']);
      t.is(out[2], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
    } finally {
      await sul.close();
      pem.remove();
    }
  },
);
