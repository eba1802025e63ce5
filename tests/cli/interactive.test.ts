/**
 * The client as s_client users expect it: lines sent as they arrive (a slow
 * pipe, a 200 KB pipe), the whole exchange under --timeout, silence under
 * --idle-timeout, --msg, failures explained on both ends, the small things
 * (--version, COMMAND --help, short usage errors, key log 0600, [IPv6]).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { CLI_COMMAND, dtls13, startServer } from './cli-process.js';

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
test.after.always(() => pem.remove());

/** `sh -c SCRIPT` with the CLI as $DTLS13; resolves with its exit code and output. */
function shell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DTLS13: CLI_COMMAND },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const client = (port: number, extra = ''): string =>
  `eval "$DTLS13" client --connect 127.0.0.1:${port} --ca ${pem.ca} --servername localhost ${extra}`;

test('a slow pipe: (sleep 12; echo hi) | dtls13 client --replies 1 gets its line sent after 12 s and the echo back', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const r = await shell(`(sleep 12; echo hi) | ${client(server.port, '--replies 1')}`);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'hi\n');
    t.regex(r.stderr, /connected: /);
  } finally {
    await server.stop();
  }
});

test('a 200 KB pipe comes back byte for byte from an echo server', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    // 2000 numbered lines of 100 bytes; the client packs them into records of up to 1 KiB. Its stdin ends once the whole
    // echo is on its stdout (the end of input closes the session at once).
    const expected = Array.from(
      { length: 2000 },
      (_, i) => `${String(i + 1).padStart(6, '0')} ${'x'.repeat(92)}\n`,
    ).join('');
    const run = dtls13(
      ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost'],
      null,
    );
    run.child.stdin!.write(expected);
    let exited = false;
    void run.done.then(() => (exited = true));
    while (!exited && run.out().stdout.length < expected.length) await new Promise((r) => setTimeout(r, 50));
    run.child.stdin!.end();
    const r = await run.done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.length, expected.length);
    t.true(r.stdout === expected, 'the echo is the input, in order');
  } finally {
    await server.stop();
  }
});

/**
 * Runs `client` with stdin from `feed` and stdout and stderr in files that `feed` may wait on (`$d/out`, `$d/err`), so a
 * line can be timed from what the client has done rather than from when the shell started (a loaded machine may take
 * seconds to start the client). `waitfor FILE PATTERN` waits at most 30 s.
 */
function fed(feed: string, clientCommand: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return shell(
    `d=$(mktemp -d); waitfor() { i=0; until grep -q "$2" "$1" 2>/dev/null || [ $i -ge 300 ]; do sleep 0.1; i=$((i+1)); done; }; ` +
      `(${feed}) | ${clientCommand} >"$d/out" 2>"$d/err"; code=$?; cat "$d/out"; cat "$d/err" >&2; rm -r "$d"; exit $code`,
  );
}

test('--timeout bounds the whole exchange, not only the handshake; --idle-timeout closes a silent one', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    // The late line comes 6 s after the handshake, past the 5 s bound of the whole exchange; the idle client's own line is
    // echoed, then 1.5 s of silence close it before its late line comes.
    const [slow, idle] = await Promise.all([
      fed(`waitfor "$d/err" connected:; sleep 6; echo late`, client(server.port, '--timeout 5000')),
      fed(`echo early; waitfor "$d/out" early; sleep 5; echo late`, client(server.port, '--idle-timeout 1500')),
    ]);
    t.is(slow.code, 1, slow.stderr);
    t.regex(slow.stderr, /timeout: the exchange took longer than --timeout 5000 ms/);
    t.is(slow.stdout, '');
    t.is(idle.code, 0, idle.stderr);
    t.is(idle.stdout, 'early\n');
    t.regex(idle.stderr, /idle for --idle-timeout 1500 ms; closing/);
  } finally {
    await server.stop();
  }
});

test('--msg prints every record both ways; :keyupdate sends a KeyUpdate in the trace', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const r = await dtls13(
      [
        'client',
        '--connect',
        `127.0.0.1:${server.port}`,
        '--ca',
        pem.ca,
        '--servername',
        'localhost',
        '--msg',
        '--replies',
        '2',
      ],
      'one\n:keyupdate\ntwo\n',
    ).done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'one\ntwo\n');
    for (const line of [
      /^>>> epoch 0 rec 0 handshake \d+ B: client_hello \(msg_seq 0, \d+ B\)$/m,
      /^<<< epoch 0 rec 0 handshake \d+ B: hello_retry_request \(msg_seq 0, \d+ B\)$/m,
      /^<<< epoch 0 rec \d+ handshake \d+ B: server_hello \(msg_seq 1, \d+ B\)$/m,
      /^<<< epoch 2 rec \d+ handshake \d+ B: encrypted_extensions/m,
      /^<<< epoch 2 rec \d+ handshake \d+ B: certificate \(/m,
      /^<<< epoch 2 rec \d+ handshake \d+ B: certificate_verify/m,
      /^<<< epoch 2 rec \d+ handshake \d+ B: finished/m,
      /^>>> epoch 2 rec 0 handshake \d+ B: finished/m,
      /^>>> epoch 3 rec \d+ application_data \d+ B: 4 B of application data$/m,
      /^>>> epoch 3 rec \d+ handshake \d+ B: key_update \(msg_seq \d+, 1 B\)$/m,
      /^KeyUpdate sent \(update_requested\)/m,
    ]) {
      t.regex(r.stderr, line);
    }
  } finally {
    await server.stop();
  }
});

// The mismatch is found by the stateless cookie exchange, before any connection: the server reports it (handshakeError).
test('a cipher suite mismatch is explained on both ends, with suite short names on both commands', async (t) => {
  const server = await startServer(pem, ['--cipher', 'chacha20']);
  const r = await dtls13([
    'client',
    '--connect',
    `127.0.0.1:${server.port}`,
    '--ca',
    pem.ca,
    '--servername',
    'localhost',
    '--cipher',
    'aes128gcm',
    '--message',
    'x',
  ]).done;
  const log = await server.stop();
  t.regex(
    log,
    /handshake failed: handshake_failure: no common cipher suite: client offered tls_aes_128_gcm_sha256, server accepts tls_chacha20_poly1305_sha256/,
  );
  t.is(r.code, 1);
  t.regex(
    r.stderr,
    /^dtls13 client: handshake_failure: .*the server accepts none of what this client offered \(cipher suites tls_aes_128_gcm_sha256; groups /m,
  );
});

test('--version, COMMAND --help, short usage errors, a negative value, key log mode 0600, IPv6 in brackets', async (t) => {
  const version = await dtls13(['--version']).done;
  t.regex(version.stdout, /^dtls13 \d+\.\d+\.\d+\n$/);
  const help = await dtls13(['server', '--help']).done;
  t.is(help.code, 0);
  t.regex(help.stdout, /^usage: dtls13 server --listen HOST:PORT/);
  t.regex(help.stdout, /--keylog FILE/);
  const bad = await dtls13(['client', '--bogus']).done;
  t.is(bad.code, 2);
  t.is(bad.stderr, "dtls13 client: unknown option '--bogus'\nsee 'dtls13 client --help'\n");
  const negative = await dtls13(['simulate', '--seed', '-1']).done;
  t.is(negative.code, 2);
  t.regex(negative.stderr, /--seed.*-1/);
  t.notRegex(negative.stderr, /ambiguous/);

  const keylog = join(pem.dir, 'v6.keys');
  const server = await startServer(pem, ['--echo'], '::1');
  try {
    t.regex(server.run.out().stdout, new RegExp(`listening on \\[::1\\]:${server.port}\\n`));
    const r = await dtls13([
      'client',
      '--connect',
      `[::1]:${server.port}`,
      '--ca',
      pem.ca,
      '--servername',
      'localhost',
      '--message',
      'v6',
      '--replies',
      '1',
      '--keylog',
      keylog,
    ]).done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'v6\n');
    t.is(statSync(keylog).mode & 0o777, 0o600);
  } finally {
    const log = await server.stop();
    t.regex(log, /\[::1\]:\d+ connected: /);
  }
});

test("lines typed on the server's stdin reach the connected client; :keyupdate there updates its keys", async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const client = dtls13(
      ['client', '--connect', `127.0.0.1:${server.port}`, '--ca', pem.ca, '--servername', 'localhost', '--msg'],
      null,
    );
    const until = async (what: () => boolean): Promise<void> => {
      // Bounded for a stuck peer only: on a loaded machine the handshake alone can take tens of seconds.
      for (let i = 0; i < 4800 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => /connected: /.test(client.out().stderr));
    await until(() => /connected: /.test(server.run.out().stdout));
    server.run.child.stdin!.write('hello from the server\n:keyupdate\n');
    await until(
      () =>
        client.out().stdout.includes('hello from the server\n') &&
        /<<< epoch 3 rec \d+ handshake \d+ B: key_update/.test(client.out().stderr),
    );
    t.regex(server.run.out().stdout, /KeyUpdate sent \(update_requested\) on 1 connection\(s\)/);
    client.child.stdin!.end(':quit\n');
    const r = await client.done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'hello from the server\n');
    t.regex(r.stderr, /<<< epoch 3 rec \d+ handshake \d+ B: key_update \(msg_seq \d+, 1 B\)/);
  } finally {
    await server.stop();
  }
});
