import test from 'ava';
import { US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../../../hwmodel/timing/index.js';
import { checkProfile } from '../../../hwmodel/timing/profile.js';

const identity = makeSimIdentity('ed25519');
const withSockets = (datagramUs: number): TimingProfile => ({
  ...DEFAULT_PROFILE,
  processing: { ...DEFAULT_PROFILE.processing, datagramUs },
});

test('software platform with sockets: every datagram sent and every one received costs processing.datagramUs on the CPU', (t) => {
  const run = (sockets: boolean, profile: TimingProfile) =>
    simulate({
      platform: 'software',
      sockets,
      connections: 1,
      records: 2,
      identity,
      profile,
      transcripts: true,
      seed: 3,
    });
  const memory = run(false, withSockets(50));
  const udp = run(true, withSockets(50));
  const tr = udp.transcripts![0]!;
  const sent = tr.clientSent.length + tr.serverSent.length;
  t.deepEqual(memory.transcripts, udp.transcripts, 'the same protocol run');
  // One connection: nothing queues, so the run is longer by the socket work: 50 µs for every datagram sent and for
  // every one received (a datagram arriving after its connection's worker has ended is not received).
  const extra = udp.run.duration - memory.run.duration;
  t.is(extra % (50 * US), 0, `${extra} ps is a whole number of datagrams`);
  t.true(
    extra >= (sent + sent - 2) * 50 * US && extra <= 2 * sent * 50 * US,
    `${extra / (50 * US)} datagrams charged of ${sent} sent`,
  );
  t.is(run(true, DEFAULT_PROFILE).run.duration, memory.run.duration, 'no datagramUs in the profile: no socket cost');
});

test('sockets is a software-platform option; datagramUs is checked in a profile', (t) => {
  t.throws(() => simulate({ platform: 'offload', sockets: true, connections: 1 }), { message: /software/ });
  t.throws(() => checkProfile({ ...withSockets(-1) }), { message: /datagramUs/ });
  t.is(checkProfile(withSockets(12.5)).processing.datagramUs, 12.5);
});

test("processing.serverDatagramUs is the server host's socket cost; the clients keep datagramUs", (t) => {
  const run = (processing: Partial<TimingProfile['processing']>) =>
    simulate({
      platform: 'software',
      sockets: true,
      connections: 1,
      records: 2,
      identity,
      profile: { ...DEFAULT_PROFILE, processing: { ...DEFAULT_PROFILE.processing, ...processing } },
      transcripts: true,
      seed: 3,
    });
  const memory = run({});
  const clientOnly = run({ datagramUs: 50, serverDatagramUs: 0 });
  const serverOnly = run({ datagramUs: 0, serverDatagramUs: 50 });
  const both = run({ datagramUs: 50 });
  const tr = both.transcripts![0]!;
  // One connection: nothing queues, so each end's socket work adds to the run on its own.
  const clientExtra = (clientOnly.run.duration - memory.run.duration) / (50 * US);
  const serverExtra = (serverOnly.run.duration - memory.run.duration) / (50 * US);
  const sent = tr.clientSent.length + tr.serverSent.length;
  // Each end sends its own and receives the other's (a datagram arriving after its connection's worker has ended is
  // not received); the two together are the single-cost run's socket work.
  t.true(
    clientExtra >= sent - 1 && clientExtra <= sent && Number.isInteger(clientExtra),
    `the client host: ${clientExtra} of ${sent}`,
  );
  t.true(
    serverExtra >= sent - 1 && serverExtra <= sent && Number.isInteger(serverExtra),
    `the server host: ${serverExtra} of ${sent}`,
  );
  t.is(
    clientExtra + serverExtra,
    (both.run.duration - memory.run.duration) / (50 * US),
    'the two ends make up the one-cost run',
  );
  t.not(clientOnly.run.duration, serverOnly.run.duration, 'each end charged its own count');
  t.is(
    run({ datagramUs: 50, serverDatagramUs: 50 }).run.duration,
    both.run.duration,
    'the same cost on both ends: as datagramUs alone',
  );
  t.throws(
    () => checkProfile({ ...DEFAULT_PROFILE, processing: { ...DEFAULT_PROFILE.processing, serverDatagramUs: -1 } }),
    { message: /serverDatagramUs/ },
  );
});

test('processing.endpointUs: each end pays it once per connection over sockets, before its first work; not in memory', (t) => {
  const run = (sockets: boolean, endpointUs: number | undefined, connections = 1) =>
    simulate({
      platform: 'software',
      sockets,
      connections,
      records: 0,
      identity,
      profile: {
        ...DEFAULT_PROFILE,
        processing: { ...DEFAULT_PROFILE.processing, ...(endpointUs === undefined ? {} : { endpointUs }) },
      },
      seed: 3,
    });
  const none = run(true, undefined);
  // One connection, nothing queues: both ends' endpoints add 2 × 40 µs to the run.
  t.is(run(true, 40).run.duration - none.run.duration, 2 * 40 * US);
  t.is(run(false, 40).run.duration, run(false, undefined).run.duration, 'an in-memory run has no endpoints to pay for');
  // A burst of clients opened at once: every client's endpoint is paid before the first handshake can complete, so the
  // first completion moves by all of them (a cost per datagram would move it by that handshake's own datagrams only).
  const burst = (endpointUs: number) => Math.min(...run(true, endpointUs, 20).run.handshakeLatencies);
  t.true(burst(40) - burst(0) >= 20 * 40 * US, `first completion moved by ${(burst(40) - burst(0)) / US} µs`);
  t.throws(() => checkProfile({ ...DEFAULT_PROFILE, processing: { ...DEFAULT_PROFILE.processing, endpointUs: -1 } }), {
    message: /endpointUs/,
  });
});
