import test from 'ava';
import fc from 'fast-check';
import { NS, Simulator } from '../../../hwmodel/kernel/index.js';

/**
 * Random scripts of notify(0) / notify(t) / cancel on a few events, checked
 * against a direct model of IEEE 1666 §5.10.8: at most one pending
 * notification per event, replaced only by an earlier one; timed
 * notifications due at one instant fire in the order they were (last
 * successfully) made, delta ones likewise, after the timed ones of that
 * instant.
 */

interface Op {
  readonly ev: number;
  readonly kind: 'delta' | 'timed' | 'cancel';
  readonly d: number;
}
interface Step {
  readonly ops: readonly Op[];
  readonly advance: number;
}

const EVENTS = 4;

type Pending = { kind: 'none' } | { kind: 'delta'; order: number } | { kind: 'timed'; when: number; seq: number };

function model(steps: readonly Step[]): string[] {
  const pending: Pending[] = Array.from({ length: EVENTS }, () => ({ kind: 'none' }));
  const out: string[] = [];
  let counter = 0;
  const fireTimedUpTo = (limit: number): void => {
    const due = pending
      .map((p, ev) => ({ p, ev }))
      .filter(
        (x): x is { p: Extract<Pending, { kind: 'timed' }>; ev: number } => x.p.kind === 'timed' && x.p.when <= limit,
      )
      .sort((a, b) => a.p.when - b.p.when || a.p.seq - b.p.seq);
    for (const { p, ev } of due) {
      out.push(`${p.when} e${ev}`);
      pending[ev] = { kind: 'none' };
    }
  };
  let now = 0;
  for (const step of steps) {
    fireTimedUpTo(now);
    for (const op of step.ops) {
      const cur = pending[op.ev]!;
      if (op.kind === 'cancel') pending[op.ev] = { kind: 'none' };
      else if (op.kind === 'delta') {
        if (cur.kind !== 'delta') pending[op.ev] = { kind: 'delta', order: counter++ };
      } else {
        const when = now + op.d * NS;
        if (cur.kind === 'none' || (cur.kind === 'timed' && when < cur.when))
          pending[op.ev] = { kind: 'timed', when, seq: counter++ };
      }
    }
    const deltas = pending
      .map((p, ev) => ({ p, ev }))
      .filter((x): x is { p: Extract<Pending, { kind: 'delta' }>; ev: number } => x.p.kind === 'delta')
      .sort((a, b) => a.p.order - b.p.order);
    for (const { ev } of deltas) {
      out.push(`${now} e${ev}`);
      pending[ev] = { kind: 'none' };
    }
    now += step.advance * NS;
  }
  fireTimedUpTo(Number.MAX_SAFE_INTEGER);
  return out;
}

function simulate(steps: readonly Step[]): string[] {
  const sim = new Simulator();
  const events = Array.from({ length: EVENTS }, (_, i) => sim.event(`e${i}`));
  const out: string[] = [];
  events.forEach((ev, i) =>
    sim.method(`l${i}`, () => out.push(`${sim.now} e${i}`), { sensitive: [ev], dontInitialize: true }),
  );
  sim.thread('driver', function* () {
    for (const step of steps) {
      for (const op of step.ops) {
        const ev = events[op.ev]!;
        if (op.kind === 'cancel') ev.cancel();
        else ev.notify(op.kind === 'delta' ? 0 : op.d * NS);
      }
      yield step.advance * NS;
    }
  });
  sim.run();
  return out;
}

const op = fc.record({
  ev: fc.integer({ min: 0, max: EVENTS - 1 }),
  kind: fc.constantFrom<Op['kind']>('delta', 'timed', 'timed', 'cancel'),
  d: fc.integer({ min: 1, max: 30 }),
});
const step = fc.record({ ops: fc.array(op, { maxLength: 6 }), advance: fc.integer({ min: 1, max: 25 }) });

test('notify/cancel scripts fire exactly as the IEEE 1666 override model says', (t) => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
      const expected = model(steps);
      const actual = simulate(steps);
      if (expected.join('\n') !== actual.join('\n'))
        throw new Error(`expected\n${expected.join('\n')}\ngot\n${actual.join('\n')}`);
    }),
    { numRuns: 300, seed: 20240601 },
  );
  t.pass();
});

test('a delta notification cancelled and made again fires once, in the position of the later call', (t) => {
  const sim = new Simulator();
  const [a, b] = [sim.event('a'), sim.event('b')];
  const out: string[] = [];
  sim.method('la', () => out.push('a'), { sensitive: [a], dontInitialize: true });
  sim.method('lb', () => out.push('b'), { sensitive: [b], dontInitialize: true });
  sim.thread('d', function* () {
    a.notify(0);
    b.notify(0);
    a.cancel();
    a.notify(0);
    yield 1;
  });
  sim.run();
  t.deepEqual(out, ['b', 'a']);
});
