import test from 'ava';
import { IntegrityMonitor, type ReadKeyFailures } from '../../runtime/record/integrity-monitor.js';

/** Issue 29: the IntegrityMonitor on its own (the record layer and connection use it; tests/connection/forged-record-flood.test.ts runs it end to end). */

test('per-second budget: within it every record is opened; past it, a datagram stops opening after its first failure', (t) => {
  const m = new IntegrityMonitor(3);
  m.datagramStarted();
  for (let i = 0; i < 3; i++) {
    t.true(m.mayOpen(0), `failure ${i} is within the budget`);
    m.failed(0);
  }
  t.false(m.mayOpen(10), 'past the budget, the rest of this datagram is not opened');
  m.datagramStarted();
  t.true(m.mayOpen(20), 'a new datagram opens its first record (a genuine one opens whole)');
  t.true(m.mayOpen(20), 'and the next, while nothing in it failed');
  m.failed(20);
  t.false(m.mayOpen(20), 'after its first failure, no more');
  m.datagramStarted();
  m.failed(1000);
  t.true(m.mayOpen(1000), 'a new second starts a new budget');
});

const keys =
  (...e: ReadKeyFailures[]) =>
  () =>
    e;

test('integrity limit: no failure since the last look costs nothing', (t) => {
  const m = new IntegrityMonitor(100);
  let asked = 0;
  t.deepEqual(
    m.verdict(
      () => {
        asked++;
        return [];
      },
      3,
      true,
    ),
    [],
  );
  t.is(asked, 0);
});

test('integrity limit: half the current read key asks for a KeyUpdate once per epoch, and not while one is outstanding', (t) => {
  const m = new IntegrityMonitor(100);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 64, integrityLimit: 128 }), 3, false), [], 'a KeyUpdate of ours is outstanding');
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 65, integrityLimit: 128 }), 3, true), [{ kind: 'request-key-update', epoch: 3 }]);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 66, integrityLimit: 128 }), 3, true), [], 'once per read epoch');
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 4, failed: 64, integrityLimit: 128 }), 4, true), [{ kind: 'request-key-update', epoch: 4 }]);
});

test('integrity limit: an older epoch at its limit is dropped; the current one (or any during the handshake) fails', (t) => {
  const m = new IntegrityMonitor(100);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 128, integrityLimit: 128 }, { epoch: 4, failed: 1, integrityLimit: 128 }), 4, true), [
    { kind: 'drop-epoch', epoch: 3 },
  ]);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 4, failed: 128, integrityLimit: 128 }), 4, true), [{ kind: 'fail', epoch: 4, limit: 128 }]);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 2, failed: 128, integrityLimit: 128 }), undefined, true), [{ kind: 'fail', epoch: 2, limit: 128 }]);
});
