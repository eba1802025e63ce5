import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { referenceServer, type ReferenceServer } from '../../../learn/mapper/reference.js';
import { CLOSED, type SystemUnderLearning } from '../../../learn/sul.js';
import { certificateToPem, privateKeyToPem } from '../../../runtime/pki/pem.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { OUTPUT, randomWords, walk } from './steps.js';

/**
 * The DTLS 1.3 client side of the mapper against dtls13's own server over real UDP: the handshake walked input by
 * input gives the server's flights and the echo; a wrong Finished gives an alert and then the `closed` sink; any
 * order of inputs gives symbols, never a throw; sessions at once do not disturb each other.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const HANDSHAKE = ['ClientHello', 'ClientHelloWithCookie', 'Finished', 'ApplicationData'];
let server: ReferenceServer;
let sul: SystemUnderLearning;

test.before(async () => {
  server = await referenceServer({
    version: '1.3',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
  });
  sul = await openServerSul({ host: server.host, port: server.port, version: '1.3', parallel: 4 });
});

test.after.always(async () => {
  await sul?.close();
  await server?.close();
});

test('the alphabet and the SUL describe a 1.3 server', (t) => {
  t.is(sul.version, '1.3');
  t.is(sul.role, 'server');
  t.is(sul.parallel, 4);
  for (const i of [
    'ClientHello',
    'ClientHelloNoKeyShare',
    'ClientHelloWithCookie',
    'Finished',
    'KeyUpdate',
    'ACK',
    'ChangeCipherSpec',
  ])
    t.true(sul.inputs.includes(i), i);
});

test('the normal handshake: HelloRetryRequest, the server flight, then the echo of application data', async (t) => {
  const out = await walk(sul, HANDSHAKE);
  t.is(out[0], 'HelloRetryRequest', 'the server asks for a cookie');
  t.is(out[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
  t.notRegex(out[2]!, /Alert|closed/, 'our Finished is accepted');
  t.regex(out[3]!, /ApplicationData/, 'the echo opens under the application keys');
});

test('a key share the server cannot use: HelloRetryRequest, and the retry with the cookie and a share completes', async (t) => {
  const out = await walk(sul, ['ClientHelloNoKeyShare', 'ClientHelloWithCookie', 'Finished', 'ApplicationData']);
  t.is(out[0], 'HelloRetryRequest');
  t.is(out[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
  t.regex(out[3]!, /ApplicationData/);
});

test('KeyUpdate is acknowledged and application data goes on under the next keys', async (t) => {
  const out = await walk(sul, [...HANDSHAKE, 'KeyUpdate', 'ApplicationData']);
  t.regex(out[4]!, /ACK/);
  t.regex(out[5]!, /ApplicationData/);
});

test('a Finished with a wrong verify_data gets decrypt_error, and every later step answers closed', async (t) => {
  const out = await walk(sul, [
    'ClientHello',
    'ClientHelloWithCookie',
    'FinishedWrongVerifyData',
    'ApplicationData',
    'Finished',
    'ClientHello',
  ]);
  t.is(out[2], 'Alert(decrypt_error)');
  t.deepEqual(out.slice(3), [CLOSED, CLOSED, CLOSED]);
});

test('close_notify after the handshake is answered in kind, then the session is closed', async (t) => {
  const out = await walk(sul, [...HANDSHAKE, 'Alert(close_notify)', 'ApplicationData']);
  t.is(out[4], 'Alert(close_notify)');
  t.is(out[5], CLOSED);
});

test('out of order inputs (seed 58) give symbols, never a throw; closed stays closed', async (t) => {
  for (const word of randomWords(sul.inputs, 58, 6, 7)) {
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

test('four sessions at once each complete their own handshake', async (t) => {
  const outs = await Promise.all([0, 1, 2, 3].map(() => walk(sul, HANDSHAKE)));
  for (const out of outs) {
    t.is(out[1], 'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished');
    t.regex(out[3]!, /ApplicationData/);
  }
});

test('an input outside the alphabet is the learner’s error: a RangeError naming it', async (t) => {
  const s = await sul.open();
  try {
    await t.throwsAsync(() => s.step('ServerHello'), { instanceOf: RangeError, message: /ServerHello/ });
  } finally {
    await s.close();
  }
});

test('a server that asks for a certificate: our Certificate and CertificateVerify over the transcript are accepted', async (t) => {
  const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
  const asking = await referenceServer({
    version: '1.3',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
    ca: certificateToPem(clientId.caDer),
  });
  const withCert = await openServerSul({
    host: asking.host,
    port: asking.port,
    version: '1.3',
    parallel: 1,
    cert: clientId.chain,
    key: clientId.privateKey,
  });
  try {
    const out = await walk(withCert, [
      'ClientHello',
      'ClientHelloWithCookie',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'ApplicationData',
    ]);
    t.is(out[1], 'ServerHello+EncryptedExtensions+CertificateRequest+Certificate+CertificateVerify+Finished');
    t.notRegex(out.slice(2, 5).join(' '), /Alert|closed/);
    t.regex(out[5]!, /ApplicationData/);
  } finally {
    await withCert.close();
    await asking.close();
  }
});
