/**
 * `--fingerprint`, `--extended-master-secret`, `--mtu` and
 * `--retransmit-timeout` of `dtls13 client` and `dtls13 server`
 * (cli/peer-options.ts): a pinned certificate stands in for --ca on both
 * ends, a wrong pin fails the handshake with bad_certificate, the first
 * retransmission waits as long as asked, and values the options do not take
 * are usage errors naming the flag. (--extended-master-secret against a peer
 * without the extension: tests/interop/erlang.test.ts.)
 */
import test from 'ava';
import { X509Certificate } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { dtls13, startServer } from './cli-process.js';

const server = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
const client = writePem(makeIdentity('p256', 'device-7', { at: Date.now() }));
const other = writePem(makeIdentity('p256', 'someone-else', { at: Date.now() }));
test.after.always(() => {
  for (const p of [server, client, other]) p.remove();
});

/** The leaf's fingerprint in SDP's form, as --fingerprint takes it. */
const pin = (certFile: string): string => `sha-256 ${new X509Certificate(readFileSync(certFile)).fingerprint256}`;

for (const version of ['1.3', '1.2']) {
  test(`DTLS ${version}: client --fingerprint in place of --ca; a wrong one fails with bad_certificate`, async (t) => {
    const running = await startServer(server, ['--echo']);
    try {
      const base = [
        'client',
        '--connect',
        `127.0.0.1:${running.port}`,
        '--min-version',
        version,
        '--max-version',
        version,
        '--message',
        'hi',
        '--replies',
        '1',
      ];
      const ok = await dtls13([...base, '--fingerprint', pin(server.cert)]).done;
      t.is(ok.code, 0, ok.stderr);
      t.is(ok.stdout, 'hi\n');
      const wrong = await dtls13([...base, '--fingerprint', `${pin(other.cert)}, ${pin(client.cert)}`]).done;
      t.is(wrong.code, 1, wrong.stderr);
      t.regex(wrong.stderr, /bad_certificate/);
    } finally {
      await running.stop();
    }
  });

  test(`DTLS ${version}: server --fingerprint requires a client certificate that hashes to it`, async (t) => {
    const running = await startServer(server, ['--echo', '--fingerprint', pin(client.cert)]);
    try {
      const base = [
        'client',
        '--connect',
        `127.0.0.1:${running.port}`,
        '--ca',
        server.ca,
        '--servername',
        'localhost',
        '--min-version',
        version,
      ];
      const ok = await dtls13([
        ...base,
        '--max-version',
        version,
        '--cert',
        client.cert,
        '--key',
        client.key,
        '--message',
        'hi',
        '--replies',
        '1',
      ]).done;
      t.is(ok.code, 0, ok.stderr);
      t.is(ok.stdout, 'hi\n');
      const wrong = await dtls13([
        ...base,
        '--max-version',
        version,
        '--cert',
        other.cert,
        '--key',
        other.key,
        '--message',
        'hi',
        '--replies',
        '1',
      ]).done;
      t.not(wrong.code, 0);
      const none = await dtls13([...base, '--max-version', version, '--message', 'hi', '--replies', '1']).done;
      t.not(none.code, 0);
      const log = await running.stop();
      t.regex(log, /connected: .* client-authenticated\n/);
      t.regex(log, /handshake failed: .*(bad_certificate|certificate_required|handshake_failure)/);
    } finally {
      await running.stop();
    }
  });
}

/** The ClientHellos a client sends to a UDP socket that never answers, until its own --timeout ends it. */
async function helloesToSilence(retransmitTimeout: string): Promise<number> {
  const silent = createSocket('udp4');
  let datagrams = 0;
  silent.on('message', () => datagrams++);
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  try {
    const r = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${silent.address().port}`,
      '--ca',
      server.ca,
      '--retransmit-timeout',
      retransmitTimeout,
      '--timeout',
      '2000',
      '--message',
      'x',
    ]).done;
    if (r.code !== 1) throw new Error(`the client against silence ended with ${r.code}: ${r.stderr}`);
    return datagrams;
  } finally {
    silent.close();
  }
}

test('--retransmit-timeout: the ClientHello is sent again after the wait asked for, and not before', async (t) => {
  // 100 ms: sent again at 100, 300, 700 and 1500 ms of a 2-second handshake; 600000: never within it.
  t.true((await helloesToSilence('100')) >= 2);
  t.is(await helloesToSilence('600000'), 1);
});

test('--mtu 400 on both ends: every record of the handshake fits 400 bytes, the server certificate goes in fragments', async (t) => {
  const running = await startServer(server, ['--echo', '--mtu', '400']);
  try {
    const r = await dtls13([
      'client',
      '--connect',
      `127.0.0.1:${running.port}`,
      '--ca',
      server.ca,
      '--servername',
      'localhost',
      '--mtu',
      '400',
      '--msg',
      '--message',
      'hi',
      '--replies',
      '1',
    ]).done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'hi\n');
    // --msg prints a line per record: its type and size (at the default 1200 the certificate is one 432-byte record).
    const sizes = [...r.stderr.matchAll(/^(?:>>>|<<<) epoch \d+ rec \d+ \w+ (\d+) B/gm)].map((m) => Number(m[1]));
    t.true(sizes.length > 6, r.stderr);
    t.true(
      sizes.every((n) => n <= 400),
      r.stderr,
    );
    t.true((r.stderr.match(/^<<< .*: certificate /gm) ?? []).length >= 2, r.stderr);
  } finally {
    await running.stop();
  }
});

test('values the flags do not take are usage errors naming the flag; --fingerprint does not go with --ca', async (t) => {
  const cases: [readonly string[], RegExp][] = [
    [
      ['client', '--connect', '127.0.0.1:9', '--ca', server.ca, '--extended-master-secret', 'sometimes'],
      /--extended-master-secret must be required or preferred, got 'sometimes'/,
    ],
    [
      ['client', '--connect', '127.0.0.1:9', '--fingerprint', 'sha-256 zz:11'],
      /--fingerprint: .*digest that is not colon-separated hex pairs/,
    ],
    [
      ['client', '--connect', '127.0.0.1:9', '--fingerprint', 'sha-256 AB:CD'],
      /--fingerprint: has a sha-256 digest of 2 bytes/,
    ],
    [
      ['client', '--connect', '127.0.0.1:9', '--fingerprint', pin(server.cert), '--ca', server.ca],
      /--fingerprint checks the server certificate alone/,
    ],
    [
      ['client', '--connect', '127.0.0.1:9', '--ca', server.ca, '--mtu', '100'],
      /--mtu must be a datagram size in bytes, 256\.\.65507, got '100'/,
    ],
    [
      ['client', '--connect', '127.0.0.1:9', '--ca', server.ca, '--retransmit-timeout', '0'],
      /--retransmit-timeout must be ms, 1\.\.600000, got '0'/,
    ],
    [
      ['server', '--listen', '127.0.0.1:0', '--cert', server.cert, '--key', server.key, '--retransmit-timeout', '1s'],
      /--retransmit-timeout must be ms, 1\.\.600000, got '1s'/,
    ],
    [
      [
        'server',
        '--listen',
        '127.0.0.1:0',
        '--cert',
        server.cert,
        '--key',
        server.key,
        '--fingerprint',
        pin(client.cert),
        '--ca',
        client.ca,
      ],
      /--fingerprint checks the client certificate in the handshake, in place of --ca/,
    ],
    [
      [
        'server',
        '--listen',
        '127.0.0.1:0',
        '--cert',
        server.cert,
        '--key',
        server.key,
        '--extended-master-secret',
        'off',
      ],
      /--extended-master-secret must be required or preferred/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await dtls13(args).done;
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, message);
  }
});

test('client --help and server --help list the three flags', async (t) => {
  for (const command of ['client', 'server']) {
    const r = await dtls13([command, '--help']).done;
    t.is(r.code, 0);
    for (const flag of ['--fingerprint LIST', '--extended-master-secret MODE', '--mtu BYTES'])
      t.true(r.stdout.includes(flag), `${command}: ${flag}`);
  }
});
