import test from 'ava';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { referenceClient } from '../../../learn/mapper/reference.js';
import { CLOSED, type SystemUnderLearning } from '../../../learn/sul.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { randomWords, walk } from './steps.js';

/**
 * dtls13's own client, 1.3 and 1.2, hosted in the learning process (learn/mapper/own-client.ts, `ownClient`) against
 * the same client started as a command per session (`referenceClient`, dist/cli/main.js), over real UDP: the same
 * words get the same answers (the handshake, the second KeyUpdate that only a k = 1 test found, an alert and what
 * follows it, random words), the hosted client checks our certificate against the CA it was given, and closing the
 * SUL leaves no socket behind. Serial: the last test counts this process's sockets.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const other = makeIdentity('p256', 'localhost', { at: Date.now() });
const FLIGHT = ['ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished'];
/** The whole-alphabet model's `answer-after-fatal-alert` word (docs/learn/dtls13-client13-own.json). */
const FINDING = [
  'ServerHello',
  'EncryptedExtensions',
  'HelloRetryRequest',
  'Finished',
  'Alert(unexpected_message)',
  'EncryptedExtensions',
];

function hosted(ca: Uint8Array, parallel = 2, version: '1.2' | '1.3' = '1.3'): Promise<SystemUnderLearning> {
  return openClientSul({
    host: '127.0.0.1',
    port: 0,
    version,
    parallel,
    ownClient: { ca },
    cert: id.chain,
    key: id.privateKey,
    waitMs: 150,
  });
}

/** UDP sockets this process holds. */
function udpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r.toUpperCase() === 'UDPWRAP').length;
}

test.serial('1.3: the hosted client answers as the same client started per session does, word for word', async (t) => {
  const words = [
    [...FLIGHT, 'ApplicationData', 'KeyUpdate', 'KeyUpdate'],
    [...FLIGHT.slice(0, 4), 'FinishedWrongVerifyData', 'ApplicationData'],
    FINDING,
    ['HelloRetryRequest', 'HelloRetryRequest', ...FLIGHT],
    ...randomWords(['HelloRetryRequest', ...FLIGHT, 'ApplicationData', 'KeyUpdate', 'Alert(close_notify)'], 77, 4, 6),
  ];
  const command = referenceClient({ version: '1.3', ca: id.caDer });
  const started = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 2,
    clientCommand: command.command,
    cert: id.chain,
    key: id.privateKey,
  });
  const own = await hosted(id.caDer);
  try {
    for (const word of words) {
      const [theirs, ours] = await Promise.all([walk(started, word), walk(own, word)]);
      t.deepEqual(ours, theirs, word.join(' '));
    }
    // The finding as docs/learn-peers.md states it: our alert and the message after it acknowledged, not refused.
    for (let k = 0; k < 3; k++) t.deepEqual((await walk(own, FINDING)).slice(3), ['ACK', 'ACK', 'ACK']);
    const normal = await walk(own, [...FLIGHT, 'KeyUpdate', 'KeyUpdate', 'Alert(unexpected_message)', 'KeyUpdate']);
    t.is(normal[4], 'Finished', 'the client checked our certificate, CertificateVerify and Finished');
    t.regex(normal[5]!, /KeyUpdate/);
    t.not(normal[6], normal[5], 'the second KeyUpdate is answered otherwise than the first');
    t.is(normal[8], CLOSED, 'after our fatal alert the session is over');
  } finally {
    await Promise.all([started.close(), own.close()]);
    command.close();
  }
});

test.serial('1.2: the hosted client answers as the same client started per session does, word for word', async (t) => {
  const flight = ['HelloVerifyRequest', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone'];
  const words = [
    [...flight, 'ChangeCipherSpec', 'Finished', 'ApplicationData'],
    [...flight, 'ChangeCipherSpec', 'FinishedWrongVerifyData', 'ApplicationData'],
    ...randomWords([...flight, 'ChangeCipherSpec', 'Finished', 'Alert(unexpected_message)'], 12, 4, 6),
  ];
  const command = referenceClient({ version: '1.2', ca: id.caDer });
  const base = { host: '127.0.0.1', port: 0, version: '1.2' as const, parallel: 2, cert: id.chain, key: id.privateKey };
  const started = await openClientSul({ ...base, clientCommand: command.command });
  const own = await hosted(id.caDer, 2, '1.2');
  try {
    for (const word of words) {
      const [theirs, ours] = await Promise.all([walk(started, word), walk(own, word)]);
      t.deepEqual(ours, theirs, word.join(' '));
    }
    t.is((await walk(own, flight))[4], 'ClientKeyExchange+ChangeCipherSpec+Finished');
  } finally {
    await Promise.all([started.close(), own.close()]);
    command.close();
  }
});

test.serial(
  'the hosted client trusts the CA it was given only: with another, it closes after the handshake',
  async (t) => {
    // `dtls13 client --no-verify-name`: the handshake completes, and a certificate that failed for more than its name
    // ends the exchange with close_notify.
    const own = await hosted(other.caDer, 1);
    try {
      const out = await walk(own, [...FLIGHT, 'ApplicationData']);
      t.is(out[4], 'Finished+Alert(close_notify)', out.join(' '));
      t.is(out[5], CLOSED);
    } finally {
      await own.close();
    }
  },
);

test.serial('closing the SUL ends every hosted client, the spares started ahead too: no socket is left', async (t) => {
  // A closed socket's handle goes in the loop's close phase, one full turn after (the earlier tests' too).
  const turn = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 0));
  await turn();
  const before = udpSockets();
  const own = await hosted(id.caDer, 3);
  t.deepEqual((await walk(own, ['HelloRetryRequest'])).length, 1);
  t.true(udpSockets() > before, 'spares hold sockets while the SUL is open');
  await own.close();
  await turn();
  t.is(udpSockets(), before);
});

test('ownClient and clientCommand: exactly one, and ownClient needs its CA', async (t) => {
  const base = { host: '127.0.0.1', port: 0, version: '1.3' as const, parallel: 1 };
  await t.throwsAsync(() => openClientSul(base), { instanceOf: RangeError, message: /give one of clientCommand/ });
  await t.throwsAsync(() => openClientSul({ ...base, clientCommand: 'x {port}', ownClient: { ca: id.caDer } }), {
    instanceOf: RangeError,
    message: /give one of clientCommand/,
  });
  await t.throwsAsync(() => openClientSul({ ...base, ownClient: {} as never }), {
    instanceOf: RangeError,
    message: /ownClient needs ca/,
  });
});
