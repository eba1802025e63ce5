/**
 * A client behind a real NAT (nftables masquerade in a router namespace,
 * tests/support/netns.ts) whose mapping changes three times mid-session,
 * as a NAT's does after a quiet period. A CoAP-like exchange — one request
 * at a time, each answered by the server, a quiet period between them —
 * keeps every reply with RRC basic and enhanced (RFC 9853 §5: while the
 * server checks the new address it sends nothing to the old one, and what
 * it held goes to the validated address), with no new handshake; a record
 * captured from the path and replayed from a third address moves nothing.
 */
import test from 'ava';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pemIdentity } from '../api/fixtures.js';
import { echoServer } from './echo-server.js';
import { Lines, NatBed } from '../support/netns.js';

const CLIENT = fileURLToPath(new URL('./netns/client.ts', import.meta.url));
/** The quiet period between requests. CoAP devices send every 1–5 s; the test changes the mapping itself in the quiet period, so its length matters only beyond the check's timer. */
const QUIET_MS = 400;
const REQUESTS_PER_MAPPING = 3;
/** A reply is lost when it has not come in this long (the enhanced check waits up to T = 1 s for the old path, then checks the new one). */
const REPLY_WAIT_MS = 6000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const rrc of ['basic', 'enhanced'] as const) {
  test(`through a real NAT whose mapping changes three times, a request/reply exchange keeps every reply (RRC ${rrc}); no new handshake; a record replayed from a third address moves nothing`, async (t) => {
    const nat = new NatBed();
    t.teardown(() => nat.destroy());
    const id = pemIdentity('localhost');
    const dir = mkdtempSync(join(tmpdir(), 'dtls13-nat-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, id.ca);
    const { listener, port, session, migrations } = await echoServer(
      { cert: id.cert, key: id.key, host: nat.serverAddress, port: 0, cid: { length: 4, spares: 4 }, rrc },
      (fn) => t.teardown(fn),
    );
    const child = nat.bed.node(nat.client, CLIENT, [nat.serverAddress, String(port), caFile]);
    const out = new Lines(child.stdout);
    const err = new Lines(child.stderr);
    await out.wait(/opened/);

    let n = 0;
    const lost: number[] = [];
    const seen: number[] = [];
    for (let mapping = 0; mapping <= 3; mapping++) {
      if (mapping > 0) nat.rebind();
      for (let i = 0; i < REQUESTS_PER_MAPPING; i++) {
        const k = ++n;
        child.stdin.write(`send request ${k} ${'.'.repeat(60)}\n`);
        await out.wait(new RegExp(`reply echo request ${k} `), REPLY_WAIT_MS).catch(() => lost.push(k));
        await sleep(QUIET_MS);
      }
      const at = session()?.remoteAddress;
      t.is(at?.address, nat.outsideAddress, 'the server sees the NAT');
      const { low, high } = nat.ports;
      t.true(
        at !== undefined && at.port >= low && at.port <= high,
        `mapping ${mapping}: the session is at port ${at?.port}, from ${low}-${high}`,
      );
      seen.push(at?.port ?? 0);
    }
    t.deepEqual(lost, [], 'every request got its reply');
    t.is(migrations.length, 3);
    t.deepEqual(migrations, seen.slice(1));
    t.is(listener.stats.migrations, 3);

    // The last datagram the client sent, captured on the path, replayed from a third address: a duplicate, it moves nothing.
    const captured = [...err.all.matchAll(/^sent ([0-9a-f]+)$/gm)].at(-1)?.[1];
    t.truthy(captured);
    const third = createSocket('udp4');
    await new Promise<void>((r) => third.bind(0, nat.thirdAddress, () => r()));
    await new Promise<void>((r) => third.send(Buffer.from(captured!, 'hex'), port, nat.serverAddress, () => r()));
    third.close();
    child.stdin.write(`send after the replay ${'.'.repeat(60)}\n`);
    await out.wait(/reply echo after the replay/, REPLY_WAIT_MS);
    t.is(session()?.remoteAddress?.port, seen.at(-1));
    t.is(migrations.length, 3);
    t.is((out.all.match(/opened/g) ?? []).length, 1, 'one handshake');
    child.stdin.end('quit\n');
    await new Promise((r) => child.on('close', r));
  });
}
