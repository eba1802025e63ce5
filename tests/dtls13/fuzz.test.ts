import test from 'ava';
import { dtls13ClientChart } from '../../generated/charts/dtls13-client.js';
import { dtls13ServerChart } from '../../generated/charts/dtls13-server.js';
import { encodeDtlsHandshake, encodeDtlsPlaintext } from '../../generated/wire/index.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { Prng } from '../support/prng.js';
import { makePair, reach, splitRecords } from '../support/stepper.js';

/**
 * Random and mutated datagrams fed to a client and a server in every
 * handshake state never throw, never hang, and never leave the connection in
 * a state its chart does not have. Seeded; DTLS13_FUZZ_SEED replays.
 */

const SEED = Number(process.env.DTLS13_FUZZ_SEED ?? 0x5eed);
const INSTANCES = 12;
const INPUTS = 40;
const serverId = makeIdentity('p256', 'server.test');
const clientId = makeIdentity('p256', 'client.test');
const scenarios = [
  {},
  { server: { clientAuthentication: 'required' as const }, clientId },
  { client: { groups: ['x25519' as const, 'secp256r1' as const] }, server: { groups: ['secp256r1' as const] } },
];

function mutate(rng: Prng, b: Uint8Array): Uint8Array {
  const out = Array.from(b);
  for (let i = 0, n = 1 + rng.below(4); i < n; i++) {
    const at = out.length === 0 ? 0 : rng.below(out.length);
    const op = rng.below(3);
    if (op === 0 && out.length > 0) out[at] = rng.below(256);
    else if (op === 1) out.splice(at, 0, rng.below(256));
    else out.length = at;
  }
  return Uint8Array.from(out);
}

/** A plaintext handshake record carrying a random fragment: reaches the reassembler and the inbound checks. */
function randomHandshakeRecord(rng: Prng): Uint8Array {
  const body = rng.bytes(rng.below(40));
  const fragment = encodeDtlsHandshake({
    msgType: rng.below(30),
    length: body.length,
    messageSeq: rng.below(4),
    fragmentOffset: 0,
    fragment: body,
  });
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber: 100 + rng.below(1000),
    fragment,
  });
}

for (const [side, chart] of [
  ['client', dtls13ClientChart],
  ['server', dtls13ServerChart],
] as const) {
  const chartStates = new Set(Object.keys(chart.states));
  for (const state of Object.keys(chart.states).filter((s) => s !== 'start' && s !== 'closed' && s !== 'failed')) {
    test(`fuzz ${side} in ${state}: ${INSTANCES * INPUTS} inputs, no throw, only chart states`, (t) => {
      const rng = new Prng(
        SEED ^ [...`${side}${state}`].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261),
      );
      const scenario = scenarios.find((s) => reach(makePair(serverId, s), side, state));
      if (!scenario) return void t.fail(`no scenario reaches ${side} ${state}`);
      let inputs = 0;
      for (let i = 0; i < INSTANCES; i++) {
        const pair = reach(makePair(serverId, scenario), side, state)!;
        const peer = side === 'client' ? pair.server : pair.client;
        const seeds: Uint8Array[] = [];
        for (let d = peer.pollTransmit(); d; d = peer.pollTransmit()) seeds.push(...splitRecords(d));
        for (let j = 0; j < INPUTS; j++) {
          const kind = rng.below(4);
          const input =
            kind === 0 || seeds.length === 0
              ? rng.bytes(rng.below(80))
              : kind === 1
                ? randomHandshakeRecord(rng)
                : mutate(rng, seeds[rng.below(seeds.length)]!);
          pair[side].receive(input, j);
          pair[side].handleTimeout(j * 700);
          inputs++;
          t.true(
            chartStates.has(pair[side].state),
            `state ${pair[side].state} after input ${Buffer.from(input).toString('hex')}`,
          );
          while (pair[side].pollTransmit()) {
            /* drain */
          }
        }
      }
      t.is(inputs, INSTANCES * INPUTS);
    });
  }
}
