import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Balancer } from '../support/udp-balancer.js';
import { freePort } from '../interop/wolfssl.js';
import { dtls13, startServer, type CliRun, type RunningServer } from './cli-process.js';

/** `dtls13 server --workers N`: the same server on N worker threads sharing the port (docs/scale-out.md). */

const pem = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
test.after.always(() => pem.remove());

test('dtls13 server --workers 2 --echo: two event loops on one port, each client answered and printed as with one', async (t) => {
  const server = await startServer(pem, ['--workers', '2', '--echo', '--cid', '8']);
  t.teardown(async () => void (await server.stop())); // also when the test fails: no server left holding its port
  t.regex(server.run.out().stdout, /listening on 127\.0\.0\.1:\d+ \(2 workers, CID steering\)/);
  for (const text of ['first', 'second', 'third']) {
    const r = await dtls13(
      [
        'client',
        '--connect',
        `127.0.0.1:${server.port}`,
        '--ca',
        pem.ca,
        '--servername',
        'localhost',
        '--replies',
        '1',
      ],
      `${text}\n`,
    ).done;
    t.regex(r.stdout, new RegExp(`\\b${text}\\b`), r.stderr);
  }
  const out = await server.stop();
  t.is(out.match(/ connected: /g)?.length, 3, out);
});

test('dtls13 server --workers 0: a usage error naming the range', async (t) => {
  const bad = await dtls13(
    ['server', '--listen', '127.0.0.1:0', '--cert', pem.cert, '--key', pem.key, '--workers', '0'],
    null,
  ).done;
  t.not(bad.code, 0);
  t.regex(bad.stderr, /--workers must be 1\.\.64 or auto, got 0/);
});

/**
 * Two fleet hosts on link ports found free here: a port another process took before a host bound it fails that host's
 * start (the link socket is bound exclusively), and the pair starts again on other ports.
 */
async function startFleet(): Promise<[RunningServer, RunningServer]> {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'dtls13-fleet-cli-')), 'fleet-key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`);
  for (let attempt = 1; ; attempt++) {
    const [link1, link2] = [await freePort(), await freePort()];
    const fleet = [
      '--workers',
      '1',
      '--cid',
      '8',
      '--echo',
      '--fleet',
      `1=127.0.0.1:${link1},2=127.0.0.1:${link2}`,
      '--fleet-key-file',
      keyFile,
    ];
    const started = await Promise.allSettled([
      startServer(pem, [...fleet, '--host-id', '1']),
      startServer(pem, [...fleet, '--host-id', '2']),
    ]);
    if (started[0].status === 'fulfilled' && started[1].status === 'fulfilled')
      return [started[0].value, started[1].value];
    for (const s of started) if (s.status === 'fulfilled') await s.value.stop();
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')!.reason as Error;
    if (attempt >= 5 || !/EADDRINUSE/.test(failure.message)) throw failure;
  }
}

/** Resolves once `seen()` holds for the output of `run`, checked on each chunk of `stream`; rejects if `run` exits first. */
function outputWhere(run: CliRun, stream: 'stdout' | 'stderr', seen: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!seen()) return;
      run.child[stream]!.off('data', check);
      resolve();
    };
    run.child[stream]!.on('data', check);
    check();
    void run.done.then((r) => reject(new Error(`the client exited before ${what}: ${r.stdout}${r.stderr}`)));
  });
}

// No deadline of its own: under load a client takes seconds to start (10 to 12 s measured at a load of 30), and a
// lost echo leaves the test waiting, which ava's timeout ends as a failure.
test('dtls13 server --workers 1 --host-id --fleet --fleet-key-file: two hosts of a fleet; a client the balancer moves to host 2 is still answered by host 1', async (t) => {
  const [one, two] = await startFleet();
  const balancer = new Balancer();
  balancer.target = one.port;
  const front = await balancer.start();
  const client = dtls13(
    ['client', '--connect', `127.0.0.1:${front}`, '--ca', pem.ca, '--servername', 'localhost', '--cid', '4'],
    null,
  );
  // Also when the test fails: hosts left running hold their ports and keep ava's worker from exiting.
  t.teardown(async () => {
    client.child.kill();
    balancer.close();
    await Promise.all([one.stop(), two.stop()]);
  });
  const echoed = (text: string): Promise<void> =>
    outputWhere(client, 'stdout', () => client.out().stdout.includes(text), `the echo of '${text}'`);
  // Status lines go to stderr.
  await outputWhere(client, 'stderr', () => client.out().stderr.includes('connected'), 'connecting');
  client.child.stdin!.write('before the move\n');
  await echoed('before the move');
  balancer.target = two.port; // the client's new address hashes to host 2
  client.child.stdin!.write('after the move\n');
  await echoed('after the move');
  client.child.stdin!.end();
  await client.done;
  balancer.close();
  const [out1, out2] = [await one.stop(), await two.stop()];
  t.regex(
    out1,
    /migrated: 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+/,
    'host 1 moved the session to the path through host 2 (and echoed the message sent there)',
  );
  t.notRegex(out2, /connected: /, 'host 2 held no session');
});

test('dtls13 server: the fleet flags are usage errors naming the flag when they cannot work', async (t) => {
  const run = async (extra: readonly string[]): Promise<string> => {
    const r = await dtls13(['server', '--listen', '127.0.0.1:0', '--cert', pem.cert, '--key', pem.key, ...extra], null)
      .done;
    t.not(r.code, 0);
    return r.stderr;
  };
  t.regex(await run(['--host-id', '1']), /--host-id need --workers/);
  t.regex(
    await run(['--workers', '1', '--host-id', '1', '--cid', '8', '--fleet', '1=127.0.0.1:7000,2=127.0.0.1:7100']),
    /--fleet needs --fleet-key-file/,
  );
  t.regex(await run(['--workers', '1', '--host-id', '300']), /--host-id: .*must be an integer in 0\.\.255, got 300/);
  const keyFile = join(mkdtempSync(join(tmpdir(), 'dtls13-fleet-cli-')), 'fleet-key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`);
  t.regex(
    await run([
      '--workers',
      '1',
      '--host-id',
      '1',
      '--cid',
      '8',
      '--fleet',
      '1=127.0.0.1:7000,2=localhost:7100',
      '--fleet-key-file',
      keyFile,
    ]),
    /--fleet: option fleet\.hosts\.2: must be 'address:port'/,
  );
  t.regex(
    await run([
      '--workers',
      '1',
      '--host-id',
      '1',
      '--cid',
      '8',
      '--fleet',
      '1=127.0.0.1:7000,1=127.0.0.1:7100',
      '--fleet-key-file',
      keyFile,
    ]),
    /--fleet: host 1 is named twice/,
  );
  writeFileSync(keyFile, 'not hex\n');
  t.regex(
    await run([
      '--workers',
      '1',
      '--host-id',
      '1',
      '--cid',
      '8',
      '--fleet',
      '1=127.0.0.1:7000,2=127.0.0.1:7100',
      '--fleet-key-file',
      keyFile,
    ]),
    /64 hex digits/,
  );
});
