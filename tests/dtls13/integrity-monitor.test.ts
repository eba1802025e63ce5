import test from 'ava';
import { IntegrityMonitor, type ReadKeyFailures } from '../../runtime/record/integrity-monitor.js';
import type { FailureWindow } from '../../runtime/record/failure-window.js';
import { INTEGRITY_RATE_THRESHOLD } from '../../runtime/record/limits.js';

/** Issue 29: the IntegrityMonitor on its own (the record layer and connection use it; tests/dtls13/forged-record-flood.test.ts runs it end to end). */

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

test('integrity limit: 1/8 of the current read key asks for a KeyUpdate once per epoch, and not while one is outstanding', (t) => {
  const m = new IntegrityMonitor(100);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 15, integrityLimit: 128 }), 3, true), [], 'below 1/8');
  m.failed(0);
  t.deepEqual(
    m.verdict(keys({ epoch: 3, failed: 16, integrityLimit: 128 }), 3, false),
    [],
    'a KeyUpdate of ours is outstanding',
  );
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 17, integrityLimit: 128 }), 3, true), [
    { kind: 'request-key-update', epoch: 3 },
  ]);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 3, failed: 66, integrityLimit: 128 }), 3, true), [], 'once per read epoch');
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 4, failed: 16, integrityLimit: 128 }), 4, true), [
    { kind: 'request-key-update', epoch: 4 },
  ]);
});

test('per-key rate: a key takes its integrity limit over integrityBudgetSeconds at most; past it its records are not tried until the second ends', (t) => {
  const m = new IntegrityMonitor(100, 128);
  const ccm8 = { limits: { integrity: 128 }, failed: 0, failureWindow: undefined };
  const gcm = { limits: { integrity: 2 ** 36 }, failed: 0, failureWindow: undefined };
  m.datagramStarted();
  t.true(m.mayOpen(0, ccm8));
  m.failed(0, ccm8);
  t.false(m.mayOpen(1, ccm8), 'AES-128-CCM-8: one failure a second');
  m.datagramStarted();
  t.false(m.mayOpen(999, ccm8), 'not even the first record of the next datagram');
  t.true(m.mayOpen(999, gcm), 'another key has a rate of its own');
  for (let i = 0; i < 50; i++) m.failed(999, gcm);
  m.datagramStarted();
  t.true(m.mayOpen(999, gcm), 'a GCM key is never held back by it (2^36 / 128 a second)');
  t.true(m.mayOpen(1000, ccm8), 'a new second');
  const off = new IntegrityMonitor(100, 0);
  const key = { limits: { integrity: 128 }, failed: 0, failureWindow: undefined };
  for (let i = 0; i < 50; i++) off.failed(0, key);
  off.datagramStarted();
  t.true(off.mayOpen(0, key), 'integrityBudgetSeconds 0: no per-key rate');
});

test('integrity limit: an older epoch at its limit is dropped; the current one (or any during the handshake) fails', (t) => {
  const m = new IntegrityMonitor(100);
  m.failed(0);
  t.deepEqual(
    m.verdict(
      keys({ epoch: 3, failed: 128, integrityLimit: 128 }, { epoch: 4, failed: 1, integrityLimit: 128 }),
      4,
      true,
    ),
    [{ kind: 'drop-epoch', epoch: 3 }],
  );
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 4, failed: 128, integrityLimit: 128 }), 4, true), [
    { kind: 'fail', epoch: 4, limit: 128 },
  ]);
  m.failed(0);
  t.deepEqual(m.verdict(keys({ epoch: 2, failed: 128, integrityLimit: 128 }), undefined, true), [
    { kind: 'fail', epoch: 2, limit: 128 },
  ]);
});

test('per-key rate from 3/4 of the limit (DTLS 1.3, issue 56): below it every record of the key is opened; from it, one failure a second', (t) => {
  const m = new IntegrityMonitor(1_000_000, 128, INTEGRITY_RATE_THRESHOLD);
  const ccm8 = { limits: { integrity: 128 }, failed: 0, failureWindow: undefined as FailureWindow | undefined };
  for (let i = 0; i < 95; i++) {
    m.datagramStarted();
    t.true(m.mayOpen(0, ccm8), `failure ${i + 1}: below 3/4 of 2^7, opened`);
    ccm8.failed++;
    m.failed(0, ccm8);
  }
  t.is(ccm8.failureWindow, undefined, 'no window below the threshold');
  m.datagramStarted();
  t.true(m.mayOpen(0, ccm8), 'the 96th is opened');
  ccm8.failed++;
  m.failed(0, ccm8);
  m.datagramStarted();
  t.false(m.mayOpen(1, ccm8), 'from 96 on, one failure a second (the last 32 last at least 32 s)');
  t.true(m.mayOpen(1000, ccm8), 'a new second');
});
