import test from 'ava';
import { NS, ProcessError, Simulator, anyOf, formatTime, timeoutOr } from '../../../hwmodel/kernel/index.js';

test('async threads interleave with generator threads and methods in simulated time', async (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  const seen: string[] = [];
  sim.asyncThread('a', async (k) => {
    seen.push(`a start ${formatTime(k.now)}`);
    await k.wait(10 * NS);
    seen.push(`a 10 ${formatTime(k.now)}/${sim.deltaCount}`);
    ev.notify(0);
    await k.wait(0);
    seen.push(`a delta ${formatTime(k.now)}/${sim.deltaCount}`);
    await k.wait(timeoutOr(3 * NS, sim.event('never')));
    seen.push(`a timedOut=${k.timedOut()} ${formatTime(sim.now)}`);
  });
  sim.thread('g', function* () {
    yield ev;
    seen.push(`g ${formatTime(sim.now)}/${sim.deltaCount}`);
  });
  sim.method('m', () => seen.push(`m ${formatTime(sim.now)}/${sim.deltaCount}`), {
    sensitive: [ev],
    dontInitialize: true,
  });
  await sim.runAsync();
  t.deepEqual(seen, ['a start 0s', 'a 10 10ns/1', 'm 10ns/2', 'g 10ns/2', 'a delta 10ns/2', 'a timedOut=true 13ns']);
  t.is(sim.process('a'), undefined, 'terminated, and forgotten by name');
});

test('an async thread may await real asynchronous work between waits (zero simulated time)', async (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  sim.asyncThread('io', async (k) => {
    await k.wait(5 * NS);
    const v = await new Promise<number>((resolve) => setTimeout(() => resolve(42), 5));
    seen.push(`${v} at ${formatTime(k.now)}`);
    await k.wait(anyOf(sim.event('x'), sim.event('y')));
    seen.push('never');
  });
  sim.thread('other', function* () {
    yield 5 * NS;
    yield 0;
    seen.push(`other ${formatTime(sim.now)}`);
  });
  await sim.runAsync();
  t.deepEqual(seen, ['42 at 5ns', 'other 5ns']);
  t.false(sim.process('io')!.terminated); // still waiting on x | y
});

test('sync run() refuses a simulation with a live async thread, naming it', (t) => {
  const sim = new Simulator();
  sim.asyncThread('driver', async (k) => {
    await k.wait(1);
  });
  t.throws(() => sim.run(), { message: /async threads \("driver"\).*runAsync/ });
});

test('run() works again once every async thread has ended; runAsync(d) has run(d) boundaries', async (t) => {
  const sim = new Simulator();
  let done = false;
  sim.asyncThread('short', async (k) => {
    await k.wait(2 * NS);
    done = true;
  });
  await sim.runAsync(2 * NS);
  t.false(done); // due exactly at the end: left for the next run
  t.is(sim.now, 2 * NS);
  await sim.runAsync(1 * NS);
  t.true(done);
  t.notThrows(() => sim.run(1 * NS));
  t.is(sim.now, 4 * NS);
});

test('an async thread that throws rejects runAsync with a ProcessError naming it', async (t) => {
  const sim = new Simulator();
  sim.asyncThread('flaky', async (k) => {
    await k.wait(7 * NS);
    throw new RangeError('record too big');
  });
  const e = await t.throwsAsync(sim.runAsync(), { instanceOf: ProcessError });
  t.is(e.process, 'flaky');
  t.is(e.time, 7 * NS);
  t.regex(e.message, /RangeError: record too big/);
});

test('an async thread that waits twice without awaiting fails clearly instead of hanging', async (t) => {
  const sim = new Simulator();
  sim.asyncThread('sloppy', async (k) => {
    void k.wait(1 * NS);
    await k.wait(2 * NS);
  });
  await t.throwsAsync(sim.runAsync(), { instanceOf: ProcessError, message: /"sloppy".*await each wait/ });
});

test('stop() from an async thread ends runAsync', async (t) => {
  const sim = new Simulator();
  sim.asyncThread('stopper', async (k) => {
    await k.wait(3 * NS);
    sim.stop();
    await k.wait(1 * NS);
  });
  sim.thread('forever', function* () {
    for (;;) yield 1 * NS;
  });
  await sim.runAsync();
  t.is(sim.now, 3 * NS);
  t.true(sim.stopped);
});
