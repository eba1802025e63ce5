import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Balancer } from '../../support/udp-balancer.js';
import { freePort } from '../../interop/wolfssl.js';
import { connect, listen, type DtlsSession } from '../../../runtime/index.js';
import { listenWorkers } from '../../../runtime/workers.js';
import { encodeLink, LINK_FORWARD, LINK_RELAY } from '../../../runtime/api/workers/fleet-link.js';
import type { DtlsWorkerListener } from '../../../runtime/api/workers/worker-listener.js';
import { exchange, id, until } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * Two hosts of a fleet on loopback (hostId 1 and 2, one worker each),
 * behind a balancer of the test's own that proxies as nginx's stream module
 * does: one upstream socket per client and host, connected to that host, so
 * it takes answers only from the host it picked. When the balancer moves a
 * client to the other host (what `hash $remote_addr` does when the client's
 * address changes), the client's CID records reach host 2, which forwards
 * them over the fleet's link to host 1, the owner their CID names; host 1
 * answers through host 2 (tests/api/workers/fleet.test.ts does the same
 * behind the real nginx, in network namespaces).
 */

const HOST_ECHO = new URL('./fixtures/host-echo-worker.ts', import.meta.url);
const KEY = randomBytes(32);

/** Two hosts, closed when the test ends (passed or failed: worker threads left running keep the file's process alive). */
async function fleetOfTwo(
  t: ExecutionContext,
): Promise<{ hosts: [DtlsWorkerListener, DtlsWorkerListener]; links: number[] }> {
  const links = [await freePort(), await freePort()]; // distinct: freePort hands a port out once
  const fleet = { hosts: { 1: `127.0.0.1:${links[0]}`, 2: `127.0.0.1:${links[1]}` }, key: KEY };
  const host = (hostId: number): DtlsWorkerListener =>
    listenWorkers(HOST_ECHO, {
      workers: 1,
      hostId,
      fleet,
      cid: 8,
      cert: id.cert,
      key: id.key,
      host: '127.0.0.1',
      port: 0,
    });
  const hosts: [DtlsWorkerListener, DtlsWorkerListener] = [host(1), host(2)];
  t.teardown(() => Promise.all(hosts.map((h) => h.close())).then(() => undefined));
  await Promise.all(hosts.map((h) => h.listening));
  return { hosts, links };
}

/** A client of host 1 through the test's balancer, echoed once, then moved to host 2 (closed when the test ends). */
async function clientOfHostOne(
  t: ExecutionContext,
  hosts: readonly DtlsWorkerListener[],
): Promise<{ client: DtlsSession; balancer: Balancer }> {
  const [one, two] = hosts;
  const balancer = new Balancer();
  t.teardown(() => balancer.close());
  balancer.target = one!.address!.port;
  const front = await balancer.start();
  const client = connect('127.0.0.1', front, { ca: id.ca, servername: 'localhost', cid: 4 });
  t.teardown(() => client.close());
  await client.opened;
  t.is(await exchange(client, 'before'), 'h1w0: before');
  balancer.target = two!.address!.port; // the client's new address hashes to host 2
  return { client, balancer };
}

workersTest.serial(
  'a client the balancer moves to another host keeps its session: its records go to the owner over the link, the answers come back through the host it reached',
  async (t) => {
    const { hosts } = await fleetOfTwo(t);
    const [one, two] = hosts;
    const { client, balancer } = await clientOfHostOne(t, hosts);
    t.is(await exchange(client, 'after'), 'h1w0: after', 'host 1 still holds the session');
    t.is(await exchange(client, 'again'), 'h1w0: again');
    await until(() => one.stats.fleetRelayedOut > 0 && two.stats.fleetRelayedIn === one.stats.fleetRelayedOut);
    t.true(two.stats.fleetForwardedOut >= 2, 'host 2 forwarded the CID records');
    t.is(one.stats.fleetForwardedIn, two.stats.fleetForwardedOut, 'each forwarded once');
    t.is(two.stats.fleetRelayedIn, one.stats.fleetRelayedOut, 'host 1 answered through host 2');
    t.is(one.stats.migrations, 1, 'host 1 took the new path after its return routability check (RFC 9853)');
    t.is(two.stats.serverSessions, 0, 'host 2 holds nothing');
    t.is(one.stats.fleetRejected + two.stats.fleetRejected, 0);
    await client.close();
    balancer.close();
    await Promise.all(hosts.map((h) => h.close()));
  },
);

workersTest.serial(
  'the link takes nothing it cannot authenticate: a wrong key, a stale time, a sender not at its host\u2019s link address, a truncated datagram, a forward for another worker',
  async (t) => {
    const { hosts, links } = await fleetOfTwo(t);
    const [one, two] = hosts;
    const victim = createSocket('udp4');
    const attacker = createSocket('udp4');
    await Promise.all(
      [victim, attacker].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))),
    );
    let reached = 0;
    victim.on('message', () => reached++);
    const relay = { kind: LINK_RELAY, host: 1, worker: 0, address: '127.0.0.1', port: victim.address().port } as const;
    const datagram = Buffer.alloc(100, 0x17);
    const cidRecord = (host: number, worker: number): Buffer =>
      Buffer.concat([Buffer.of(0x3c, host, worker), randomBytes(80)]);
    const forged = [
      encodeLink(randomBytes(32), relay, datagram, Date.now()), // not the fleet's key
      encodeLink(KEY, relay, datagram, Date.now() - 120_000), // two minutes old
      encodeLink(KEY, relay, datagram, Date.now()).subarray(0, 40), // truncated
      encodeLink(KEY, relay, datagram, Date.now()), // the right key, but sent from the attacker's port, not host 1's link port
      encodeLink(KEY, { ...relay, kind: LINK_FORWARD }, cidRecord(2, 1), Date.now()), // a forward, from the attacker's port too
    ];
    for (const d of forged) attacker.send(d, links[1]!, '127.0.0.1');
    await until(() => two.stats.fleetRejected === forged.length);
    t.is(two.stats.fleetRejected, forged.length, 'every one dropped and counted');
    t.is(two.stats.fleetRelayedIn, 0, 'nothing relayed');
    t.is(two.stats.fleetForwardedIn, 0);
    // A record whose CID names host 9 (no host of the fleet) is dropped, not forwarded.
    attacker.send(cidRecord(9, 0), two.address!.port, '127.0.0.1');
    await until(() => two.stats.unknownOwner === 1);
    t.is(two.stats.unknownOwner, 1);
    t.is(two.stats.fleetForwardedOut, 0);
    // The same relay, sent from host 1's real link address, does go out: the checks above are what refused the others.
    const fromHostOne = createSocket('udp4');
    await one.close(); // frees host 1's link port for the test to send from
    await new Promise<void>((resolve) => fromHostOne.bind(links[0]!, '127.0.0.1', () => resolve()));
    // From host 1's link address: a forward whose CID names host 1 itself is not host 2's to take (never forwarded twice),
    // nor one naming host 2 with a CID no session of host 2 holds (it would set a route for a made-up session).
    fromHostOne.send(
      encodeLink(KEY, { ...relay, kind: LINK_FORWARD }, cidRecord(1, 0), Date.now()),
      links[1]!,
      '127.0.0.1',
    );
    fromHostOne.send(
      encodeLink(KEY, { ...relay, kind: LINK_FORWARD }, cidRecord(2, 0), Date.now()),
      links[1]!,
      '127.0.0.1',
    );
    await until(() => two.stats.fleetRejected === forged.length + 2);
    t.is(
      two.stats.fleetRejected,
      forged.length + 2,
      'a forward for another host or worker, or for no session, is dropped',
    );
    t.is(two.stats.fleetForwardedIn, 0);
    fromHostOne.send(encodeLink(KEY, relay, datagram, Date.now()), links[1]!, '127.0.0.1');
    await until(() => reached === 1 && two.stats.fleetRelayedIn === 1);
    t.is(reached, 1, 'a well-formed relay from host 1 reaches its remote');
    t.is(two.stats.fleetRelayedIn, 1);
    for (const s of [victim, attacker, fromHostOne]) s.close();
    await two.close();
  },
);

workersTest.serial(
  'a copy of a relayed client\u2019s record sent straight to the owner from the client\u2019s relayed address moves no route: what the owner sends later still goes through the host the client reaches',
  async (t) => {
    const { hosts } = await fleetOfTwo(t);
    const [one, two] = hosts;
    const { client, balancer } = await clientOfHostOne(t, hosts);
    t.is(await exchange(client, 'moved'), 'h1w0: moved', 'host 2 forwards, host 1 answers through host 2');
    // Host 1 answers "later" only when another session sends "fire": unprompted by anything this client sends meanwhile.
    const forwarded = two.stats.fleetForwardedOut;
    const later = exchange(client, 'later');
    await until(() => two.stats.fleetForwardedOut > forwarded);
    const copied = balancer.lastUpstream;
    if (copied === undefined) return t.fail('the balancer sent the client\u2019s record upstream');
    // The attacker: a copy of the client's last record (its CID is host 1's session's), sent straight to host 1 from the
    // address host 1 relays that client's answers for (the balancer's upstream socket to host 2; SO_REUSEADDR lets the
    // test send from it, as a spoofing attacker would).
    const spoofer = createSocket({ type: 'udp4', reuseAddr: true });
    t.teardown(() => spoofer.close());
    await new Promise<void>((resolve) => spoofer.bind(copied.port, '127.0.0.1', () => resolve()));
    const receivedBefore = one.stats.workers[0]!.packetsReceived;
    spoofer.send(copied.datagram, one.address!.port, '127.0.0.1');
    await until(() => one.stats.workers[0]!.packetsReceived > receivedBefore);
    t.true(one.stats.workers[0]!.packetsReceived > receivedBefore, 'host 1 got the copy');
    // Now another client, straight to host 1, makes host 1 send the answer.
    const trigger = connect('127.0.0.1', one.address!.port, { ca: id.ca, servername: 'localhost', cid: 4 });
    t.teardown(() => trigger.close());
    await trigger.opened;
    t.is(await exchange(trigger, 'fire'), 'h1w0: fired');
    t.is(
      await later,
      'h1w0: later',
      'the unprompted answer still went through host 2: the copy did not authenticate, so it moved nothing',
    );
    t.is(await exchange(client, 'after'), 'h1w0: after');
    await client.close();
    balancer.close();
    await Promise.all(hosts.map((h) => h.close()));
  },
);

test('fleet is checked at listen: the hosts, this host among them, the key, CIDs', (t) => {
  const base = { workers: 1, cert: id.cert, key: id.key, host: '127.0.0.1', cid: 8 };
  const hosts = { 1: '127.0.0.1:7000', 2: '127.0.0.1:7100' };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ hostId: 3, fleet: { hosts, key: KEY } }, /fleet\.hosts: must hold this host's own link address \(hostId 3\)/],
    [
      { hostId: 1, fleet: { hosts: { 1: '127.0.0.1:7000' }, key: KEY } },
      /fleet\.hosts: must name at least one other host/,
    ],
    [
      { hostId: 1, fleet: { hosts: { ...hosts, 2: 'localhost:7100' }, key: KEY } },
      /fleet\.hosts\.2: must be 'address:port'/,
    ],
    [{ hostId: 1, fleet: { hosts: { ...hosts, 2: '::1:7100' }, key: KEY } }, /fleet\.hosts\.2: must be 'address:port'/],
    [
      { hostId: 1, fleet: { hosts: { ...hosts, 300: '127.0.0.1:7200' }, key: KEY } },
      /fleet\.hosts\.300: must be an integer in 0\.\.255/,
    ],
    [{ hostId: 1, fleet: { hosts, key: KEY.subarray(0, 16) } }, /fleet\.key: must be 32 bytes/],
    [{ hostId: 1, fleet: { hosts, key: 'zz' } }, /fleet\.key: must be 32 bytes or 64 hex digits/],
    [{ hostId: 1, fleet: { hosts, key: KEY, peers: [] } }, /fleet\.peers: is not an option of fleet/],
    [{ hostId: 1, cid: 0, fleet: { hosts, key: KEY } }, /option cid: is needed with fleet/],
    [
      { hostId: 1, fleet: { hosts: { ...hosts, 2: '127.0.0.1:7000' }, key: KEY } },
      /fleet\.hosts\.2: has the link address of host 1/,
    ],
    [
      { hostId: 1, fleet: { hosts: { ...hosts, '01': '127.0.0.1:7200' }, key: KEY } },
      /fleet\.hosts\.01: the key must be a host id/,
    ],
    [
      { hostId: 1, port: 7001, workers: 2, fleet: { hosts, key: KEY } },
      /fleet\.hosts\.1: its link ports 7000\.\.7001 \(one per worker\) take in the endpoint's port 7001/,
    ],
  ];
  for (const [extra, message] of bad)
    t.throws(
      () => listenWorkers(HOST_ECHO, { ...base, ...extra }),
      { name: 'ConfigError', message },
      JSON.stringify(Object.keys(extra)),
    );
  t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, fleet: { hosts, key: KEY } }), {
    name: 'ConfigError',
    message: /option fleet: needs workers/,
  });
});
