import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { referenceServer, type ReferenceServer } from '../../../learn/mapper/reference.js';
import { CLOSED, type SystemUnderLearning } from '../../../learn/sul.js';
import { certificateToPem, privateKeyToPem } from '../../../runtime/pki/pem.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { OUTPUT, randomWords, walk } from './steps.js';

/**
 * The DTLS 1.2 client side of the mapper against dtls13's own server over real UDP (ECDHE-ECDSA): HelloVerifyRequest,
 * the server's flight, the ChangeCipherSpec and Finished that answer ours, the echo; client authentication with our
 * certificate and CertificateVerify; a wrong Finished; random orders; parallel sessions.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const HANDSHAKE = [
  'ClientHello',
  'ClientHelloWithCookie',
  'ClientKeyExchange',
  'ChangeCipherSpec',
  'Finished',
  'ApplicationData',
];
const SERVER_FLIGHT = 'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone';
let server: ReferenceServer;
let sul: SystemUnderLearning;

test.before(async () => {
  server = await referenceServer({
    version: '1.2',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
  });
  sul = await openServerSul({ host: server.host, port: server.port, version: '1.2', parallel: 3 });
});

test.after.always(async () => {
  await sul?.close();
  await server?.close();
});

test('the normal handshake: HelloVerifyRequest, the server flight, its ChangeCipherSpec and Finished, the echo', async (t) => {
  const out = await walk(sul, HANDSHAKE);
  t.is(out[0], 'HelloVerifyRequest');
  t.is(out[1], SERVER_FLIGHT);
  t.is(out[2], 'timeout', 'ClientKeyExchange alone is no flight');
  t.is(out[3], 'timeout', 'nor is ChangeCipherSpec');
  t.regex(out[4]!, /ChangeCipherSpec\+Finished$/);
  t.is(out[5], 'ApplicationData');
});

test('a second ChangeCipherSpec keeps our epoch-1 record numbers going: the data after it is not a replay', async (t) => {
  // Restarting the numbers at 0 made every later record repeat one the server had seen, dropped as a replay
  // (RFC 6347 §4.1.2.6): our alert after it looked ignored (a false answer-after-fatal-alert on wolfSSL).
  const out = await walk(sul, [...HANDSHAKE.slice(0, 5), 'ChangeCipherSpec', 'ApplicationData', 'ApplicationData']);
  t.regex(out[4]!, /ChangeCipherSpec\+Finished$/);
  t.deepEqual(out.slice(6), ['ApplicationData', 'ApplicationData']);
});

test('a Finished with a wrong verify_data gets an alert, and every later step answers closed', async (t) => {
  const out = await walk(sul, [
    'ClientHello',
    'ClientHelloWithCookie',
    'ClientKeyExchange',
    'ChangeCipherSpec',
    'FinishedWrongVerifyData',
    'ApplicationData',
  ]);
  t.regex(out[4]!, /^Alert\((decrypt_error|handshake_failure)\)$/);
  t.is(out[5], CLOSED);
});

test('out of order inputs (seed 1206) give symbols, never a throw; closed stays closed', async (t) => {
  for (const word of randomWords(sul.inputs, 1206, 6, 7)) {
    const out = await walk(sul, word);
    for (const o of out) t.regex(o, OUTPUT, `${word.join(' ')} -> ${out.join(' | ')}`);
    const first = out.indexOf(CLOSED);
    if (first >= 0)
      t.true(
        out.slice(first).every((o) => o === CLOSED),
        out.join(' | '),
      );
  }
});

test('three sessions at once each complete their own handshake', async (t) => {
  const outs = await Promise.all([0, 1, 2].map(() => walk(sul, HANDSHAKE)));
  for (const out of outs) {
    t.is(out[1], SERVER_FLIGHT);
    t.is(out[5], 'ApplicationData');
  }
});

test('a server that asks for a certificate: our Certificate and CertificateVerify complete the handshake', async (t) => {
  const asking = await referenceServer({
    version: '1.2',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
    ca: certificateToPem(clientId.caDer),
  });
  const withCert = await openServerSul({
    host: asking.host,
    port: asking.port,
    version: '1.2',
    parallel: 1,
    cert: clientId.chain,
    key: clientId.privateKey,
  });
  try {
    const out = await walk(withCert, [
      'ClientHello',
      'ClientHelloWithCookie',
      'Certificate',
      'ClientKeyExchange',
      'CertificateVerify',
      'ChangeCipherSpec',
      'Finished',
      'ApplicationData',
    ]);
    t.is(out[1], 'ServerHello+Certificate+ServerKeyExchange+CertificateRequest+ServerHelloDone');
    t.regex(out[6]!, /ChangeCipherSpec\+Finished$/);
    t.is(out[7], 'ApplicationData');
  } finally {
    await withCert.close();
    await asking.close();
  }
});
