import test from 'ava';
import { JobFifo, JobPool } from '../../../hwmodel/sizing/workload/flow-job.js';

test('a FIFO of jobs keeps its order across its ring wrapping and growing', (t) => {
  const pool = new JobPool();
  const fifo = new JobFifo();
  const out: number[] = [];
  let next = 0;
  // Pushes run ahead of shifts, so the ring wraps at every size and grows from 16 to 128.
  for (let round = 0; round < 100; round++) {
    for (let k = 0; k < 3; k++) fifo.push(pool.take(0, 0, 0, next++, 0, 1));
    for (let k = 0; k < 2; k++) out.push(fifo.shift()!.session);
  }
  while (fifo.length > 0) out.push(fifo.shift()!.session);
  t.deepEqual(
    out,
    Array.from({ length: 300 }, (_, i) => i),
  );
  t.is(fifo.shift(), undefined);
});

test('a job given back is taken again with every field of the new arrival and nothing of the old', (t) => {
  const pool = new JobPool();
  const job = pool.take(1, 2, 576, 42, 10.5, 1);
  job.ev = 7;
  job.out = true;
  job.memBound = true;
  job.fetched = true;
  job.id = 9;
  job.nextWait = job;
  job.lastWait = job;
  pool.give(job);
  const again = pool.take(0, 1, 64, 7, 20.25, 2);
  t.is(again, job);
  t.like(again, {
    ev: 0,
    out: false,
    memBound: false,
    fetched: false,
    id: 0,
    nextWait: undefined,
    lastWait: undefined,
  });
  t.like(again, { kind: 0, size: 1, bytes: 64, session: 7, arrival: 20.25, phase: 2 });
  t.not(pool.take(0, 0, 0, 0, 0, 0), job);
});
