import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { MS, US } from '../../../hwmodel/kernel/index.js';
import { StringSink } from '../../../hwmodel/trace/index.js';

const identity = makeSimIdentity('p256');
/**
 * Ed25519 where the accelerator is to win: on the sourced cycle table
 * (spec/hw/engines/default.yaml) a P-256 signature takes 0.11 ms (the AMD
 * Vitis Security Library's figure), more than OpenSSL on one core, and its
 * public-key unit stays busy; the Curve25519 datapath's 10.38 µs does not.
 */
const fastCurve = makeSimIdentity('ed25519');

test('a burst of handshakes saturates the software crypto engine; with --hw-accel the bottleneck moves off it', (t) => {
  const base = { connections: 200, records: 2, identity: fastCurve, seed: 3, latency: 50 * US };
  const soft = simulate({ ...base, hwAccel: false });
  const hard = simulate({ ...base, hwAccel: true });
  t.is(soft.report.handshakes.completed, 200);
  t.is(hard.report.handshakes.completed, 200);
  t.is(soft.report.bottleneck?.module, 'device.cryptoEngine');
  t.true(soft.report.bottleneck!.saturated);
  // In software one module; with the accelerator its symmetric and public-key units and its DMA channel.
  const crypto = (r: typeof soft): number =>
    Math.max(
      ...r.report.modules
        .filter((m) => m.name === 'device.cryptoEngine' || m.name.startsWith('device.cryptoEngine.'))
        .map((m) => m.utilization),
    );
  t.deepEqual(
    hard.report.modules.filter((m) => m.name.startsWith('device.cryptoEngine')).map((m) => m.name),
    ['device.cryptoEngine.dma', 'device.cryptoEngine.publicKey', 'device.cryptoEngine.symmetric'],
  );
  t.true(
    crypto(hard) < crypto(soft) / 2,
    `crypto engine utilization ${crypto(hard)} with the accelerator vs ${crypto(soft)}`,
  );
  t.false(hard.report.bottleneck?.module.startsWith('device.cryptoEngine') ?? false);
  t.true(hard.report.handshakes.latencyUs!.p50 < soft.report.handshakes.latencyUs!.p50);
  t.is(soft.report.throughput.records, 400, 'every payload delivered');
});

test('on a lossy link handshakes still complete (the flight timers retransmit) and lost datagrams are counted', (t) => {
  const r = simulate({
    connections: 40,
    records: 1,
    identity,
    seed: 5,
    loss: 0.1,
    latency: 200 * US,
    arrivalRate: 2000,
  });
  t.true(r.lost > 0);
  t.true(r.report.handshakes.completed + r.report.handshakes.failed === 40);
  t.true(r.report.handshakes.completed >= 35, `${r.report.handshakes.completed} of 40 completed at 10% loss`);
  t.true(
    r.report.handshakes.latencyUs!.max > 1000 * 1000 * 0.9,
    'some handshake waited for a retransmission timer (about 1 s)',
  );
});

test('the VCD carries every device module’s activity', (t) => {
  const sink = new StringSink();
  simulate({ connections: 5, records: 1, identity, seed: 1, vcd: sink, duration: 100 * MS });
  const text = sink.text;
  for (const m of [
    'cryptoEngine',
    'handshakeEngine',
    'recordLayer',
    'networkChannel',
    'memory',
    'keyManager',
    'connectionManager',
  ]) {
    t.regex(text, new RegExp(`\\$scope module ${m} \\$end`), m);
  }
  t.regex(text, /\$enddefinitions \$end/);
  t.regex(text, /\n#\d+\n/);
});

test('a table smaller than the load refuses new connections until entries free up; options are checked', (t) => {
  const r = simulate({
    connections: 30,
    records: 0,
    identity,
    seed: 2,
    device: { connectionManager: { maxConnections: 10 } },
  });
  t.true(r.refused > 0);
  t.is(r.report.handshakes.completed, 30, 'refused clients get in on a retransmitted ClientHello once others closed');
  t.true(r.report.handshakes.latencyUs!.max > 900_000, 'and waited for their retransmission timer to do it');
  t.throws(() => simulate({ connections: 0 }), { instanceOf: ConfigError, message: /connections/ });
  t.throws(() => simulate({ loss: 2 }), { instanceOf: ConfigError, message: /loss/ });
  t.throws(() => simulate({ device: { cryptoEngine: { lanes: 0 } } }), {
    instanceOf: ConfigError,
    message: /device\.cryptoEngine\.lanes/,
  });
});
