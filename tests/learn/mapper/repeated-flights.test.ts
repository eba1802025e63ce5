import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { checkedRetransmissions, type PeerRetransmissions } from '../../../learn/mapper/repeated-flights.js';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import type { StepRecord } from '../../../learn/mapper/session.js';
import type { SystemUnderLearning } from '../../../learn/sul.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { writePem } from '../../interop/wolfssl.js';

/**
 * `peerRetransmissions` against Debian's OpenSSL 3.0, whose 1.2 client and server send their last flight again on a
 * 1 s retransmission timer and in answer to a handshake message after the handshake. With `show` the repeated
 * flight's ChangeCipherSpec is an answer; with `hide` it is left out and counted, and the first flight's is not.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const FLIGHT = ['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone'];
/** Past s_client's first retransmission (1 s after its flight) and well before its second (2 s after that). */
const PAST_TIMER_MS = 1600;

interface Walked {
  readonly outputs: string[];
  readonly hidden: number;
}

/** Steps `before`, waits `pauseMs`, steps `after`, in one session; the ChangeCipherSpec records the mapper hid. */
async function walkPaused(
  open: (onStep: (s: StepRecord) => void) => Promise<SystemUnderLearning>,
  before: readonly string[],
  pauseMs: number,
  after: readonly string[],
): Promise<Walked> {
  let hidden = 0;
  const sul = await open((s) => (hidden += s.hidden));
  try {
    const session = await sul.open();
    const outputs: string[] = [];
    try {
      for (const i of before) outputs.push(await session.step(i));
      await sleep(pauseMs);
      for (const i of after) outputs.push(await session.step(i));
    } finally {
      await session.close();
    }
    return { outputs, hidden };
  } finally {
    await sul.close();
  }
}

for (const mode of ['show', 'hide'] as const) {
  test.serial(`OpenSSL 1.2 s_client's flight repeated on its timer, ${mode}`, async (t) => {
    const pem = writePem(id);
    try {
      const open = (onStep: (s: StepRecord) => void): Promise<SystemUnderLearning> =>
        openClientSul({
          host: '127.0.0.1',
          port: 0,
          version: '1.2',
          parallel: 1,
          clientCommand: `exec openssl s_client -dtls1_2 -connect 127.0.0.1:{port} -CAfile '${pem.ca}' -quiet`,
          cert: id.chain,
          key: id.privateKey,
          peerRetransmissions: mode,
          onStep,
        });
      const w = await walkPaused(open, [...FLIGHT, 'ChangeCipherSpec'], PAST_TIMER_MS, ['ApplicationData']);
      t.log(w.outputs.join(' '), `hidden ${w.hidden}`);
      // The client's first flight is new: its ChangeCipherSpec shows in both modes.
      t.is(w.outputs[3], 'ClientKeyExchange+ChangeCipherSpec+Finished');
      t.is(w.outputs[4], 'timeout');
      // Its flight again, sent on its timer during the pause, read at the next step.
      t.is(w.outputs[5], mode === 'show' ? 'ChangeCipherSpec' : 'timeout');
      t.is(w.hidden, mode === 'show' ? 0 : 1);
    } finally {
      pem.remove();
    }
  });
}

test.serial(
  "OpenSSL 1.2 s_server's last flight in answer to a new Finished: kept with show, left out with hide",
  async (t) => {
    const pem = writePem(id);
    try {
      const answers: Record<PeerRetransmissions, Walked | undefined> = { show: undefined, hide: undefined };
      for (const mode of ['show', 'hide'] as const) {
        const open = (onStep: (s: StepRecord) => void): Promise<SystemUnderLearning> =>
          openServerSul({
            host: '127.0.0.1',
            port: 0,
            version: '1.2',
            parallel: 1,
            serverCommand: `exec openssl s_server -dtls1_2 -accept {port} -cert '${pem.cert}' -key '${pem.key}' -quiet`,
            peerRetransmissions: mode,
            onStep,
          });
        // openssl/openssl#15289: a Finished after the handshake gets the server's last flight again. The pause puts it
        // past the 1 s window in which a server may hold back a retransmission it has just sent.
        answers[mode] = await walkPaused(
          open,
          ['ClientHello', 'ClientHelloWithCookie', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished'],
          PAST_TIMER_MS,
          ['Finished'],
        );
        t.log(mode, answers[mode].outputs.join(' '), `hidden ${answers[mode].hidden}`);
      }
      const { show, hide } = answers as Record<PeerRetransmissions, Walked>;
      t.is(show.outputs[4], 'ChangeCipherSpec+Finished', "the server's first last flight shows in both modes");
      t.is(hide.outputs[4], 'ChangeCipherSpec+Finished');
      t.is(show.outputs[5], 'ChangeCipherSpec', 'show: the flight again, an answer to our message');
      t.is(hide.outputs[5], 'timeout', 'hide: the model no longer shows it');
      t.is(show.hidden, 0);
      t.is(hide.hidden, 1);
    } finally {
      pem.remove();
    }
  },
);

test('peerRetransmissions is checked: the option, what it takes and what was given', async (t) => {
  t.is(checkedRetransmissions(undefined), 'show');
  t.is(checkedRetransmissions('hide'), 'hide');
  t.throws(() => checkedRetransmissions('hidden'), {
    instanceOf: RangeError,
    message: "peerRetransmissions must be 'show' or 'hide', got 'hidden'",
  });
  t.throws(() => checkedRetransmissions(1), { message: "peerRetransmissions must be 'show' or 'hide', got 1" });
  await t.throwsAsync(
    openServerSul({
      host: '127.0.0.1',
      port: 1,
      version: '1.2',
      parallel: 1,
      peerRetransmissions: 'none' as PeerRetransmissions,
    }),
    { instanceOf: RangeError, message: /peerRetransmissions must be 'show' or 'hide', got 'none'/ },
  );
});
