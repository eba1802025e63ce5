/**
 * `dtls13 client --cid N` / `dtls13 server --cid N`: the interactive client
 * moves to a new local port on `:rebind`; the server checks the new address
 * (RFC 9853) and prints `migrated: OLD -> NEW`; the echo keeps flowing with
 * no new handshake. Both 'connected:' lines name the CIDs negotiated, each
 * side's ours being the other's peer's. Usage errors for the options.
 */
import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer, type CliRun } from './cli-process.js';

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
test.after.always(() => pem.remove());

/** Waits until `what` of `run` matches `pattern` (up to 20 s); resolves with the match. */
async function seen(run: CliRun, what: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    const m = run.out()[what].match(pattern);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${String(pattern)} in ${what}: ${run.out()[what]}`);
}

test(':rebind moves the client to a new port; the server follows after RRC and prints migrated: OLD -> NEW', async (t) => {
  const server = await startServer(pem, ['--echo', '--cid', '4', '--cid-spares', '2']);
  const client = dtls13(
    ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost', '--cid', '4'],
    null,
  );
  try {
    client.child.stdin!.write('first\n');
    await seen(client, 'stdout', /first\n/);
    const connected = await seen(server.run, 'stdout', /127\.0\.0\.1:(\d+) connected/);
    client.child.stdin!.write(':rebind\n');
    const rebound = await seen(client, 'stderr', /rebound: now sending from 127\.0\.0\.1:(\d+)/);
    t.not(rebound[1], connected[1]);
    client.child.stdin!.write('second\n');
    await seen(client, 'stdout', /second\n/);
    const migrated = await seen(server.run, 'stdout', /migrated: 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+)/);
    t.is(migrated[1], connected[1]);
    t.is(migrated[2], rebound[1]);
    client.child.stdin!.write('third\n');
    await seen(client, 'stdout', /third\n/);
    client.child.stdin!.end();
    const done = await client.done;
    t.is(done.code, 0, done.stderr);
    t.is(done.stdout, 'first\nsecond\nthird\n');
    t.is((server.run.out().stdout.match(/ connected: /g) ?? []).length, 1, 'one handshake');
  } finally {
    client.child.kill();
    await server.stop();
  }
});

test("'connected:' names both CIDs when they were negotiated, and none when they were not", async (t) => {
  const server = await startServer(pem, ['--echo', '--cid', '6']);
  try {
    const base = ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'];
    const withCid = await dtls13([...base, '--cid', '4', '--message', 'hi', '--replies', '1']).done;
    t.is(withCid.code, 0, withCid.stderr);
    // Ours (4 bytes) is the one the server's records carry to the client; the peer's (6 bytes) the one ours carry.
    const mine = /^connected: .* cid ours ([0-9a-f]{8}) peer's ([0-9a-f]{12})$/m.exec(withCid.stderr);
    t.truthy(mine, withCid.stderr);
    const zero = await dtls13([...base, '--cid', '0', '--message', 'hi', '--replies', '1']).done;
    t.regex(zero.stderr, /^connected: .* cid ours empty peer's [0-9a-f]{12}$/m);
    const none = await dtls13([...base, '--message', 'hi', '--replies', '1']).done;
    t.is(none.code, 0, none.stderr);
    t.regex(none.stderr, /^connected: /m);
    t.notRegex(none.stderr, / cid /);
    const log = await server.stop();
    const theirs = / connected: .* cid ours ([0-9a-f]{12}) peer's ([0-9a-f]{8})$/m.exec(log);
    t.deepEqual([theirs?.[1], theirs?.[2]], [mine?.[2], mine?.[1]], log);
  } finally {
    await server.stop();
  }
});

test('--cid usage errors: out of range, --rrc without --cid, a bad --rrc mode', async (t) => {
  for (const [args, message] of [
    [['--cid', '21'], /--cid must be an integer 0\.\.20/],
    [['--rrc', 'basic'], /--cid-spares and --rrc need --cid N/],
    [['--cid', '4', '--rrc', 'sometimes'], /--rrc must be basic, enhanced or off/],
  ] as const) {
    const r = await dtls13(['client', '--connect', '127.0.0.1:9', '--ca', pem.ca, ...args]).done;
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, message);
  }
});
