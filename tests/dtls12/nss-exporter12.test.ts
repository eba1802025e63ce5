import test from 'ava';
import { connect } from '../../runtime/index.js';
import { dataOf, makeNssDb, nssReport, runTstclnt, startNssServer } from '../interop/nss.js';
import { OUR_EXPORTER, ourServer, pemOf } from '../interop/wolfssl.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The RFC 5705 exporter with a context in DTLS 1.2, through the public API
 * (connect / listen), with NSS 3.110's tstclnt (built from Debian's source
 * package by tests/interop/build-nss.sh; `-P client` / `-P server`, `-V
 * tls1.2:tls1.2`), whose `-x LABEL:LENGTH:CONTEXT` exports with a context
 * (OpenSSL's s_client and s_server export without one,
 * openssl-connect12.test.ts): equal on both ends, both directions, after a
 * 1,100-byte record each way.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const EXPORTER = ['-x', `${OUR_EXPORTER.label}:32:${OUR_EXPORTER.context}`];
const DTLS12 = ['-V', 'tls1.2:tls1.2'];
/** 1,100 letters: one record (tstclnt sends what one read of its stdin gives, up to 4,000 bytes, as one record). */
const BIG = Array.from({ length: 1100 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

test.serial(
  'tstclnt -P client (DTLS 1.2) → dtls13 server (listen): a 1,100-byte record echoed, the exporter with a context equal on both ends',
  async (t) => {
    const db = await makeNssDb(id);
    const { cert, key } = pemOf(id);
    const server = await ourServer({ cert, key }, (m) => m);
    const run = runTstclnt(db, [
      '-P',
      'client',
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-a',
      'localhost',
      ...DTLS12,
      ...EXPORTER,
    ]);
    try {
      run.write(BIG);
      await run.waitFor(BIG);
      await server.sessions[0]?.session.close();
      run.end();
      const { code, stdout, stderr } = await run.done;
      const ours = server.sessions[0];
      t.is(ours?.protocol, 'DTLSv1.2', `ours: ${ours?.error}; NSS: ${stderr}`);
      t.deepEqual(ours?.data, [BIG], 'our server received the record whole');
      t.is(dataOf(stdout), BIG, 'tstclnt got the echo');
      t.is(nssReport(stdout, stderr).version, '3.3', 'NSS reports TLS 1.2 inside (the wire carries DTLS 1.2)');
      t.regex(stdout, /Context:/, 'tstclnt exported with a context');
      t.regex(ours?.exporterWithContext ?? '', /^[0-9a-f]{64}$/);
      t.is(nssReport(stdout, stderr).exporter, ours?.exporterWithContext, 'exporters with a context agree');
      t.not(ours?.exporterWithContext, ours?.exporter, 'the context changes the exporter');
      t.is(code, 0, stderr);
    } finally {
      run.kill();
      await server.close();
      db.remove();
    }
  },
);

test.serial(
  'dtls13 client (connect) → tstclnt -P server (DTLS 1.2): a 1,100-byte record each way, the exporter with a context equal on both ends',
  async (t) => {
    const db = await makeNssDb(id, id);
    const { port, run } = await startNssServer(db, [...DTLS12, ...EXPORTER]);
    try {
      const session = connect('127.0.0.1', port, {
        ca: pemOf(id).ca,
        servername: 'localhost',
        handshakeTimeout: 15_000,
      });
      let received = '';
      session.onmessage = (m) => (received += m.toString());
      await session.opened;
      t.is(session.protocol, 'DTLSv1.2');
      const withContext = session
        .exportKeyingMaterial(32, OUR_EXPORTER.label, Buffer.from(OUR_EXPORTER.context))
        .toString('hex');
      const without = session.exportKeyingMaterial(32, OUR_EXPORTER.label).toString('hex');
      session.send(BIG);
      await run.waitFor(BIG);
      const reply = BIG.toUpperCase();
      run.write(reply);
      for (let i = 0; i < 1000 && received.length < reply.length; i++) await new Promise((r) => setTimeout(r, 10));
      t.is(received, reply, 'we received its record whole');
      await session.close();
      await new Promise((r) => setTimeout(r, 200)); // our close_notify before tstclnt's stdin ends (it exits at once then)
      run.end();
      const { stdout, stderr } = await run.done;
      t.is(dataOf(stdout), BIG, 'tstclnt received the record whole');
      t.is(nssReport(stdout, stderr).version, '3.3');
      t.regex(stdout, /Context:/, 'tstclnt exported with a context');
      t.is(nssReport(stdout, stderr).exporter, withContext, 'exporters with a context agree');
      t.not(withContext, without, 'the context changes the exporter');
    } finally {
      run.kill();
      db.remove();
    }
  },
);
