/**
 * The interactive client on a real terminal: Debian's tmux runs `dtls13
 * client` in a pane; the test types lines, a :keyupdate and :quit with
 * send-keys and reads the pane with capture-pane.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { makeIdentity } from '../support/pki-fixtures.js';
import { writePem } from '../interop/wolfssl.js';
import { CLI_COMMAND, startServer } from './cli-process.js';

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const pem = writePem(id);
const SOCKET = `dtls13-test-${process.pid}`;
test.after.always(() => {
  pem.remove();
  try {
    execFileSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
});

const tmux = (...args: string[]): string =>
  execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
const pane = (session = 'client'): string => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', session);

/**
 * Waits until the pane of `session` shows `pattern`; fails with the pane's text after `ms`: a bound on liveness, not
 * on speed (CI runs this beside its learning runs at a load average near 40, where the client, started under tsx, once
 * printed nothing in 20 s).
 */
const WAIT_MS = 90_000;
async function waitFor(pattern: RegExp, ms = WAIT_MS, session = 'client'): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = pane(session);
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`the pane never showed ${String(pattern)}:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const count = (text: string, line: string): number => text.split('\n').filter((l) => l.trim() === line).length;

test('typed lines are sent and echoed at once; :keyupdate updates the keys; :quit closes with close_notify and exits 0', async (t) => {
  const server = await startServer(pem, ['--echo']);
  try {
    const command = `${CLI_COMMAND} client --connect 127.0.0.1:${server.port} --ca ${pem.ca} --servername localhost --msg; echo "client exited $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'client', '-x', '200', '-y', '50', command);
    await waitFor(/connected: tls_aes_128_gcm_sha256/);
    tmux('send-keys', '-t', 'client', 'hello over a terminal', 'Enter');
    // The terminal echoes the typed line, then the server's echo is printed: the line twice.
    let text = await waitFor(/<<< epoch 3 rec \d+ application_data \d+ B: 22 B of application data/);
    text = await waitFor(/hello over a terminal\n(.*\n)*hello over a terminal/);
    t.is(count(text, 'hello over a terminal'), 2);
    tmux('send-keys', '-t', 'client', ':keyupdate', 'Enter');
    await waitFor(/KeyUpdate sent \(update_requested\)/);
    await waitFor(/>>> epoch 3 rec \d+ handshake \d+ B: key_update/);
    tmux('send-keys', '-t', 'client', 'after the update', 'Enter');
    // The line goes out under the new keys (epoch 4) once the peer acknowledged the KeyUpdate.
    text = await waitFor(/after the update\n(.*\n)*after the update/);
    t.regex(text, />>> epoch 4 rec \d+ application_data/);
    tmux('send-keys', '-t', 'client', ':quit', 'Enter');
    text = await waitFor(/client exited \d+/);
    t.regex(text, />>> epoch \d+ rec \d+ alert \d+ B: warning close_notify/);
    t.regex(text, /client exited 0/);
  } finally {
    const log = await server.stop();
    t.regex(log, /closed \(close_notify\)/);
  }
});

test('Ctrl-C on the client closes with close_notify before it exits (130); the server sees the close at once', async (t) => {
  const server = await startServer(pem, ['--echo']);
  let log: string;
  try {
    const command = `${CLI_COMMAND} client --connect 127.0.0.1:${server.port} --ca ${pem.ca} --servername localhost --msg; echo "client exited $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'interrupted', '-x', '200', '-y', '50', command);
    await waitFor(/connected: tls_aes_128_gcm_sha256/, WAIT_MS, 'interrupted');
    tmux('send-keys', '-t', 'interrupted', 'C-c');
    const text = await waitFor(/client exited \d+/, WAIT_MS, 'interrupted');
    t.regex(text, /interrupted: closing \(close_notify\)/);
    t.regex(text, />>> epoch \d+ rec \d+ alert \d+ B: warning close_notify/);
    t.regex(text, /client exited 130/);
    // The server learns of it from the close_notify, not from an idle timeout minutes later.
    const until = Date.now() + 20_000;
    while (!/closed \(close_notify\)/.test(server.run.out().stdout) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
  } finally {
    log = await server.stop();
  }
  t.regex(log, /closed \(close_notify\)/);
});
