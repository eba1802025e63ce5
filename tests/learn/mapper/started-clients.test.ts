import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClientSul } from '../../../learn/mapper/client-sul.js';
import { referenceClient } from '../../../learn/mapper/reference.js';
import { startClient, StartedClients } from '../../../learn/mapper/started-clients.js';
import { makeIdentity } from '../../support/pki-fixtures.js';
import { assertStartedAndStopped } from './started-log.js';
import { walk } from './steps.js';

/**
 * Clients started ahead of their sessions (learn/mapper/started-clients.ts), with dtls13's own client
 * (dist/cli/main.js): each session gets a fresh client of its own that sent only its first ClientHello, `parallel`
 * more are started while sessions run, a spare that sent more while it waited is stopped unused, and closing the SUL
 * stops the spares.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });

/** The reference client's command, logging its port and pid to `log` before it becomes the client. */
function logged(command: string, log: string): string {
  return `echo "{port} $$" >> '${log}'; exec ${command}`;
}

test('each session its own fresh client, parallel more started ahead, none left after close', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-clients-'));
  const log = join(dir, 'started');
  const client = referenceClient({ version: '1.3', ca: id.caDer });
  const sul = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version: '1.3',
    parallel: 2,
    clientCommand: logged(client.command, log),
    cert: id.chain,
    key: id.privateKey,
  });
  const answers: string[][] = [];
  try {
    for (let k = 0; k < 3; k++) answers.push(await walk(sul, ['HelloRetryRequest', 'ServerHello']));
  } finally {
    await sul.close();
    client.close();
  }
  t.not(answers[0]![0], 'timeout', 'the client answers a HelloRetryRequest');
  t.deepEqual(answers[1], answers[0]);
  t.deepEqual(answers[2], answers[0]);
  assertStartedAndStopped(t, log, 3, 2, 'client');
  rmSync(dir, { recursive: true, force: true });
});

test('a spare that sent more than its first ClientHello while it waited is stopped, not given to a session', async (t) => {
  // A client whose retransmission timer (100 ms) fires while it waits: its ClientHello comes again.
  const client = referenceClient({ version: '1.3', ca: id.caDer });
  const command = client.command.replace(/--retransmit-timeout \d+/, '--retransmit-timeout 100');
  t.not(command, client.command);
  const clients = new StartedClients((channel) => startClient(command, '127.0.0.1', channel, 5000), '127.0.0.1', 1);
  try {
    const first = await clients.take();
    t.not(first.first, undefined);
    await first.process.stop();
    await first.channel.close();
    // The spare started by take(): its first ClientHello read, then its timer fires (100 ms, then 200 ms) while
    // waiting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await clients.take();
    t.is(clients.discarded, 1, 'the spare that sent its ClientHello again was stopped');
    t.not(second.first, undefined);
    t.is(second.channel.pending, 0, 'the client given to the session sent only its first datagram');
    await second.process.stop();
    await second.channel.close();
  } finally {
    await clients.close();
    client.close();
  }
});
