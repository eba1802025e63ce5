import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { RecordLayer } from '../../runtime/record/record-layer.js';
import type { ReceivedRecord } from '../../runtime/record/record-reader.js';
import { keysFor } from '../support/record-pair.js';

/** Read epochs are bounded: retired when a newer one authenticates, capped by maxReadEpochs (RFC 9147 §4.2.1, §8). */

const suite: SupportedCipherSuite = 'tls_aes_128_gcm_sha256';
const body = Uint8Array.of(1, 2, 3);

function opened(out: readonly ReceivedRecord[]): { epoch: number; sequenceNumber: number }[] {
  return out.flatMap((r) => (r.kind === 'record' ? [{ epoch: r.epoch, sequenceNumber: r.sequenceNumber }] : []));
}

const heldEpochs = (rx: RecordLayer): number[] =>
  rx
    .usage()
    .read.map((r) => r.epoch)
    .sort((a, b) => a - b);

/** A sender and a receiver; `step(n)` installs epoch n on both sides. */
function peers(config: { previousEpochRetention?: number; maxReadEpochs?: number } = {}): {
  tx: RecordLayer;
  rx: RecordLayer;
  step: (epoch: number) => void;
} {
  const tx = new RecordLayer({ provider: nodeProvider });
  const rx = new RecordLayer({ provider: nodeProvider, ...config });
  const step = (epoch: number): void => {
    tx.installWriteKeys(epoch, suite, keysFor(nodeProvider, suite, epoch));
    rx.reader.installReadKeys(epoch, suite, keysFor(nodeProvider, suite, epoch), 0);
  };
  return { tx, rx, step };
}

test('4,000 KeyUpdates: each epoch authenticating retires the ones before it, so at most maxReadEpochs stay', (t) => {
  const { tx, rx, step } = peers({ previousEpochRetention: 50 });
  let now = 0;
  let max = 0;
  for (let epoch = 3; epoch < 4003; epoch++) {
    step(epoch);
    const sent = tx.writer.seal('application_data', body);
    t.deepEqual(sent.number, { epoch, sequenceNumber: 0 });
    const got = opened(rx.reader.receive(sent.bytes, (now += 10)));
    if (got[0]?.epoch !== epoch) return void t.fail(`epoch ${epoch} did not open: ${JSON.stringify(got)}`);
    rx.reader.handleTimeout(now);
    max = Math.max(max, rx.usage().read.length);
  }
  t.true(max <= 2, `at most the previous and the current epoch were held (max ${max})`);
  t.deepEqual(heldEpochs(rx), [4001, 4002]);
  t.is(rx.reader.readKeyGeneration, 4000);
  rx.reader.handleTimeout(now + 50);
  t.deepEqual(heldEpochs(rx), [4002]);
});

test('installing past maxReadEpochs (default 4) drops the oldest application epoch; handshake epoch 2 is not counted', (t) => {
  const { tx, rx, step } = peers();
  rx.reader.installReadKeys(2, suite, keysFor(nodeProvider, suite, 2), 0);
  const early: Uint8Array[] = [];
  for (let epoch = 3; epoch <= 4002; epoch++) {
    step(epoch);
    if (epoch >= 3998) early.push(tx.writer.seal('application_data', body).bytes);
    if (rx.usage().read.length > 5)
      return void t.fail(`${rx.usage().read.length} read epochs after installing ${epoch}`);
  }
  t.deepEqual(heldEpochs(rx), [2, 3999, 4000, 4001, 4002]);
  t.deepEqual(opened(rx.reader.receive(early[1]!, 0)), [{ epoch: 3999, sequenceNumber: 0 }]);
  t.deepEqual(opened(rx.reader.receive(early[0]!, 0)), [], 'epoch 3998 was dropped');
  t.throws(() => new RecordLayer({ provider: nodeProvider, maxReadEpochs: 1 }), {
    instanceOf: ConfigError,
    message: /maxReadEpochs/,
  });
  const two = peers({ maxReadEpochs: 2 });
  for (let epoch = 3; epoch <= 9; epoch++) two.step(epoch);
  t.deepEqual(heldEpochs(two.rx), [8, 9]);
});

test('the first record of epoch N drops epochs 3..N-2 at once and keeps N-1 for the retention time', (t) => {
  const { tx, rx, step } = peers({ previousEpochRetention: 100 });
  const pending: Uint8Array[] = [];
  for (const epoch of [3, 4, 5]) {
    step(epoch);
    pending.push(tx.writer.seal('application_data', body).bytes);
  }
  t.deepEqual(heldEpochs(rx), [3, 4, 5], 'nothing retires before a newer epoch authenticates');
  t.is(rx.reader.nextTimeout(), undefined);
  t.deepEqual(opened(rx.reader.receive(pending[2]!, 1000)), [{ epoch: 5, sequenceNumber: 0 }]);
  t.deepEqual(heldEpochs(rx), [4, 5]);
  t.is(rx.reader.nextTimeout(), 1100);
  t.deepEqual(
    opened(rx.reader.receive(pending[1]!, 1050)),
    [{ epoch: 4, sequenceNumber: 0 }],
    'a reordered record of N-1 still opens',
  );
  t.deepEqual(opened(rx.reader.receive(pending[0]!, 1050)), []);
  t.is(rx.reader.drops['epoch-dropped'], 1);
  t.is(rx.reader.nextTimeout(), 1100, 'a late record of N-1 does not extend its retention');
  rx.reader.handleTimeout(1100);
  t.deepEqual(heldEpochs(rx), [5]);
});

test('epoch 2 stays until dropReadEpoch(2), whatever application epochs come and go', (t) => {
  const { tx, rx, step } = peers({ previousEpochRetention: 10 });
  tx.installWriteKeys(2, suite, keysFor(nodeProvider, suite, 2));
  rx.reader.installReadKeys(2, suite, keysFor(nodeProvider, suite, 2), 0);
  const finished = tx.writer.seal('handshake', body);
  t.deepEqual(finished.number, { epoch: 2, sequenceNumber: 0 });
  for (const epoch of [3, 4, 5]) {
    step(epoch);
    rx.reader.receive(tx.writer.seal('application_data', body).bytes, epoch * 100);
    rx.reader.handleTimeout(epoch * 100 + 50);
  }
  t.deepEqual(heldEpochs(rx), [2, 5]);
  t.is(rx.reader.nextTimeout(), undefined);
  t.deepEqual(
    opened(rx.reader.receive(tx.writer.seal('handshake', body, { epoch: 2 }).bytes, 600)),
    [{ epoch: 2, sequenceNumber: 1 }],
    'a retransmitted handshake record still opens',
  );
  rx.reader.dropReadEpoch(2);
  t.deepEqual(heldEpochs(rx), [5]);
  t.deepEqual(opened(rx.reader.receive(finished.bytes, 700)), []);
  t.is(rx.reader.drops['epoch-dropped'], 1);
});

test('write epochs: installing epoch N retires application write epochs before N-1; epoch 2 stays for retransmissions', (t) => {
  const { tx, step } = peers();
  tx.installWriteKeys(2, suite, keysFor(nodeProvider, suite, 2));
  for (let epoch = 3; epoch <= 50; epoch++) step(epoch);
  t.notThrows(() => tx.writer.seal('handshake', body, { epoch: 2 }));
  t.notThrows(() => tx.writer.seal('handshake', body, { epoch: 49 }));
  t.throws(() => tx.writer.seal('handshake', body, { epoch: 48 }), { message: /no write keys for epoch 48/ });
  t.is(tx.writer.writeEpoch, 50);
});
