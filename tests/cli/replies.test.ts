/**
 * `dtls13 client --replies N` counts lines, as a user reading its output does: `printf 'one\ntwo\n' | dtls13 client
 * --replies 2` packs both lines into one record and still waits for, and ends at, both answers (against our server
 * echoing them, and answering each line with its fixed line). With replies owed at the end of input and no limit
 * given, a silent server ends the wait with exit 1 instead of holding the client until its idle close. openssl's
 * `-quiet`, `-brief`, `-dtls` and `-verify_return_error` are taken.
 */
import test from 'ava';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { replyLines } from '../../cli/client-command.js';
import { dtls13, startServer } from './cli-process.js';

const pem = writePem(makeIdentity('p256', 'localhost', { at: Date.now() }));
test.after.always(() => pem.remove());

const client = (port: number, ...args: string[]): string[] => [
  'client',
  '--connect',
  `127.0.0.1:${port}`,
  '--ca',
  pem.ca,
  '--servername',
  'localhost',
  ...args,
];

test("printf 'one\\ntwo\\n' | dtls13 client --replies 2 against dtls13 server --echo: both lines back, exit 0", async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const r = await dtls13(client(server.port, '--replies', '2'), 'one\ntwo\n').done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'one\ntwo\n');
  } finally {
    await server.stop();
  }
});

test("printf 'one\\ntwo\\n' | dtls13 client --replies 2 against dtls13 server: an answer per line, exit 0", async (t) => {
  const server = await startServer(pem, []);
  try {
    const r = await dtls13(client(server.port, '--replies', '2'), 'one\ntwo\n').done;
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, 'dtls13 server: got your message\n'.repeat(2));
    const log = await server.stop();
    t.regex(log, /: one\n.*: two\n/s);
  } finally {
    await server.stop();
  }
});

test('--replies 2 with one line sent to an echo: the silent server ends the wait (exit 1, saying how many came)', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const r = await dtls13(client(server.port, '--replies', '2'), 'only\n').done;
    t.is(r.code, 1, r.stderr);
    t.is(r.stdout, 'only\n');
    t.regex(
      r.stderr,
      /^dtls13 client: no reply for \d+ ms before every reply came \(--replies 2: 1 came\); --timeout MS or --idle-timeout MS sets another limit$/m,
    );
  } finally {
    await server.stop();
  }
});

test("openssl's -quiet -brief -dtls -verify_return_error: taken; -quiet leaves out the handshake summary", async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const quiet = await dtls13(
      client(server.port, '-quiet', '-brief', '-dtls', '-verify_return_error', '--message', 'hi', '--replies', '1'),
    ).done;
    t.is(quiet.code, 0, quiet.stderr);
    t.is(quiet.stdout, 'hi\n');
    t.is(quiet.stderr, '');
    const told = await dtls13(client(server.port, '-brief', '--message', 'hi', '--replies', '1')).done;
    t.is(told.code, 0, told.stderr);
    t.regex(told.stderr, /^connected: /m);
  } finally {
    await server.stop();
  }
});

test('replyLines: a newline ends a line, and so does the end of a message without one', (t) => {
  t.is(replyLines('one\ntwo\n'), 2);
  t.is(replyLines('pong'), 1);
  t.is(replyLines('a\nb'), 2);
  t.is(replyLines('\n'), 1);
  t.is(replyLines(''), 0);
});
