import test from 'ava';
import { US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { DEFAULT_PROFILE, type TimingProfile } from '../../../hwmodel/timing/index.js';
import { checkProfile } from '../../../hwmodel/timing/profile.js';

const identity = makeSimIdentity('ed25519');
const withSockets = (datagramUs: number): TimingProfile => ({ ...DEFAULT_PROFILE, processing: { ...DEFAULT_PROFILE.processing, datagramUs } });

test('software platform with sockets: every datagram sent and every one received costs processing.datagramUs on the CPU', (t) => {
  const run = (sockets: boolean, profile: TimingProfile) =>
    simulate({ platform: 'software', sockets, connections: 1, records: 2, identity, profile, transcripts: true, seed: 3 });
  const memory = run(false, withSockets(50));
  const udp = run(true, withSockets(50));
  const tr = udp.transcripts![0]!;
  const sent = tr.clientSent.length + tr.serverSent.length;
  t.deepEqual(memory.transcripts, udp.transcripts, 'the same protocol run');
  // One connection: nothing queues, so the run is longer by the socket work: 50 µs for every datagram sent and for
  // every one received (a datagram arriving after its connection's worker has ended is not received).
  const extra = udp.run.duration - memory.run.duration;
  t.is(extra % (50 * US), 0, `${extra} ps is a whole number of datagrams`);
  t.true(extra >= (sent + sent - 2) * 50 * US && extra <= 2 * sent * 50 * US, `${extra / (50 * US)} datagrams charged of ${sent} sent`);
  t.is(run(true, DEFAULT_PROFILE).run.duration, memory.run.duration, 'no datagramUs in the profile: no socket cost');
});

test('sockets is a software-platform option; datagramUs is checked in a profile', (t) => {
  t.throws(() => simulate({ platform: 'offload', sockets: true, connections: 1 }), { message: /software/ });
  t.throws(() => checkProfile({ ...withSockets(-1) }), { message: /datagramUs/ });
  t.is(checkProfile(withSockets(12.5)).processing.datagramUs, 12.5);
});
