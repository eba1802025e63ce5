import test from 'ava';
import { US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../../../hwmodel/timing/index.js';
import { checkProfile } from '../../../hwmodel/timing/profile.js';

const identity = makeSimIdentity('ed25519');
const withSetup = (connectionUs: number): TimingProfile => ({
  ...DEFAULT_PROFILE,
  processing: { ...DEFAULT_PROFILE.processing, connectionUs },
});

test('software platform: creating each connection costs processing.connectionUs on the CPU, once, with its first call', (t) => {
  const run = (profile: TimingProfile) =>
    simulate({ platform: 'software', connections: 5, records: 2, identity, profile, transcripts: true, seed: 3 });
  const without = run(DEFAULT_PROFILE);
  const setup = run(withSetup(40));
  t.deepEqual(setup.transcripts, without.transcripts, 'the same protocol run');
  // One CPU does all the work: the run is longer by the 10 connections' creation (5 clients, 5 servers).
  t.is(setup.run.duration - without.run.duration, 10 * 40 * US);
  // All five clients are created at time 0, before any server connection: every handshake completes later, the
  // first by at least the clients' creation.
  const first = (r: typeof setup) => Math.min(...r.run.handshakeLatencies);
  t.true(
    first(setup) - first(without) >= 5 * 40 * US,
    `the first handshake is later by ${(first(setup) - first(without)) / US} µs`,
  );
});

test('connectionUs is checked in a profile; the offload device does not charge it', (t) => {
  t.throws(() => checkProfile(withSetup(-1)), { message: /connectionUs/ });
  t.is(checkProfile(withSetup(7.5)).processing.connectionUs, 7.5);
  const offload = (profile: TimingProfile) =>
    simulate({ platform: 'offload', connections: 3, records: 1, identity, profile, seed: 3 }).report.modules;
  const device = (m: ReturnType<typeof offload>) => m.find((x) => x.name === 'device.recordLayer');
  t.deepEqual(
    device(offload(withSetup(40))),
    device(offload(DEFAULT_PROFILE)),
    "the device's record layer does no more work",
  );
});
