/**
 * The closed-loop SystemC twin of the whole device (hwmodel/cocheck/device-twin.cpp) against the TypeScript
 * model's parts (hwmodel/cocheck/twin-ts.ts), on one seeded traffic description: per-record latency p50, p99
 * and p99.9 and drops within the stated tolerance (TWIN_TOLERANCE: 5% + 12 engine clock periods, drops
 * within 1% of the records offered), including the 1/1/1 lanes queue-depth-2 case and the 3/3/9 burst-100
 * case, and a mix with handshakes' public-key commands; and a mutated cost on the SystemC side (10× the command cycles) makes every case fail.
 */
import test from 'ava';
import {
  buildDeviceTwin,
  compareTwins,
  KeySlotLru,
  makeTwinTraffic,
  rawAead,
  runDeviceTwin,
  runTwinTs,
  twinComparisonText,
  twinTrafficText,
  type TwinTrafficOptions,
} from '../../../hwmodel/cocheck/index.js';

// Compiled once with g++ against libsystemc, cached by a hash of its source, flags and compiler.
const binary = buildDeviceTwin();

const CASES: readonly (readonly [string, TwinTrafficOptions])[] = [
  ['default engine, Poisson arrivals', { records: 3000, seed: 1, meanGapPs: 400_000 }],
  [
    '1/1/1 lanes, queue depth 2, 32 key slots for 64 connections',
    {
      records: 3000,
      seed: 2,
      meanGapPs: 400_000,
      device: { cryptoEngine: { lanes: 1, pkLanes: 1, dmaChannels: 1, queueDepth: 2 }, keyManager: { keySlots: 32 } },
    },
  ],
  [
    'default engine, 3% of commands a handshake (X25519 twice, an Ed25519 signature) sharing the in-order intake',
    { records: 3000, seed: 5, meanGapPs: 400_000, handshakeShare: 0.03 },
  ],
  [
    'asic 3/3/9, round-robin DMA, bursts of 100 into a 128-entry ring, 24 RX and 8 crypto credits',
    {
      engine: 'asic',
      records: 3000,
      seed: 3,
      burst: 100,
      meanGapPs: 100_000,
      device: {
        cryptoEngine: { lanes: 3, pkLanes: 3, dmaChannels: 9, dmaRoundRobin: true },
        recordLayer: { rxRingDepth: 128, pipelineDepth: 16, rxCredits: 24, cryptoCredits: 8 },
      },
    },
  ],
];

const tenTimesCommands = (text: string): string =>
  text.replace(
    /^p crypto_engine\.command_cycles (\d+)$/m,
    (_, v: string) => `p crypto_engine.command_cycles ${Number(v) * 10}`,
  );

for (const [name, options] of CASES) {
  test(`the twins agree within the tolerance: ${name}; 10× the command cycles on the SystemC side fails`, (t) => {
    const traffic = makeTwinTraffic(options);
    const ts = runTwinTs(traffic);
    const text = twinTrafficText(traffic);
    const c = compareTwins(traffic, ts, runDeviceTwin(binary, text));
    t.log(`\n${twinComparisonText(c)}`);
    t.true(c.agrees, twinComparisonText(c));
    t.is(c.ts.finished + c.ts.dropped, traffic.records.length);
    const mutated = compareTwins(traffic, ts, runDeviceTwin(binary, tenTimesCommands(text)));
    t.log(`10× command cycles:\n${twinComparisonText(mutated)}`);
    t.false(mutated.agrees, 'a mutated cost must fail the comparison');
    t.true(mutated.checks.some((k) => k.figure === 'p50' && !k.ok));
  });
}

test('the burst case exercises the RX ring: both twins drop, and about as many', (t) => {
  const traffic = makeTwinTraffic(CASES[3]![1]);
  const c = compareTwins(traffic, runTwinTs(traffic), runDeviceTwin(binary, twinTrafficText(traffic)));
  t.true(c.ts.dropped > 0 && c.systemc.dropped > 0, `${c.ts.dropped} and ${c.systemc.dropped} dropped`);
  // A deeper ring drops fewer in both.
  const deeper = makeTwinTraffic({
    ...CASES[3]![1],
    device: { ...CASES[3]![1].device, recordLayer: { rxRingDepth: 4096, pipelineDepth: 16 } },
  });
  t.is(compareTwins(deeper, runTwinTs(deeper), runDeviceTwin(binary, twinTrafficText(deeper))).systemc.dropped, 0);
});

test('one seed is one description and one SystemC run, byte for byte; another seed another', (t) => {
  const a = twinTrafficText(makeTwinTraffic({ records: 500, seed: 9, meanGapPs: 400_000 }));
  t.is(a, twinTrafficText(makeTwinTraffic({ records: 500, seed: 9, meanGapPs: 400_000 })));
  t.not(a, twinTrafficText(makeTwinTraffic({ records: 500, seed: 10, meanGapPs: 400_000 })));
  const run = (text: string): string => JSON.stringify([...runDeviceTwin(binary, text)].sort((x, y) => x[0] - y[0]));
  t.is(run(a), run(a));
});

test('the SystemC twin takes its AEAD cost from the engine file, not the TypeScript cost table', (t) => {
  t.deepEqual(rawAead('default'), { setupCycles: 4, bytesPerCycle: 16, latencyCycles: 20 });
  t.deepEqual(rawAead('asic'), rawAead('default'), 'asic inherits its AEAD figures from its base');
  const traffic = makeTwinTraffic({ records: 300, seed: 4, meanGapPs: 400_000 });
  const text = twinTrafficText(traffic);
  t.regex(text, /^a 4 16 20$/m);
  // Half the bytes a cycle in the description alone moves the SystemC twin's latencies: it derives its own costs.
  const slower = runDeviceTwin(binary, text.replace(/^a 4 16 20$/m, 'a 4 8 20'));
  const c = compareTwins(traffic, runDeviceTwin(binary, text), slower);
  t.true(c.systemc.p50 > c.ts.p50);
});

test('key slots are least recently used: a connection reuses its slot, the oldest is evicted', (t) => {
  const lru = new KeySlotLru(2);
  t.deepEqual(lru.use(7), { slot: 0, hit: false });
  t.deepEqual(lru.use(8), { slot: 1, hit: false });
  t.deepEqual(lru.use(7), { slot: 0, hit: true });
  t.deepEqual(lru.use(9), { slot: 1, hit: false }, '8 was the least recently used');
  t.deepEqual(lru.use(8), { slot: 0, hit: false });
});

test('a bad description is refused with a typed error', (t) => {
  t.throws(() => makeTwinTraffic({ records: 0 }), { message: /records/ });
  t.throws(() => makeTwinTraffic({ sizes: [8] }), { message: /sizes/ });
  t.throws(() => makeTwinTraffic({ handshakeShare: 2 }), { message: /handshakeShare/ });
  t.throws(() => rawAead('nonesuch'), { code: 'ENOENT' });
});

test('the public-key figures come from the engine file too: twice the X25519 cycles in the description fails the handshake mix', (t) => {
  const traffic = makeTwinTraffic(CASES[2]![1]);
  const text = twinTrafficText(traffic);
  t.regex(text, /^k 5190 5190 5190$/m);
  const c = compareTwins(
    traffic,
    runTwinTs(traffic),
    runDeviceTwin(binary, text.replace(/^k 5190 5190 /m, 'k 10380 10380 ')),
  );
  t.false(c.agrees, twinComparisonText(c));
});
