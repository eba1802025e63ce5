import test from 'ava';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { referenceClient } from '../../../learn/mapper/reference.js';
import { CLOSED } from '../../../learn/sul.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { OUTPUT, randomWords, walk } from './steps.js';

/**
 * The server sides of the mapper against dtls13's own client (`dtls13 client`, started per session with the session's
 * port) over real UDP: the client validates our certificate chain, CertificateVerify and Finished, so its Finished (1.3)
 * or its silence after ours (1.2) shows the cryptography is right; a wrong Finished gets an alert and the client's
 * exit makes the session `closed`; sessions at once are independent.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const FLIGHT_13 = [
  'HelloRetryRequest',
  'ServerHello',
  'EncryptedExtensions',
  'Certificate',
  'CertificateVerify',
  'Finished',
];
const FLIGHT_12 = [
  'HelloVerifyRequest',
  'ServerHello',
  'Certificate',
  'ServerKeyExchange',
  'ServerHelloDone',
  'ChangeCipherSpec',
  'Finished',
];

async function clientSul(
  version: '1.2' | '1.3',
  parallel = 1,
): Promise<{ sul: Awaited<ReturnType<typeof openClientSul>>; done: () => Promise<void> }> {
  const ref = referenceClient({ version, ca: id.caDer });
  const sul = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version,
    parallel,
    clientCommand: ref.command,
    cert: id.chain,
    key: id.privateKey,
  });
  return {
    sul,
    done: async () => {
      await sul.close();
      ref.close();
    },
  };
}

test('1.3 client: a HelloRetryRequest brings a new ClientHello; our flight brings its Finished; KeyUpdate is answered', async (t) => {
  const { sul, done } = await clientSul('1.3');
  try {
    t.is(sul.role, 'client');
    const out = await walk(sul, [...FLIGHT_13, 'KeyUpdate', 'Alert(close_notify)', 'ApplicationData']);
    t.is(out[0], 'ClientHello');
    t.deepEqual(out.slice(1, 5), ['timeout', 'timeout', 'timeout', 'timeout'], 'a flight in the making gets no answer');
    t.is(out[5], 'Finished', 'the client checked our certificate, CertificateVerify and Finished');
    t.regex(out[6]!, /KeyUpdate/, 'it updates its keys as we asked');
    t.regex(out[7]!, /^(Alert\(close_notify\)|closed)$/);
    t.is(out[8], CLOSED);
  } finally {
    await done();
  }
});

test('1.3 client: a Finished with a wrong verify_data gets decrypt_error, and the session is closed', async (t) => {
  const { sul, done } = await clientSul('1.3');
  try {
    const out = await walk(sul, [...FLIGHT_13.slice(0, 5), 'FinishedWrongVerifyData', 'ApplicationData']);
    t.is(out[5], 'Alert(decrypt_error)');
    t.is(out[6], CLOSED);
  } finally {
    await done();
  }
});

test('1.2 client: HelloVerifyRequest brings the ClientHello with the cookie; ServerHelloDone its key exchange and Finished', async (t) => {
  const { sul, done } = await clientSul('1.2');
  try {
    const out = await walk(sul, [...FLIGHT_12, 'Alert(close_notify)']);
    t.is(out[0], 'ClientHello');
    t.is(
      out[4],
      'ClientKeyExchange+ChangeCipherSpec+Finished',
      'the client checked our certificate and ServerKeyExchange signature',
    );
    t.is(out[6], 'timeout', 'our Finished is right: no alert');
    t.regex(out[7]!, /^(Alert\(close_notify\)|closed)$/);
  } finally {
    await done();
  }
});

test('1.2 client: a wrong Finished gets an alert; two sessions at once are independent; random orders never throw', async (t) => {
  const { sul, done } = await clientSul('1.2', 2);
  try {
    const [wrong, right] = await Promise.all([
      walk(sul, [...FLIGHT_12.slice(0, 6), 'FinishedWrongVerifyData', 'ApplicationData']),
      walk(sul, FLIGHT_12),
    ]);
    t.regex(wrong[6]!, /^Alert\((decrypt_error|handshake_failure)\)$/);
    t.is(wrong[7], CLOSED);
    t.is(right[4], 'ClientKeyExchange+ChangeCipherSpec+Finished');
    t.is(right[6], 'timeout');
    for (const word of randomWords(sul.inputs, 12, 3, 5)) for (const o of await walk(sul, word)) t.regex(o, OUTPUT);
  } finally {
    await done();
  }
});

test('a client command that exits at once: the session is closed from the first step, without a throw', async (t) => {
  const sul = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 1,
    clientCommand: 'exit 0 # {port}',
    startMs: 500,
  });
  try {
    t.deepEqual(await walk(sul, ['ServerHello', 'Finished']), [CLOSED, CLOSED]);
  } finally {
    await sul.close();
  }
});

test('options are checked: a command without {port}, a parallel of 0', async (t) => {
  await t.throwsAsync(
    () => openClientSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 1, clientCommand: 'true' }),
    {
      instanceOf: RangeError,
      message: /\{port\}/,
    },
  );
  await t.throwsAsync(
    () => openClientSul({ host: '127.0.0.1', port: 0, version: '1.3', parallel: 0, clientCommand: 'true {port}' }),
    {
      instanceOf: RangeError,
      message: /parallel/,
    },
  );
});
