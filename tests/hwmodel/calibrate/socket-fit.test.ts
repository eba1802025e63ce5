import test from 'ava';
import { fitSocketCosts, type SocketCosts } from '../../../bench/hwmodel-socket-fit.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { DEFAULT_PROFILE } from '../../../hwmodel/timing/index.js';

const identity = makeSimIdentity('ed25519');

/** The software platform with sockets: a burst of `clients` opened at once, the figures the bench compares. */
function burst(costs: SocketCosts, clients = 40) {
  const r = simulate({
    platform: 'software',
    sockets: true,
    connections: clients,
    records: 0,
    identity,
    profile: { ...DEFAULT_PROFILE, processing: { ...DEFAULT_PROFILE.processing, ...costs } },
    seed: 5,
  });
  const latencies = r.run.handshakeLatencies;
  return {
    handshakesPerSecond: clients / (r.run.duration / 1e12),
    meanLatencyMs: latencies.reduce((a, b) => a + b, 0) / latencies.length / 1e9,
  };
}

test('the socket fit recovers the per-datagram and per-endpoint costs a round was made with', (t) => {
  for (const truth of [
    { datagramUs: 30, endpointUs: 60 },
    { datagramUs: 5, endpointUs: 150 },
    { datagramUs: 80, endpointUs: 10 },
  ]) {
    const fit = fitSocketCosts(burst, burst(truth));
    t.true(
      Math.abs(fit.datagramUs - truth.datagramUs) <= 0.05 * truth.datagramUs + 0.5,
      `datagram ${fit.datagramUs.toFixed(2)} for ${truth.datagramUs}`,
    );
    t.true(
      Math.abs(fit.endpointUs - truth.endpointUs) <= 0.05 * truth.endpointUs + 0.5,
      `endpoint ${fit.endpointUs.toFixed(2)} for ${truth.endpointUs}`,
    );
  }
});

test('a round cheaper than the model without sockets fits no cost; one off the line keeps the costs non-negative', (t) => {
  const base = burst({ datagramUs: 0, endpointUs: 0 });
  t.deepEqual(
    fitSocketCosts(burst, { handshakesPerSecond: base.handshakesPerSecond * 1.2, meanLatencyMs: base.meanLatencyMs }),
    {
      datagramUs: 0,
      endpointUs: 0,
    },
  );
  // Slower per handshake, but completing earlier than even a datagram cost alone would: no endpoint cost.
  const fit = fitSocketCosts(burst, {
    handshakesPerSecond: base.handshakesPerSecond / 1.5,
    meanLatencyMs: base.meanLatencyMs * 0.8,
  });
  t.is(fit.endpointUs, 0);
  t.true(fit.datagramUs > 0);
});
