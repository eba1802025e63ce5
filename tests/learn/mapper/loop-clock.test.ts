import test from 'ava';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { LoopClock, TICK_MS } from '../../../learn/mapper/loop-clock.js';
import { referenceServer } from '../../../learn/mapper/reference.js';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { certificateToPem, privateKeyToPem } from '../../../runtime/pki/pem.js';
import { makeIdentity } from '../../support/pki-fixtures.js';

/**
 * The mapper's step clock does not count the time its own process did not run: on a loaded machine that time is not
 * the peer's silence. The stall is made here by blocking the event loop, as a descheduled process or an in-process
 * peer's computation does.
 */

/** Blocks the event loop for at least `ms`. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else on this loop runs
  }
}

test('a stall between two looks moves the clock on by one tick, not by the stall', (t) => {
  const clock = new LoopClock();
  const before = clock.now();
  stall(300);
  // Up to floating-point rounding: the clock subtracts the stall from performance.now() readings.
  t.true(Math.abs(clock.now() - before - TICK_MS) < 1e-6, 'one tick');
});

test('a step whose process stalls longer than its wait still gets the answer the peer sends after the stall', async (t) => {
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const server = await referenceServer({
    version: '1.3',
    cert: certificateToPem(id.chain[0]!),
    key: privateKeyToPem(id.privateKey),
  });
  t.teardown(() => server.close());
  // A relay between the mapper and the server that, once armed, blocks this process for three waits on the next
  // datagram from the mapper before passing it on: the server cannot answer before the step's wait has run out.
  const relay = createSocket('udp4');
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve));
  t.teardown(() => relay.close());
  let mapper: RemoteInfo | undefined;
  let armed = false;
  relay.on('message', (msg, from) => {
    if (from.port === server.port) {
      if (mapper !== undefined) relay.send(msg, mapper.port, mapper.address);
      return;
    }
    mapper = from;
    if (armed) {
      armed = false;
      stall(600);
    }
    relay.send(msg, server.port, server.host);
  });
  const sul = await openServerSul({
    host: '127.0.0.1',
    port: relay.address().port,
    version: '1.3',
    parallel: 1,
    waitMs: 200,
  });
  try {
    const s = await sul.open();
    try {
      t.is(await s.step('ClientHello'), 'HelloRetryRequest');
      armed = true;
      t.is(
        await s.step('ClientHelloWithCookie'),
        'ServerHello+EncryptedExtensions+Certificate+CertificateVerify+Finished',
      );
      t.false(armed, 'the relay stalled');
    } finally {
      await s.close();
    }
  } finally {
    await sul.close();
  }
});
