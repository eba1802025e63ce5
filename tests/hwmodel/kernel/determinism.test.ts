import test from 'ava';
import { NS, Simulator, US, anyOf, formatTime, timeoutOr, type SimEvent } from '../../../hwmodel/kernel/index.js';

/**
 * A random scenario: producers with their own forked streams notify shared
 * events at random times and random delta offsets; consumers wait with
 * random timeouts; methods follow with random nextTriggers; a signal carries
 * random values (one signal per producer). Returns the activity trace, one `time delta process` line
 * per activation plus the values the consumers observe.
 */
function scenario(seed: number): string {
  const sim = new Simulator({ seed });
  const lines: string[] = [];
  sim.onActivity = (p, time, delta) => lines.push(`${formatTime(time)} ${delta} ${p}`);
  const events: SimEvent[] = Array.from({ length: 4 }, (_, i) => sim.event(`e${i}`));
  const buses = [0, 1, 2].map((i) => sim.signal(`bus${i}`, 0)); // one writer each (SystemC's E115)
  for (let i = 0; i < 3; i++) {
    const rnd = sim.random.fork(`producer${i}`);
    sim.thread(`producer${i}`, function* () {
      for (let n = 0; n < 40; n++) {
        yield Math.round(rnd.exponential(50)) * NS;
        const ev = events[rnd.int(events.length)]!;
        if (rnd.chance(0.3)) ev.notify(0);
        else ev.notify(rnd.int(20) * NS);
        buses[i]!.write(rnd.int(1000));
      }
    });
  }
  for (let i = 0; i < 3; i++) {
    const rnd = sim.random.fork(`consumer${i}`);
    sim.thread(`consumer${i}`, function* () {
      for (let n = 0; n < 60; n++) {
        const a = events[rnd.int(events.length)]!;
        const b = events[rnd.int(events.length)]!;
        yield timeoutOr(Math.max(1, Math.round(rnd.normal(30, 10))) * NS, anyOf(a, b));
        lines.push(`  consumer${i} sees ${buses.map((b) => b.value).join(',')} timedOut=${sim.timedOut()}`);
      }
    });
  }
  const mrnd = sim.random.fork('method');
  sim.method(
    'watch',
    () => {
      if (mrnd.chance(0.5)) sim.nextTrigger(mrnd.int(30) * NS);
    },
    { sensitive: buses.map((b) => b.changed) },
  );
  sim.run(20 * US);
  lines.push(`end ${formatTime(sim.now)} ${JSON.stringify(sim.stats)}`);
  return lines.join('\n');
}

test('the same seed gives the same trace, byte for byte; another seed a different one', (t) => {
  const a = scenario(12345);
  const b = scenario(12345);
  const c = scenario(54321);
  t.true(a.split('\n').length > 500, 'the scenario does real work');
  t.is(a, b);
  t.not(a, c);
});
